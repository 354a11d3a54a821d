package dev.patchbay.console.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.console.common.TaskRunner;
import dev.patchbay.console.settings.AtomicFiles;
import dev.patchbay.crypto.Codec;
import dev.patchbay.domain.FileTrees;
import dev.patchbay.domain.Json;
import dev.patchbay.harness.AppPackage;
import dev.patchbay.harness.DeviceBuilder;
import dev.patchbay.harness.EmulatedDevice;
import dev.patchbay.harness.SimulatedBehaviour;
import dev.patchbay.updater.AutoUpdate;
import dev.patchbay.updater.UpdaterConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The Emulator's devices on disk, so they outlive the console (ADR 0109). Each device lives in
 * {@code <root>/<connection>/devices/<device id>/}: the harness device's folders ({@code data/…}, as on a phone) and
 * {@code emulator.json}, the installed app as the console made it — native version, web layer, and the updater config
 * compiled into the app, content key included, as in every real install — and the fault toggles set on it. That file is created rw------- and replaced
 * atomically. The device id (a lower-case UUID the console picks) is the device's one name: its folder, the id its
 * runtime reports, the row on the Devices page.
 */
final class EmulatorDevices {
    static final String MANIFEST = "emulator.json";
    private static final int FORMAT = 1;

    private final Path root;
    private final TaskRunner tasks;
    /** Every device opened and not removed: closed on exit, even one a restore still had in hand. */
    private final List<DeviceItem> opened = new java.util.concurrent.CopyOnWriteArrayList<>();
    private boolean closed;
    /** One manifest rewrite at a time (an upgrade and a fault toggle may overlap). */
    private final Object saveLock = new Object();

    /** @param root {@code <data folder>/emulator} */
    EmulatorDevices(Path root, TaskRunner tasks) {
        this.root = root;
        this.tasks = tasks;
    }

    /** What the form asked for; {@code assets} null: the console's generated builtin page. */
    record Setup(String connectionId, String serverUrl, String appId, String version, long build, String channel,
            AutoUpdate mode, Duration appReady, Path assets, boolean reportsEmulator,
            EmulatorViewModel.WebLayer layer) {
    }

    /** The trust material a device embeds (the root public key and the app's content key). */
    record Keys(byte[] rootPublicKey, String rootKeyId, byte[] contentKey, String contentKeyId) {
    }

    /** Devices read back from disk, and the folders that could not be (each with the reason). */
    record Restored(List<DeviceItem> devices, List<String> problems) {
    }

    /** Background: folders, assets, config, device, install, then its {@code emulator.json}. */
    DeviceItem create(Setup setup, Keys k) throws IOException {
        if (setup.assets() != null && !Files.isRegularFile(setup.assets().resolve("index.html"))) {
            throw new EmulatorViewModel.AssetsProblem(setup.assets() + " has no index.html at its top level.");
        }
        String id = UUID.randomUUID().toString();
        Path devicesDir = devicesDir(setup.connectionId());
        UpdaterConfig cfg = UpdaterConfig.builder(setup.serverUrl(), setup.appId(), k.rootPublicKey(), k.contentKey())
                .autoUpdate(setup.mode()).appReadyTimeout(setup.appReady()).defaultChannel(setup.channel()).build();
        Path assets = setup.assets() != null ? setup.assets()
                : GeneratedAssets.write(apkDir(setup.connectionId(), id, setup.build()), setup.appId(),
                setup.version(), setup.build());
        AppPackage pkg = new AppPackage(setup.appId(), setup.version(), setup.build(), assets, cfg);
        DeviceItem item = open(devicesDir, id, setup.connectionId(), setup.appId(), setup.reportsEmulator(),
                setup.layer(), setup.assets() == null, setup.channel());
        try {
            item.device().install(pkg);
            save(item, System.currentTimeMillis());
        } catch (RuntimeException | IOException e) {
            item.close();
            opened.remove(item);
            FileTrees.delete(item.device().folder());
            throw e;
        }
        return item;
    }

