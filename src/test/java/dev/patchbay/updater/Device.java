package dev.patchbay.updater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.patchbay.updater.port.AppInfo;
import dev.patchbay.updater.port.AssetStore;
import dev.patchbay.updater.port.Ports;
import dev.patchbay.updater.port.WebViewHost;
import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * One emulated device for the updater's unit tests: persistent in-memory disk and preferences, a virtual clock, a
 * deterministic executor and a {@link FakeServer}. {@link #boot()} starts a new process over the same disk.
 */
final class Device {
    static final Map<String, String> BUILTIN = Map.of(
            "index.html", "<html>builtin 1.0.0</html>",
            "assets/app.js", "console.log('shared library code, unchanged between versions');".repeat(50),
            "assets/style.css", "body { color: black }");

    final TestKeys keys;
    final VirtualClock clock = new VirtualClock(TestKeys.T0.plus(Duration.ofDays(1)));
    final FakeServer server;
    final MemoryDisk disk;
    AppInfo app = new AppInfo("1.0.0", 100, "android", "14", false, true);
    Map<String, byte[]> builtin = new TreeMap<>();
    UpdaterConfig config;

    MemoryDisk.Proc proc;
    QueueExecutor exec;
    Updater updater;
    final Web web = new Web();
    final List<UpdaterEvent> events = new CopyOnWriteArrayList<>();

    /** The WebView: the folder it serves and how often it was (re)loaded. */
    static final class Web implements WebViewHost {
        String path;
        int switches;
        int reloads;

        @Override
        public void setServerBasePath(String absolutePath) {
            path = absolutePath;
            switches++;
        }

        @Override
        public void reload() {
            reloads++;
        }
    }

    Device(TestKeys keys, Consumer<UpdaterConfig.Builder> configure) {
        this(keys, configure, new MemoryDisk());
    }

    private Device(TestKeys keys, Consumer<UpdaterConfig.Builder> configure, MemoryDisk disk) {
        this.keys = keys;
        this.disk = disk;
        this.server = new FakeServer(keys, clock);
        BUILTIN.forEach((k, v) -> builtin.put(k, v.getBytes(StandardCharsets.UTF_8)));
        UpdaterConfig.Builder b = keys.config();
        configure.accept(b);
        config = b.build();
    }

    Device(TestKeys keys) {
        this(keys, b -> { });
    }

    /**
     * A powered-off copy of this device: same disk contents, clock, app, config and server content; no process.
     * Lets a test prepare a state once and replay from it many times.
     */
    Device fork() {
        Device d = new Device(keys, b -> { }, disk.copy());
        d.config = config;
        d.app = app;
        d.builtin = builtin;
        d.clock.now = clock.now;
        d.clock.elapsed = clock.elapsed;
        d.server.blobs.putAll(server.blobs);
        d.server.release = server.release;
        d.server.serveBuiltin = server.serveBuiltin;
        d.web.path = web.path;
        return d;
    }

    Ports ports() {
        AssetStore assets = new AssetStore() {
            @Override
            public List<String> list() {
                return new ArrayList<>(builtin.keySet());
            }

            @Override
            public InputStream open(String path) throws FileNotFoundException {
                byte[] b = builtin.get(path);
                if (b == null) {
                    throw new FileNotFoundException(path);
                }
                return new ByteArrayInputStream(b);
            }
        };
        return new Ports(app, proc.kv("CapacitorUpdater"), proc.kv("CapWebViewSettings"), proc.fileStore(), assets,
                server, clock, web, exec);
    }

    /** A new process over the same disk: a new runtime and its cold start (the WebView then loads its page). */
    Updater boot() {
        if (proc != null) {
            proc.dead = true;
        }
        if (updater != null) {
            updater.shutdown();
        }
        clock.clearTimers();
        proc = disk.new Proc();
        exec = new QueueExecutor();
        updater = new Updater(config, ports());
        updater.addListener(events::add);
        updater.onColdStart();
        web.path = updater.serverBasePath();
        return updater;
    }

    /**
     * As {@link #boot()}, but as Capacitor does it: the WebView is created from the persisted path and loads its page
     * before the runtime's cold start; the runtime then tells it if it must switch.
     */
    Updater bootWebViewFirst() {
        if (proc != null) {
            proc.dead = true;
        }
        if (updater != null) {
            updater.shutdown();
        }
        clock.clearTimers();
        proc = disk.new Proc();
        exec = new QueueExecutor();
        Map<String, String> settings = disk.kv.get("CapWebViewSettings");
        web.path = settings == null ? null : settings.get("serverBasePath");
        updater = new Updater(config, ports());
        updater.addListener(events::add);
        updater.onPageLoaded(web.path);
        updater.onColdStart();
        return updater;
    }

    /** Runs queued background work (not timers) until none is left. */
    void settle() {
        while (exec.runOne()) {
            // keep going
        }
    }

    /** Advances virtual time by {@code d}, running due timers and the work they start. */
    void advance(Duration d) {
        long until = clock.elapsedRealtime() + d.toMillis();
        settle();
        while (clock.runNext(until)) {
            settle();
        }
        long left = until - clock.elapsedRealtime();
        if (left > 0) {
            clock.tick(left);
        }
        settle();
    }

    /** The page the WebView serves finished loading. */
    void pageLoaded() {
        updater.onPageLoaded(web.path);
    }

    /** The loaded page confirms itself. */
    BundleInfo ready() {
        return updater.notifyAppReady(web.path);
    }

    /** The version whose files the WebView serves (after checking they are exactly that bundle's files). */
    String servedVersion(Map<String, TestKeys.Sealed> known) {
        String p = updater.serverBasePath();
        assertEquals(p, disk.kv.get("CapWebViewSettings").get("serverBasePath"),
                "the persisted WebView path is what the runtime serves");
        if (p == null) {
            return "builtin";
        }
        String rel = p.substring("/data/user/0/com.example.shop/files/".length());
        Map<String, byte[]> files = new TreeMap<>();
        disk.files.forEach((k, v) -> {
            if (k.startsWith(rel + "/")) {
                files.put(k.substring(rel.length() + 1), v);
            }
        });
        for (TestKeys.Sealed s : known.values()) {
            if (sameFiles(files, s.files())) {
                return s.version();
            }
        }
        throw new AssertionError("the WebView serves " + rel + " whose files are no complete known bundle: "
                + files.keySet());
    }

    /** As {@link #servedVersion} but without requiring the path to be persisted (a write may have failed). */
    String servedVersionInMemory(Map<String, TestKeys.Sealed> known) {
        String p = updater.serverBasePath();
        if (p == null) {
            return "builtin";
        }
        String rel = p.substring("/data/user/0/com.example.shop/files/".length());
        Map<String, byte[]> files = new TreeMap<>();
        disk.files.forEach((k, v) -> {
            if (k.startsWith(rel + "/")) {
                files.put(k.substring(rel.length() + 1), v);
            }
        });
        for (TestKeys.Sealed s : known.values()) {
            if (sameFiles(files, s.files())) {
                return s.version();
            }
        }
        throw new AssertionError("serves " + rel + " whose files are no complete known bundle: " + files.keySet());
    }

    static boolean sameFiles(Map<String, byte[]> a, Map<String, byte[]> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (String k : a.keySet()) {
            if (!java.util.Arrays.equals(a.get(k), b.get(k))) {
                return false;
            }
        }
        return true;
    }

    String currentVersion() {
        BundleInfo b = updater.current().bundle();
        assertNotNull(b);
        return b.isBuiltin() ? "builtin" : b.version();
    }

    <T extends UpdaterEvent> List<T> events(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (UpdaterEvent e : events) {
            if (type.isInstance(e)) {
                out.add(type.cast(e));
            }
        }
        return out;
    }

    /** {@code length} characters that deflate cannot shrink much (base64 of seeded random bytes). */
    static String noise(int length, long seed) {
        byte[] raw = new byte[length];
        new java.util.Random(seed).nextBytes(raw);
        return java.util.Base64.getEncoder().encodeToString(raw).substring(0, length);
    }

    static Map<String, String> files(String version, String extra) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("index.html", "<html>version " + version + "</html>");
        m.put("assets/app.js", BUILTIN.get("assets/app.js"));
        m.put("assets/page-" + version + ".js", "console.log('" + version + "');" + extra);
        return m;
    }
}
