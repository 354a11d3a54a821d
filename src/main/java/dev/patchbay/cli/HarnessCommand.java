package dev.patchbay.cli;

import dev.patchbay.crypto.AppKeys;
import dev.patchbay.crypto.KeyFile;
import dev.patchbay.crypto.TrustRoot;
import dev.patchbay.domain.FileTrees;
import dev.patchbay.domain.Json;
import dev.patchbay.domain.Names;
import dev.patchbay.harness.AppPackage;
import dev.patchbay.harness.Fleet;
import dev.patchbay.harness.FleetMix;
import dev.patchbay.harness.FleetRound;
import dev.patchbay.harness.FleetSummary;
import dev.patchbay.harness.SimulatedBehaviour;
import dev.patchbay.updater.AutoUpdate;
import dev.patchbay.updater.UpdaterConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "harness", mixinStandardHelpOptions = true,
        description = "Emulated Android devices running the updater runtime against a server.",
        subcommands = {HarnessCommand.Run.class, HarnessCommand.FleetRounds.class})
final class HarnessCommand {

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Run N headless emulated devices (SIMULATED web layer: each bundle is taken as ready at "
                    + "once; --web-view: a real WebView runs each bundle's own JavaScript) until each is updated, up "
                    + "to date or failed, and print where each ended.",
                    "The devices embed the app's trust material as an app would: the root public key from the key "
                    + "folder's trust.json and the content key from content.key (needs the passphrase)."},
            footer = {"", "Exit code 0 when every device reached a final state, 1 when one failed or timed out."})
    static final class Run implements Callable<Integer> {
        private final Cli.Context context;

        @Mixin
        DeviceTarget target;
        @Option(names = "--devices", defaultValue = "1", paramLabel = "N",
                description = "Number of devices (default: ${DEFAULT-VALUE})")
        int devices;
        @Option(names = "--native-version", defaultValue = "1.0.0", paramLabel = "V",
                description = "The app's native version (versionName; default: ${DEFAULT-VALUE})")
        String nativeVersion;
        @Option(names = "--native-build", paramLabel = "N", description = "versionCode (default: from the version)")
        Long nativeBuild;
        @Option(names = "--channel", paramLabel = "NAME", description = "Channel each device asks for")
        String channel;
        @Option(names = "--mode", defaultValue = "always", paramLabel = "MODE",
                description = "autoUpdate: off (the app's API does it), atBackground (install at background), "
                        + "always, onLaunch, atInstall, onlyDownload (downloads; the device then calls set) "
                        + "(default: ${DEFAULT-VALUE})")
        String mode;
        @Option(names = "--timeout", defaultValue = "120", paramLabel = "SECONDS",
                description = "Give up on devices not done after this (default: ${DEFAULT-VALUE})")
        long timeout;
        @Option(names = "--json", description = "JSON output")
        boolean json;
        @Option(names = "--web-view", description = "Real WebView devices (headless without a display): a bundle "
                + "is confirmed only if its own JavaScript calls notifyAppReady() (through Capacitor's bridge)")
        boolean webView;
        @Option(names = "--app-ready-timeout", paramLabel = "TIME",
                description = "The app's notifyAppReady timeout, e.g. 5s (default: the runtime's, 10s)")
        String appReadyTimeout;

        Run(Cli.Context context) {
            this.context = context;
        }

        @Override
        public Integer call() throws Exception {
            String appId = target.appId(devices);
            checkNativeVersion(nativeVersion);
            AutoUpdate autoUpdate = autoUpdate(mode);
            UpdaterConfig config = target.config(context, appId, autoUpdate, appReadyTimeout == null ? null
                    : FleetRounds.time("--app-ready-timeout", appReadyTimeout));
            Path root = target.root();
            Path builtin = target.assets;
            try {
                if (builtin == null) {
                    builtin = builtinAssets(root, appId);
                }
                long build = nativeBuild != null ? nativeBuild : defaultBuild(nativeVersion);
                AppPackage pkg = new AppPackage(appId, nativeVersion, build, builtin, config);
                System.setProperty("http.maxConnections", Integer.toString(Math.max(5, Math.min(64, devices))));
                FleetSummary summary;
                try (Fleet fleet = new Fleet(new Fleet.Options(root.resolve("devices"), devices, pkg, target.threads,
                        Map.of(), channel), webView)) {
                    summary = fleet.run(Duration.ofSeconds(timeout));
                }
                print(summary);
                boolean bad = summary.devices().stream()
                        .anyMatch(d -> d.outcome().equals("failed") || d.outcome().equals("timeout"));
                return bad ? Cli.FAILED : 0;
            } finally {
                target.release(root);
            }
        }

        /** 1.4.0 → 10400 (major·10000 + minor·100 + patch), a common versionCode scheme. */
        static long defaultBuild(String version) {
            return AppPackage.versionCodeOf(version);
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
    }

    @Command(name = "fleet", mixinStandardHelpOptions = true,
            description = {"Run N headless emulated devices in rounds against a server, with a realistic mix "
                    + "(platforms, native versions, channels, emulators, development builds) and bundles that fail "
                    + "on a share of the devices, and print where the devices are after each round.",
                    "A round: every device has one app session (its first: install and cold start; later: back from "
                    + "the background, or a cold start when its app was killed at the end of the last round), in "
                    + "which the runtime checks for an update and does what the answer says; then the app goes to "
                    + "the background or is killed. Rounds repeat, so the devices pick up a rollout's changing "
                    + "percentage.",
                    "A bundle given to --failure-rate never becomes ready (or crashes, --failure crash) on that "
                    + "fraction of the devices, chosen from the device id and the bundle version (the same devices "
                    + "on every run with the same --seed): the runtime rolls it back and reports the rollback to "
                    + "the server."},
            footer = {"", "Exit code 0 when the last round had no errors or timeouts, 1 otherwise."})
    static final class FleetRounds implements Callable<Integer> {
        private final Cli.Context context;

        @Mixin
        DeviceTarget target;
        @Option(names = "--devices", defaultValue = "100", paramLabel = "N",
                description = "Number of devices (default: ${DEFAULT-VALUE})")
        int devices;
        @Option(names = "--failure-rate", paramLabel = "BUNDLE=RATE",
                description = "Bundle BUNDLE fails on this fraction of the devices: 0.2 or 20%% (repeatable)")
        List<String> failureRates = new ArrayList<>();
        @Option(names = "--failure", defaultValue = "never-ready", paramLabel = "HOW",
                description = "How a failing bundle fails: never-ready (no notifyAppReady: rolled back after the "
                        + "app-ready timeout) or crash (the app dies as the page loads) (default: ${DEFAULT-VALUE})")
        String failure;
        @Option(names = "--native", paramLabel = "V=W,...",
                description = "Native versions with weights, e.g. 1.4.0=70,1.3.2=25,1.2.0=5 (default: 1.0.0)")
        String natives;
        @Option(names = "--platforms", defaultValue = "android=100", paramLabel = "P=W,...",
                description = "Platforms with weights, e.g. android=80,ios=20 (default: ${DEFAULT-VALUE})")
        String platforms;
        @Option(names = "--channel", paramLabel = "NAME=PCT,...",
                description = "Percent of devices asking for a channel, e.g. beta=10 (the rest ask for none)")
        String channels;
        @Option(names = "--emulators", defaultValue = "0", paramLabel = "PCT",
                description = "Percent of devices that are emulators (default: ${DEFAULT-VALUE})")
        int emulators;
        @Option(names = "--dev-builds", defaultValue = "0", paramLabel = "PCT",
                description = "Percent of devices running a development build (default: ${DEFAULT-VALUE})")
        int devBuilds;
        @Option(names = "--cold-starts", defaultValue = "25", paramLabel = "PCT",
                description = "Percent of devices whose app is killed after each round, so the next round is a "
                        + "cold start (default: ${DEFAULT-VALUE})")
        int coldStarts;
        @Option(names = "--seed", defaultValue = "patchbay-fleet", paramLabel = "TEXT",
                description = "Makes the device ids and every choice of the mix (default: ${DEFAULT-VALUE})")
        String seed;
        @Option(names = "--rounds", paramLabel = "K", description = "Run K rounds (default: 3 without --duration)")
        Integer rounds;
        @Option(names = "--duration", paramLabel = "TIME",
                description = "Start rounds until this much time has passed, e.g. 10m, 90s, 1h")
        String duration;
        @Option(names = "--round-interval", defaultValue = "0s", paramLabel = "TIME",
                description = "A round starts at least this long after the last one started (default: "
                        + "${DEFAULT-VALUE})")
        String roundInterval;
        @Option(names = "--concurrency", defaultValue = "0", paramLabel = "C",
                description = "Device sessions running at once (default: the number of threads)")
        int concurrency;
        @Option(names = "--mode", defaultValue = "always", paramLabel = "MODE",
                description = "autoUpdate: always, atBackground, onLaunch, atInstall (default: ${DEFAULT-VALUE})")
        String mode;
        @Option(names = "--app-ready-timeout", defaultValue = "10s", paramLabel = "TIME",
                description = "The app's notifyAppReady timeout (default: ${DEFAULT-VALUE}, the runtime's)")
        String appReadyTimeout;
        @Option(names = "--session-timeout", paramLabel = "TIME",
                description = "A device session not settled by then counts as a timeout (default: the app-ready "
                        + "timeout + 60s)")
        String sessionTimeout;
        @Option(names = "--no-fsync", description = "Do not fsync the devices' writes (large fleets; see "
                + "docs/harness.md)")
        boolean noFsync;
        @Option(names = "--json", description = "JSON lines: one object per round, then the summary")
        boolean json;

        FleetRounds(Cli.Context context) {
            this.context = context;
        }

        @Override
        public Integer call() throws Exception {
            String appId = target.appId(devices);
            AutoUpdate autoUpdate = autoUpdate(mode);
            if (autoUpdate == AutoUpdate.OFF || autoUpdate == AutoUpdate.ONLY_DOWNLOAD) {
                throw new CliException("--mode: fleet rounds need a mode that installs by itself (always, "
                        + "atBackground, onLaunch, atInstall)");
            }
            if (rounds != null && duration != null) {
                throw new CliException("--rounds and --duration: give one of them");
            }
            if (rounds != null && (rounds < 1 || rounds > 1_000_000)) {
                throw new CliException("--rounds must be at least 1, not " + rounds);
            }
            Duration total = duration == null ? null : time("--duration", duration);
            Duration interval = time("--round-interval", roundInterval);
            Duration readyTimeout = time("--app-ready-timeout", appReadyTimeout);
            Duration session = sessionTimeout == null ? readyTimeout.plusSeconds(60)
                    : time("--session-timeout", sessionTimeout);
            FleetMix mix = mix();
            String firstNative = mix.natives().isEmpty() ? "1.0.0" : mix.natives().keySet().iterator().next();
            UpdaterConfig config = target.config(context, appId, autoUpdate, readyTimeout);
            Path root = target.root();
            try {
                Path builtin = target.assets != null ? target.assets : builtinAssets(root, appId);
                AppPackage pkg = new AppPackage(appId, firstNative, AppPackage.versionCodeOf(firstNative), builtin,
                        config);
                int pool = target.threads > 0 ? target.threads : Math.min(64, Math.max(4, devices));
                System.setProperty("http.maxConnections", Integer.toString(Math.max(5, Math.min(64, pool))));
                try (Fleet fleet = new Fleet(new Fleet.Options(root.resolve("devices"), devices, pkg, pool,
                        Map.of(), null, !noFsync, mix))) {
                    return drive(fleet, total, interval, session, concurrency > 0 ? concurrency : pool);
                }
            } finally {
                target.release(root);
            }
        }

        private FleetMix mix() {
            try {
                Map<String, Integer> nat = FleetMix.weights("--native", natives);
                for (String v : nat.keySet()) {
                    if (!v.matches("(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)")) {
                        throw new CliException("--native: " + v + " is not a version like 1.4.0");
                    }
                }
                Map<String, Double> rates = new LinkedHashMap<>();
                for (String r : failureRates) {
                    Map.Entry<String, Double> e = FleetMix.rate("--failure-rate", r);
                    rates.put(e.getKey(), e.getValue());
                }
                SimulatedBehaviour how = switch (failure) {
                    case "never-ready" -> SimulatedBehaviour.neverReady();
                    case "crash" -> SimulatedBehaviour.crashOnLoad();
                    default -> throw new CliException("--failure: never-ready or crash, not " + failure);
                };
                Map<String, Integer> ch = FleetMix.weights("--channel", channels);
                for (String c : ch.keySet()) {
                    Names.channelName("--channel", c);
                }
                return new FleetMix(seed, FleetMix.weights("--platforms", platforms), nat, ch, emulators,
                        devBuilds, rates, how, coldStarts);
            } catch (IllegalArgumentException e) {
                String m = e.getMessage();
                throw new CliException(m.startsWith("--") ? m : "--" + m);
            }
        }

        private int drive(Fleet fleet, Duration total, Duration interval, Duration session, int concurrent)
                throws InterruptedException {
            Output out = new Output(context.out(), json);
            long start = System.nanoTime();
            int limit = rounds != null ? rounds : total == null ? 3 : Integer.MAX_VALUE;
            FleetRound last = null;
            int crashes = 0;
            int errors = 0;
            for (int i = 0; i < limit; i++) {
                if (total != null && i > 0 && System.nanoTime() - start >= total.toNanos()) {
                    break;
                }
                long roundStart = System.nanoTime();
                last = fleet.round(session, concurrent);
                crashes += last.count("crashed");
                errors += last.errors();
                if (json) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("round", last.number());
                    m.put("wallMs", last.wall().toMillis());
                    m.put("byBundle", last.byBundle());
                    m.put("byOutcome", last.byOutcome());
                    m.put("rollbacksSoFar", last.rollbacksSoFar());
                    m.put("errors", last.sessions().stream().filter(s -> s.outcome().equals("error")
                            || s.outcome().equals("timeout")).limit(5)
                            .map(s -> s.serial() + ": " + s.detail()).toList());
                    line(m);
                } else {
                    out.line(last.line());
                    last.sessions().stream().filter(s -> s.outcome().equals("error") || s.outcome().equals("timeout"))
                            .limit(3).forEach(s -> out.line("  " + s.serial() + " " + s.outcome() + ": "
                                    + s.detail()));
                }
                long wait = interval.toNanos() - (System.nanoTime() - roundStart);
                boolean more = i + 1 < limit && (total == null || System.nanoTime() - start < total.toNanos());
                if (more && wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(total == null ? wait
                            : Math.min(wait, total.toNanos() - (System.nanoTime() - start)));
                }
            }
            summary(out, fleet, last, crashes, errors, Duration.ofNanos(System.nanoTime() - start));
            return last.errors() > 0 ? Cli.FAILED : 0;
        }

        private void summary(Output out, Fleet fleet, FleetRound last, int crashes, int errors, Duration wall) {
            List<FleetMix.Profile> profiles = fleet.profiles();
            Map<String, Integer> byPlatform = new TreeMap<>();
            Map<String, Integer> byNative = new TreeMap<>();
            Map<String, Integer> byChannel = new TreeMap<>();
            Map<String, Integer> failing = new TreeMap<>();
            Map<String, Map<String, Integer>> bundleByPlatform = new TreeMap<>();
            int emulatorCount = 0;
            int devBuildCount = 0;
            for (int i = 0; i < profiles.size(); i++) {
                FleetMix.Profile p = profiles.get(i);
                byPlatform.merge(p.platform(), 1, Integer::sum);
                byNative.merge(p.nativeVersion(), 1, Integer::sum);
                byChannel.merge(p.channel() == null ? "(default)" : p.channel(), 1, Integer::sum);
                p.failing().forEach(v -> failing.merge(v, 1, Integer::sum));
                emulatorCount += p.emulator() ? 1 : 0;
                devBuildCount += p.devBuild() ? 1 : 0;
                bundleByPlatform.computeIfAbsent(p.platform(), k -> new TreeMap<>())
                        .merge(String.valueOf(last.sessions().get(i).bundle()), 1, Integer::sum);
            }
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("rounds", last.number());
                s.put("wallMs", wall.toMillis());
                s.put("devices", profiles.size());
                s.put("byBundle", last.byBundle());
                s.put("byPlatformAndBundle", bundleByPlatform);
                s.put("rollbacks", last.rollbacksSoFar());
                s.put("crashes", crashes);
                s.put("errors", errors);
                Map<String, Object> mixOut = new LinkedHashMap<>();
                mixOut.put("platforms", byPlatform);
                mixOut.put("native", byNative);
                mixOut.put("channels", byChannel);
                mixOut.put("emulators", emulatorCount);
                mixOut.put("devBuilds", devBuildCount);
                mixOut.put("failing", failing);
                s.put("mix", mixOut);
                m.put("summary", s);
                line(m);
                return;
            }
            out.line("");
            out.line(profiles.size() + " devices, " + last.number() + " rounds in " + wall.toMillis() + " ms");
            out.fields(List.of(
                    new String[] {"by bundle", last.byBundle().toString()},
                    new String[] {"by platform, bundle", bundleByPlatform.toString()},
                    new String[] {"rollbacks", Integer.toString(last.rollbacksSoFar())},
                    new String[] {"crashes", Integer.toString(crashes)},
                    new String[] {"errors and timeouts", Integer.toString(errors)},
                    new String[] {"platforms", byPlatform.toString()},
                    new String[] {"native versions", byNative.toString()},
                    new String[] {"channels asked", byChannel.toString()},
                    new String[] {"emulators, dev builds", emulatorCount + ", " + devBuildCount},
                    new String[] {"devices a bundle fails on", failing.toString()}));
        }

        private void line(Object value) {
            try {
                context.out().println(Json.mapper().writeValueAsString(value));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        /** 500ms, 30s, 10m, 1h. */
        static Duration time(String field, String text) {
            var m = java.util.regex.Pattern.compile("(\\d{1,9})(ms|s|m|h)").matcher(text.trim());
            if (!m.matches()) {
                throw new CliException(field + ": \"" + text + "\" is not a time like 500ms, 30s, 10m or 1h");
            }
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
    }

    /** The options `harness run` and `harness fleet` share: the app, its server and keys, and where devices live. */
    static final class DeviceTarget {
        @Option(names = "--app", required = true, paramLabel = "ID", description = "App id")
        String app;
        @Option(names = "--server", required = true, paramLabel = "URL", description = "Update server, e.g. "
                + "http://127.0.0.1:7300")
        String server;
        @Option(names = "--keys", required = true, paramLabel = "DIR", description = "The app's key folder")
        Path keys;
        @Mixin
        PassphraseOption passphrase;
        @Option(names = "--assets", paramLabel = "DIR", description = "Builtin web assets (default: a one-page app)")
        Path assets;
        @Option(names = "--data-dir", paramLabel = "DIR",
                description = "Keep the devices' folders here (default: a temporary folder, deleted after)")
        Path dataDir;
        @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
                description = "Background threads shared by the devices (default: min(64, devices))")
        int threads;

        /** The app id, checked, once {@code devices} is known to be in range. */
        String appId(int devices) {
            String appId = Names.appId("--app", app);
            if (devices < 1 || devices > 100_000) {
                throw new CliException("--devices must be between 1 and 100000, not " + devices);
            }
            return appId;
        }

        /** What the app embeds: the root public key (trust.json) and the content key (content.key). */
        UpdaterConfig config(Cli.Context context, String appId, AutoUpdate autoUpdate, Duration appReadyTimeout) {
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
                        .autoUpdate(autoUpdate).appReadyTimeout(appReadyTimeout).defaultChannel(null).build();
            } finally {
                content.destroy();
            }
        }

        /** Where the devices live: {@code --data-dir}, else a temporary folder that {@link #release} deletes. */
        Path root() throws IOException {
            return dataDir != null ? dataDir : Files.createTempDirectory("patchbay-harness-");
        }

        void release(Path root) {
            if (dataDir == null) {
                deleteTree(root);
            }
        }
    }

    static AutoUpdate autoUpdate(String mode) {
        try {
            return AutoUpdate.of(mode);
        } catch (IllegalArgumentException e) {
            throw new CliException("--mode: " + e.getMessage());
        }
    }

    /** A one-page app as the builtin web assets, in {@code <root>/builtin-assets}. */
    /** {@code --native-version} must be a semantic version (the app's versionName). */
    static void checkNativeVersion(String v) {
        if (!v.matches("(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)([-+][0-9A-Za-z.+-]+)?")) {
            throw new CliException("--native-version must be a semantic version like 1.4.0, not " + v);
        }
    }

    static Path builtinAssets(Path root, String appId) throws IOException {
        Path builtin = Files.createDirectories(root.resolve("builtin-assets"));
        Files.writeString(builtin.resolve("index.html"), "<!doctype html><html><head><title>" + appId
                + "</title></head><body>builtin</body></html>\n");
        return builtin;
    }

    /** Deletes a temporary device folder; a failure is an error of the command. */
    static void deleteTree(Path root) {
        try {
            FileTrees.delete(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
