package dev.patchbay.console.channels;

import dev.patchbay.client.PatchbayClient;
import dev.patchbay.console.common.TaskRunner;
import dev.patchbay.console.connection.ConnectionManager;
import dev.patchbay.console.connection.Session;
import dev.patchbay.console.keys.AppKeyStore;
import dev.patchbay.crypto.AppKeys;
import dev.patchbay.domain.App;
import dev.patchbay.domain.Channel;
import dev.patchbay.domain.FileTrees;
import dev.patchbay.harness.AppPackage;
import dev.patchbay.harness.Preflight;
import dev.patchbay.harness.PreflightNote;
import dev.patchbay.preflight.ApiPreflightServer;
import dev.patchbay.updater.AutoUpdate;
import dev.patchbay.updater.UpdaterConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.beans.value.ObservableValue;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The start form's Preflight step (docs/console.md): boots the chosen bundle in emulated WebView devices in the
 * background (as {@code patchbay bundle preflight}), with progress and cancel, and lists per device whether it
 * confirmed, its errors and a screenshot. A failed preflight blocks Start until "Start anyway" is ticked; the start
 * then carries the preflight's note, which the server keeps in the audit log.
 */
public final class PreflightViewModel {
    /** Preflight devices at most (each is a real WebView on the console's FX thread). */
    static final int MAX_DEVICES = 5;
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** One device's line: {@code problems} are the failure, JS errors and failed loads; screenshot may be null. */
    public record DeviceRow(String serial, boolean confirmed, String summary, List<String> problems, Path screenshot) {
    }

    private final ConnectionManager connection;
    private final TaskRunner tasks;
    private final AppKeyStore keys;
    private final ObservableValue<App> app;
    private final ObservableValue<Channel> channel;
    private final ObservableValue<String> target;

    private final StringProperty devices = new SimpleStringProperty(this, "devices", "2");
    private final StringProperty from = new SimpleStringProperty(this, "from", "");
    private final StringProperty progress = new SimpleStringProperty(this, "progress", "");
    private final StringProperty error = new SimpleStringProperty(this, "error", "");
    private final BooleanProperty running = new SimpleBooleanProperty(this, "running");
    private final BooleanProperty force = new SimpleBooleanProperty(this, "force");
    private final ObjectProperty<Preflight.Report> report = new SimpleObjectProperty<>(this, "report");
    private final ObservableList<DeviceRow> rows = FXCollections.observableArrayList();
    private final BooleanBinding failed;
    private final BooleanBinding blocksStart;
    private volatile Thread worker;
    private volatile boolean cancelled;

    /** A finished run and the folder holding its report.json and screenshots. */
    private record Run(Preflight.Report report, Path out) {
    }
    private long generation;

    public PreflightViewModel(ConnectionManager connection, TaskRunner tasks, AppKeyStore keys,
            ObservableValue<App> app, ObservableValue<Channel> channel, ObservableValue<String> target) {
        this.connection = connection;
        this.tasks = tasks;
        this.keys = keys;
        this.app = app;
        this.channel = channel;
        this.target = target;
        failed = Bindings.createBooleanBinding(() -> report.get() != null && !report.get().passed(), report);
        blocksStart = running.or(failed.and(force.not()));
        target.addListener((obs, old, now) -> reset());
        // the page reloads its channels (also when a preflight adds its temporary one): only another channel, or
        // another bundle served, makes the result stale
        channel.addListener((obs, old, now) -> {
            if (old == null || now == null || !old.name().equals(now.name())
                    || !java.util.Objects.equals(old.bundle(), now.bundle())) {
                reset();
            }
        });
    }

    /** Forgets the last result and stops a run in flight (the bundle or channel changed, or the form opened). */
    public void reset() {
        cancel();
        generation++;
        running.set(false);
        report.set(null);
        rows.clear();
        progress.set("");
        error.set("");
        force.set(false);
    }