    /**
     * Background: the devices of {@code connectionId} made in earlier sessions, stopped, oldest first. A device
     * belongs to its connection, not to an address: its app asks {@code serverUrl}, the connection's address now (the
     * Local sandbox may have moved to another port), as if it had been rebuilt for it.
     */
    Restored restore(String connectionId, String serverUrl) {
        Path devicesDir = devicesDir(connectionId);
        List<DeviceItem> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        if (!Files.isDirectory(devicesDir)) {
            return new Restored(out, problems);
        }
        List<Path> folders;
        try (Stream<Path> s = Files.list(devicesDir)) {
            folders = s.filter(Files::isDirectory).toList();
        } catch (IOException e) {
            return new Restored(out, List.of("Cannot read " + devicesDir + ": " + e.getMessage()));
        }
        List<Map.Entry<Long, DeviceItem>> found = new ArrayList<>();
        for (Path folder : folders) {
            Path manifest = folder.resolve(MANIFEST);
            if (!Files.isRegularFile(manifest)) {
                // A device of a console before 0109 (named emulator-NNNN, no emulator.json): it cannot be resumed.
                if (folder.getFileName().toString().startsWith("emulator-")) {
                    try {
                        FileTrees.delete(folder);
                    } catch (IOException e) {
                        problems.add("Cannot remove the old device folder " + folder + ": " + e.getMessage());
                    }
                }
                continue;
            }
            try {
                JsonNode m = Json.mapper().readTree(Files.readString(manifest));
                if (serverUrl != null && m.path("updater") instanceof ObjectNode u) {
                    u.put("serverUrl", serverUrl);
                }
                found.add(Map.entry(m.path("created").asLong(), reopen(devicesDir, folder, connectionId, m)));
            } catch (IOException | RuntimeException e) {
                problems.add("Device " + folder.getFileName() + " cannot be resumed (" + e.getMessage()
                        + "); its folder is kept: " + folder);
            }
        }
        found.sort(Map.Entry.comparingByKey());
        found.forEach(e -> out.add(e.getValue()));
        return new Restored(out, problems);
    }

    private DeviceItem reopen(Path devicesDir, Path folder, String connectionId, JsonNode m) {
        if (m.path("format").asInt() != FORMAT) {
            throw new IllegalStateException("unknown format " + m.path("format"));
        }
        String id = m.path("deviceId").asText();
        if (!id.equals(folder.getFileName().toString())) {
            throw new IllegalStateException("it names device " + id);
        }
        UpdaterConfig cfg = UpdaterConfig.fromJson(m.path("updater").toString());
        boolean generated = m.path("generatedAssets").asBoolean();
        String version = m.path("version").asText();
        long build = m.path("build").asLong();
        Path assets = generated ? apkDir(connectionId, id, build) : Path.of(m.path("assets").asText());
        AppPackage pkg = new AppPackage(m.path("appId").asText(), version, build, assets, cfg);
        DeviceItem item = open(devicesDir, id, connectionId, pkg.appId(), m.path("reportsEmulator").asBoolean(),
                EmulatorViewModel.WebLayer.valueOf(m.path("webLayer").asText()), generated,
                cfg.defaultChannel());
        // The fault toggles as the page last set them (a file without them: none), applied before the device runs.
        JsonNode f = m.path("faults");
        item.faults = new FaultSet(f.path("offline").asBoolean(), f.path("slow").asBoolean(),
                f.path("serverErrors").asBoolean(), f.path("diskFull").asBoolean(), f.path("clockSkew").asBoolean());
        try {
            item.faults.applyTo(item.device().faults());
            item.device().resume(pkg);
        } catch (RuntimeException e) {
            item.close();
            opened.remove(item);
            throw e;
        }
        return item;
    }

