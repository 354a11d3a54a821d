package dev.patchbay.cli;

import dev.patchbay.client.PatchbayClient;
import dev.patchbay.domain.Json;
import dev.patchbay.preflight.ApiPreflightServer;
import dev.patchbay.harness.AppPackage;
import dev.patchbay.harness.Preflight;
import dev.patchbay.updater.AutoUpdate;
import dev.patchbay.updater.UpdaterConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code patchbay bundle preflight}: a published bundle boots in emulated WebView devices before a rollout. */
@Command(name = "preflight",
        description = {"Boot a published bundle in N emulated Android devices with the real WebView (headless without "
                + "a display) before real devices get it: each installs the app, starts from its builtin assets or "
                + "--from a published bundle, and is moved to the bundle through a temporary channel only these "
                + "devices are pinned to (deleted after).",
                "Reports per device: confirmed by the bundle's own notifyAppReady() or not (and after how long), "
                + "JavaScript errors and failed resource loads, bytes downloaded, and a PNG of the page, written "
                + "with report.json to --out.",
                "The key passphrase comes from $" + Passphrases.ENV + " or --passphrase-file."},
        footer = {"", "Exit code 0 when every device confirmed the bundle, 1 otherwise."})
final class PreflightCommand implements Callable<Integer> {
    private final Cli.Context context;

    @Mixin
    ServerOptions server;
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;
    @Option(names = "--app", required = true, paramLabel = "ID", description = "The app's id")
    String app;
    @Option(names = "--version", required = true, paramLabel = "V", description = "The published bundle to try")
    String version;
    @Option(names = "--from", defaultValue = "builtin", paramLabel = "VERSION|builtin",
            description = "What the devices run before: the builtin assets or a published bundle (default: "
                    + "${DEFAULT-VALUE})")
    String from;
    @Option(names = "--devices", defaultValue = "3", paramLabel = "N", description = "Devices, 1..20 (default: "
            + "${DEFAULT-VALUE})")
    int devices;
    @Option(names = "--timeout", defaultValue = "30s", paramLabel = "TIME",
            description = "Give up on a device not confirmed by then (default: ${DEFAULT-VALUE})")
    String timeout;
    @Option(names = "--app-ready-timeout", defaultValue = "10s", paramLabel = "TIME",
            description = "The app's notifyAppReady timeout (default: ${DEFAULT-VALUE}, the runtime's)")
    String appReadyTimeout;
    @Option(names = "--keys", required = true, paramLabel = "DIR", description = "The app's key folder")
    Path keys;
    @Mixin
    PassphraseOption passphrase;
    @Option(names = "--assets", paramLabel = "DIR", description = "The app's builtin web assets (default: a one-page "
            + "app)")
    Path assets;
    @Option(names = "--native-version", defaultValue = "1.0.0", paramLabel = "V",
            description = "The app's native version (default: ${DEFAULT-VALUE})")
    String nativeVersion;
    @Option(names = "--out", paramLabel = "DIR",
            description = "Where report.json and the screenshots go (default: ./preflight-APP-VERSION)")
    Path out;

    PreflightCommand(Cli.Context context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        Path dir = out != null ? out : Path.of("preflight-" + app + "-" + version);
        Preflight.Report report = run(context, new Target(server.client(context),
                server.server != null ? server.server : context.env().get("PATCHBAY_SERVER"), app, keys, passphrase,
                assets, nativeVersion), version, from, devices, HarnessCommand.FleetRounds.time("--timeout", timeout),
                HarnessCommand.FleetRounds.time("--app-ready-timeout", appReadyTimeout), dir);
        print(new Output(context.out(), server.json), report, dir);
        return report.passed() ? 0 : Cli.FAILED;
    }

    /** The app a preflight runs: its server, id, key folder, builtin assets (null: a one-page app), native version. */
    record Target(PatchbayClient client, String serverUrl, String app, Path keys, PassphraseOption passphrase,
            Path assets, String nativeVersion) {
    }

    /**
     * Runs a preflight of {@code version} from {@code from} ("builtin" or a version) on {@code devices} devices and
     * writes report.json and the screenshots to {@code dir}; {@code bundle preflight} and {@code rollout start
     * --preflight} share it.
     */
    static Preflight.Report run(Cli.Context context, Target t, String version, String from, int devices,
            Duration total, Duration appReadyTimeout, Path dir) throws Exception {
        HarnessCommand.DeviceTarget target = new HarnessCommand.DeviceTarget();
        target.app = t.app();
        target.keys = t.keys();
        target.passphrase = t.passphrase();
        target.server = t.serverUrl();
        String appId = target.appId(devices);
        HarnessCommand.checkNativeVersion(t.nativeVersion());
        if (devices > 20) {
            throw new CliException("--devices must be between 1 and 20 (each is a real WebView), not " + devices);
        }
        UpdaterConfig config = target.config(context, appId, AutoUpdate.ALWAYS, appReadyTimeout);
        Path root = Files.createTempDirectory("patchbay-preflight-");
        try {
            Path builtin = t.assets() != null ? t.assets() : HarnessCommand.builtinAssets(root, appId);
            AppPackage pkg = new AppPackage(appId, t.nativeVersion(), AppPackage.versionCodeOf(t.nativeVersion()),
                    builtin, config);
            Preflight.Report report = new Preflight(new ApiPreflightServer(t.client()), new Preflight.Options(pkg, version,
                    from.equals("builtin") ? null : from, devices, total, root.resolve("devices"), dir)).run();
            Files.writeString(dir.resolve("report.json"), Json.mapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsString(report));
            return report;
        } finally {
            HarnessCommand.deleteTree(root);
        }
    }

    /** The report as a table (or JSON with {@code --json}). */
    static void print(Output o, Preflight.Report r, Path dir) {
        if (o.json()) {
            o.json(r);
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        for (Preflight.DeviceResult d : r.devices()) {
            rows.add(List.of(d.serial(), d.confirmed() ? "confirmed" : "NOT confirmed",
                    d.confirmedAfterMs() == null ? "-" : d.confirmedAfterMs() + " ms",
                    String.valueOf(d.jsErrors().size()), String.valueOf(d.failedResources().size()),
                    Text.bytes(d.bytesDownloaded()), d.screenshot() == null ? "-" : d.screenshot(),
                    d.failure() == null ? "" : d.failure()));
        }
        o.table(List.of("DEVICE", "RESULT", "AFTER", "JS ERRORS", "FAILED LOADS", "DOWNLOADED", "SCREENSHOT",
                "WHY"), rows);
        for (Preflight.DeviceResult d : r.devices()) {
            for (String e : d.jsErrors()) {
                o.line(d.serial() + ": " + e);
            }
            for (String e : d.failedResources()) {
                o.line(d.serial() + ": failed to load " + e);
            }
        }
        o.line("");
        o.line("Preflight of " + r.appId() + " " + r.version() + " from " + r.from() + ": "
                + (r.passed() ? "passed" : "FAILED") + " in " + r.wallMs() + " ms; report: " + dir.resolve(
                "report.json"));
    }
}