    /** Runs the preflight of the form's bundle; {@code passphrase} (wiped) unlocks the app's keys when locked. */
    public void run(char[] passphrase) {
        char[] pass = passphrase == null ? new char[0] : passphrase.clone();
        if (passphrase != null) {
            Arrays.fill(passphrase, '\0');
        }
        Session s = connection.session();
        App a = app.getValue();
        Channel c = channel.getValue();
        String version = target.getValue();
        error.set("");
        if (running.get() || s == null || a == null || c == null) {
            return;
        }
        int n;
        try {
            n = Integer.parseInt(devices.get().strip());
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (version == null || version.isBlank()) {
            error.set("Choose the bundle to roll out first");
        } else if (n < 1 || n > MAX_DEVICES) {
            error.set("Devices: a number from 1 to " + MAX_DEVICES);
        } else if (!keys.exists(a.id())) {
            error.set("This console holds no keys of " + a.id() + ": the preflight devices embed its trust material");
        } else if (keys.unlocked(a.id()).isEmpty() && pass.length == 0) {
            error.set("Enter the passphrase of the app's keys: the preflight devices embed its content key");
        }
        if (!error.get().isEmpty()) {
            Arrays.fill(pass, '\0');
            return;
        }
        String start = from.get() == null || from.get().isBlank() ? (c.bundle() == null ? null : c.bundle())
                : from.get().strip().equals("builtin") ? null : from.get().strip();
        int count = n;
        long gen = ++generation;
        cancelled = false;
        report.set(null);
        rows.clear();
        force.set(false);
        running.set(true);
        progress.set("Preparing " + count + " device" + (count == 1 ? "" : "s") + "…");
        tasks.create("Preflight of " + version, () -> {
                    worker = Thread.currentThread();
                    try {
                        return preflight(s.requireClient(), a.id(), version.strip(), start, count, pass, gen);
                    } finally {
                        worker = null;
                        Arrays.fill(pass, '\0');
                        Thread.interrupted();
                    }
                })
                .onSuccess(done -> {
                    if (gen == generation) {
                        Preflight.Report r = done.report();
                        report.set(r);
                        rows.setAll(rows(r, done.out()));
                        progress.set(r.passed() ? "Passed: every device confirmed " + r.version()
                                : "FAILED: " + PreflightNote.confirmed(r) + " of " + r.devices().size()
                                + " devices confirmed " + r.version());
                    }
                })
                .onError(e -> {
                    if (gen == generation) {
                        progress.set("");
                        error.set(cancelled || e instanceof InterruptedException ? "Preflight cancelled"
                                : AppKeyStore.wrongPassphrase(e) ? "Wrong passphrase"
                                : "Preflight failed to run: " + e.getMessage());
                    }
                })
                .andFinally(() -> {
                    if (gen == generation) {
                        running.set(false);
                    }
                })
                .run();
    }

    private Run preflight(PatchbayClient client, String appId, String version, String start, int n,
            char[] pass, long gen) throws Exception {
        AppKeys k = keys.unlocked(appId).orElse(null);
        if (k == null) {
            k = keys.unlock(appId, pass.clone());
        }
        byte[] content = k.contentKey();
        UpdaterConfig config;
        try {
            config = UpdaterConfig.builder(client.baseUrl(), appId, k.trust().rootPublicKey(), content)
                    .autoUpdate(AutoUpdate.ALWAYS).defaultChannel(null).build();
        } finally {
            Arrays.fill(content, (byte) 0);
        }
        Path root = Files.createTempDirectory("patchbay-preflight-");
        try {
            Path builtin = Files.createDirectories(root.resolve("builtin"));
            Files.writeString(builtin.resolve("index.html"), "<!doctype html><html><head><title>" + appId
                    + "</title></head><body>builtin</body></html>\n");
            AppPackage pkg = new AppPackage(appId, "1.0.0", AppPackage.versionCodeOf("1.0.0"), builtin, config);
            Path out = Files.createTempDirectory("patchbay-preflight-" + version.replaceAll("[^A-Za-z0-9.]", "_")
                    + "-");
            return new Run(new Preflight(new ApiPreflightServer(client), new Preflight.Options(pkg, version, start, n,
                    TIMEOUT, root.resolve("devices"), out)).onProgress(m -> tasks.post(() -> {
                        if (gen == generation) {
                            progress.set(m + "…");
                        }
                    })).run(), out);
        } finally {
            deleteTree(root);
        }
    }

    /** Interrupts a run in flight; it cleans up (channel, pins) and reports "Preflight cancelled". */
    public void cancel() {
        Thread t = worker;
        if (t != null) {
            cancelled = true;
            t.interrupt();
        }
    }

    /** What the start sends as its preflight note: null when none ran; says so when started despite a failure. */
    public String note() {
        Preflight.Report r = report.get();
        if (r == null) {
            return null;
        }
        String n = PreflightNote.of(r);
        return r.passed() ? n : n.replaceFirst("^FAILED: ", "FAILED (started anyway in the console): ");
    }

    /** Why Start is blocked, or null. */
    public String blockReason() {
        if (running.get()) {
            return "The preflight is still running: wait for it or cancel it";
        }
        return blocksStart.get() ? "The preflight failed: fix the bundle, or tick \"Start anyway\" (the failure and"
                + " your reason go to the audit log)" : null;
    }

    static List<DeviceRow> rows(Preflight.Report r, Path out) {
        List<DeviceRow> list = new ArrayList<>();
        for (Preflight.DeviceResult d : r.devices()) {
            List<String> problems = new ArrayList<>();
            if (d.failure() != null) {
                problems.add(d.failure());
            }
            d.jsErrors().forEach(e -> problems.add("JS: " + e));
            d.failedResources().forEach(e -> problems.add("Failed to load " + e));
            String summary = d.serial() + ": " + (d.confirmed() ? "confirmed" + (d.confirmedAfterMs() == null ? ""
                    : " after " + d.confirmedAfterMs() + " ms") : "NOT confirmed") + " · on "
                    + (d.finalVersion() == null ? "?" : d.finalVersion());
            list.add(new DeviceRow(d.serial(), d.confirmed(), summary, List.copyOf(problems),
                    d.screenshot() == null ? null : out.resolve(d.screenshot())));
        }
        return list;
    }

    private static void deleteTree(Path root) {
        try {
            FileTrees.delete(root);
        } catch (IOException e) {
            // a temporary folder; the OS cleans it up
        }
    }

    public StringProperty devicesProperty() {
        return devices;
    }

    public StringProperty fromProperty() {
        return from;
    }

    public StringProperty progressProperty() {
        return progress;
    }

    public StringProperty errorProperty() {
        return error;
    }

    public BooleanProperty runningProperty() {
        return running;
    }

    public BooleanProperty forceProperty() {
        return force;
    }

    public ObjectProperty<Preflight.Report> reportProperty() {
        return report;
    }

    public BooleanBinding failedProperty() {
        return failed;
    }

    public BooleanBinding blocksStartProperty() {
        return blocksStart;
    }

    public ObservableList<DeviceRow> rows() {
        return rows;
    }
}