    private DeviceItem open(Path devicesDir, String id, String connectionId, String appId, boolean reportsEmulator,
            EmulatorViewModel.WebLayer layer, boolean generated, String channel) {
        DeviceBuilder b = EmulatedDevice.builder(devicesDir, id).deviceId(id).reportsEmulator(reportsEmulator);
        if (layer == EmulatorViewModel.WebLayer.WEBVIEW) {
            b.webView();
        } else {
            b.simulated(Map.of(), SimulatedBehaviour.readyAfter(Duration.ZERO));
        }
        DeviceItem item;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("The console is closing: no device is started now.");
            }
            item = new DeviceItem(b.build(), connectionId, appId, channel, generated,
                    new DeviceItem.Setup(layer, reportsEmulator), tasks);
            opened.add(item);
        }
        // Subscribed before the first lifecycle step, so no line of the log is missed.
        item.attach();
        return item;
    }

    /**
     * After a native upgrade or a change of the fault toggles: the manifest names the version now installed and the
     * faults set now. Background.
     */
    void saveChange(DeviceItem d) throws IOException {
        synchronized (saveLock) {
            JsonNode old = Json.mapper().readTree(Files.readString(d.device().folder().resolve(MANIFEST)));
            save(d, old.path("created").asLong());
        }
    }

    private void save(DeviceItem d, long created) throws IOException {
        AppPackage pkg = d.device().app();
        UpdaterConfig c = pkg.updater();
        ObjectNode m = Json.mapper().createObjectNode();
        m.put("format", FORMAT);
        m.put("deviceId", d.deviceId());
        m.put("created", created);
        m.put("appId", pkg.appId());
        m.put("version", pkg.versionName());
        m.put("build", pkg.versionCode());
        m.put("generatedAssets", d.generatedAssets());
        m.put("assets", d.generatedAssets() ? null : pkg.webAssets().toAbsolutePath().toString());
        m.put("reportsEmulator", d.setup().reportsEmulator());
        m.put("webLayer", d.setup().layer().name());
        ObjectNode u = m.putObject("updater");
        u.put("serverUrl", c.serverUrl());
        u.put("appId", c.appId());
        u.put("rootPublicKey", Codec.b64(c.rootPublicKey()));
        u.put("contentKey", Codec.b64(c.contentKey()));
        u.put("autoUpdate", c.autoUpdate().wire());
        u.put("appReadyTimeout", c.appReadyTimeout().toMillis());
        u.put("defaultChannel", c.defaultChannel());
        FaultSet f = d.faults;
        ObjectNode faults = m.putObject("faults");
        faults.put("offline", f.offline());
        faults.put("slow", f.slow());
        faults.put("serverErrors", f.serverErrors());
        faults.put("diskFull", f.diskFull());
        faults.put("clockSkew", f.clockSkew());
        AtomicFiles.write(d.device().folder().resolve(MANIFEST), Json.mapper().writerWithDefaultPrettyPrinter()
                .writeValueAsBytes(m), true);
    }

    /** Closes the device and deletes its folder and its generated builtin pages. Background. */
    void remove(DeviceItem d) throws IOException {
        d.close();
        opened.remove(d);
        FileTrees.delete(d.device().folder());
        Path apk = connectionDir(d.connectionId()).resolve("apk");
        if (Files.isDirectory(apk)) {
            try (Stream<Path> s = Files.list(apk)) {
                for (Path p : s.filter(p -> p.getFileName().toString().startsWith(d.deviceId() + "-")).toList()) {
                    FileTrees.delete(p);
                }
            }
        }
    }

    /** Closes every device (app processes, web servers, threads) and opens none after. On exit; not on the FX thread. */
    void closeAll() {
        synchronized (this) {
            closed = true;
        }
        for (DeviceItem d : opened) {
            try {
                d.close();
            } catch (RuntimeException ignored) {
                // closing the others matters more
            }
        }
    }

    /** The generated builtin page of {@code build} of a device. */
    Path apkDir(String connectionId, String deviceId, long build) {
        return connectionDir(connectionId).resolve("apk").resolve(deviceId + "-" + build);
    }

    private Path devicesDir(String connectionId) {
        return connectionDir(connectionId).resolve("devices");
    }

    private Path connectionDir(String connectionId) {
        return root.resolve(connectionId.replaceAll("[^A-Za-z0-9._-]", "_"));
    }
}
