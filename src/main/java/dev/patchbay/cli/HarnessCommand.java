package dev.patchbay.cli;

import dev.patchbay.crypto.AppKeys;
import dev.patchbay.crypto.KeyFile;
import dev.patchbay.crypto.TrustRoot;
import dev.patchbay.domain.Names;
import dev.patchbay.harness.AppPackage;
import dev.patchbay.harness.Fleet;
import dev.patchbay.harness.FleetSummary;
import dev.patchbay.updater.AutoUpdate;
import dev.patchbay.updater.UpdaterConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "harness", mixinStandardHelpOptions = true,
        description = "Emulated Android devices running the updater runtime against a server.",
        subcommands = {HarnessCommand.Run.class})
final class HarnessCommand {

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Run N headless emulated devices (SIMULATED web layer: each bundle is taken as ready at "
                    + "once) until each is updated, up to date or failed, and print where each ended.",
                    "The devices embed the app's trust material as an app would: the root public key from the key "
                    + "folder's trust.json and the content key from content.key (needs the passphrase)."},
            footer = {"", "Exit code 0 when every device reached a final state, 1 when one failed or timed out."})
    static final class Run implements Callable<Integer> {
        private final Cli.Context context;

        @Option(names = "--app", required = true, paramLabel = "ID", description = "App id")
        String app;
        @Option(names = "--server", required = true, paramLabel = "URL", description = "Update server, e.g. "
                + "http://127.0.0.1:7300")
        String server;
        @Option(names = "--devices", defaultValue = "1", paramLabel = "N",
                description = "Number of devices (default: ${DEFAULT-VALUE})")
        int devices;
        @Option(names = "--keys", required = true, paramLabel = "DIR", description = "The app's key folder")
        Path keys;
        @Mixin
        PassphraseOption passphrase;
        @Option(names = "--native-version", defaultValue = "1.0.0", paramLabel = "V",
                description = "The app's native version (versionName; default: ${DEFAULT-VALUE})")
        String nativeVersion;
        @Option(names = "--native-build", paramLabel = "N", description = "versionCode (default: from the version)")
        Long nativeBuild;
        @Option(names = "--channel", paramLabel = "NAME", description = "Channel each device asks for")
        String channel;
        @Option(names = "--mode", defaultValue = "always", paramLabel = "MODE",
                description = "autoUpdate: off (the app's API does it), atBackground (install at background), "
                        + "always, onLaunch (default: ${DEFAULT-VALUE})")
        String mode;
        @Option(names = "--assets", paramLabel = "DIR", description = "Builtin web assets (default: a one-page app)")
        Path assets;
        @Option(names = "--data-dir", paramLabel = "DIR",
                description = "Keep the devices' folders here (default: a temporary folder, deleted after)")
        Path dataDir;
        @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
                description = "Background threads shared by the devices (default: min(64, devices))")
        int threads;
        @Option(names = "--timeout", defaultValue = "120", paramLabel = "SECONDS",
                description = "Give up on devices not done after this (default: ${DEFAULT-VALUE})")
        long timeout;
        @Option(names = "--json", description = "JSON output")
        boolean json;

        Run(Cli.Context context) {
            this.context = context;
        }

        @Override
        public Integer call() throws Exception {
            String appId = Names.appId("--app", app);
            if (devices < 1 || devices > 100_000) {
                throw new CliException("--devices must be between 1 and 100000, not " + devices);
            }
            if (!nativeVersion.matches("(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)([-+][0-9A-Za-z.+-]+)?")) {
                throw new CliException("--native-version must be a semantic version like 1.4.0, not " + nativeVersion);
            }
            AutoUpdate autoUpdate;
            try {
                autoUpdate = AutoUpdate.of(mode);
            } catch (IllegalArgumentException e) {
                throw new CliException("--mode: " + e.getMessage());
            }
            UpdaterConfig config = config(appId, autoUpdate);
            Path root = dataDir != null ? dataDir : Files.createTempDirectory("patchbay-harness-");
            Path builtin = assets;
            try {
                if (builtin == null) {
                    builtin = Files.createDirectories(root.resolve("builtin-assets"));
                    Files.writeString(builtin.resolve("index.html"), "<!doctype html><html><head><title>" + appId
                            + "</title></head><body>builtin " + nativeVersion + "</body></html>\n");
                }
                long build = nativeBuild != null ? nativeBuild : defaultBuild(nativeVersion);
                AppPackage pkg = new AppPackage(appId, nativeVersion, build, builtin, config);
                System.setProperty("http.maxConnections", Integer.toString(Math.max(5, Math.min(64, devices))));
                FleetSummary summary;
                try (Fleet fleet = new Fleet(new Fleet.Options(root.resolve("devices"), devices, pkg, threads,
                        Map.of(), channel))) {
                    summary = fleet.run(Duration.ofSeconds(timeout));
                }
                print(summary);
                boolean bad = summary.devices().stream()
                        .anyMatch(d -> d.outcome().equals("failed") || d.outcome().equals("timeout"));
                return bad ? Cli.FAILED : 0;
            } finally {
                if (dataDir == null) {
                    deleteTree(root);
                }
            }
        }

        /** What the app embeds: the root public key (trust.json) and the content key (content.key). */
        private UpdaterConfig config(String appId, AutoUpdate autoUpdate) {
            TrustRoot trust = AppKeys.readTrust(appId, keys);
            char[] pass = passphrase.passphrase(context);
            KeyFile.Key content;
            try {
                content = KeyFile.read(keys.resolve(AppKeys.CONTENT_FILE), pass, appId, KeyFile.Kind.CONTENT);
            } finally {
                Arrays.fill(pass, '\0');
            }
            try {
                if (!content.keyId().equals(trust.contentKeyId())) {
                    throw new CliException(keys.resolve(AppKeys.CONTENT_FILE) + " holds content key "
                            + content.keyId() + ", but trust.json names " + trust.contentKeyId());
                }
                return UpdaterConfig.builder(server, appId, trust.rootPublicKey(), content.secret())
                        .autoUpdate(autoUpdate).defaultChannel(null).build();
            } finally {
                content.destroy();
            }
        }

        /** 1.4.0 → 10400 (major·10000 + minor·100 + patch), a common versionCode scheme. */
        static long defaultBuild(String version) {
            String[] p = version.split("[-+]")[0].split("\\.");
            return Long.parseLong(p[0]) * 10_000 + Long.parseLong(p[1]) * 100 + Long.parseLong(p[2]);
        }

        private void print(FleetSummary s) {
            Output out = new Output(context.out(), json);
            if (out.json()) {
                Map<String, Object> root = new LinkedHashMap<>();
                List<Map<String, Object>> list = new ArrayList<>();
                for (FleetSummary.DeviceResult d : s.devices()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("serial", d.serial());
                    m.put("outcome", d.outcome());
                    m.put("version", d.version());
                    m.put("status", d.status());
                    m.put("checkedMs", millis(d.checked()));
                    m.put("downloadedMs", millis(d.downloaded()));
                    m.put("installedMs", millis(d.installed()));
                    m.put("readyMs", millis(d.ready()));
                    m.put("detail", d.detail());
                    list.add(m);
                }
                root.put("devices", list);
                root.put("byOutcome", s.byOutcome());
                root.put("byVersion", s.byVersion());
                root.put("wallMs", s.wall().toMillis());
                root.put("peakHeapBytes", s.peakHeapBytes());
                out.json(root);
                return;
            }
            List<List<String>> rows = new ArrayList<>();
            for (FleetSummary.DeviceResult d : s.devices()) {
                rows.add(List.of(d.serial(), String.valueOf(d.version()), String.valueOf(d.status()), d.outcome(),
                        ms(d.checked()), ms(d.downloaded()), ms(d.ready()), d.detail() == null ? "" : d.detail()));
            }
            out.table(List.of("DEVICE", "BUNDLE", "STATE", "OUTCOME", "CHECKED", "DOWNLOADED", "READY", "DETAIL"),
                    rows);
            out.line("");
            out.line(s.devices().size() + " devices in " + s.wall().toMillis() + " ms; " + s.byOutcome()
                    + "; peak heap " + Text.bytes(s.peakHeapBytes()));
        }

        private static Long millis(Duration d) {
            return d == null ? null : d.toMillis();
        }

        private static String ms(Duration d) {
            return d == null ? "-" : d.toMillis() + " ms";
        }

        private static void deleteTree(Path root) {
            try (Stream<Path> s = Files.walk(root)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
