package dev.patchbay.harness;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.updater.AutoUpdate;
import dev.patchbay.updater.LatestVersion;
import dev.patchbay.updater.Updater;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * N headless (SIMULATED web layer) devices in one JVM on one {@link DeviceEnvironment}: shared threads and timers,
 * and the JVM's shared HTTP keep-alive pool. {@link #run} installs the app on each, cold-starts it and drives it to
 * completion — check, download, install (per the app's auto-update mode: a background/foreground for
 * {@code atBackground}, by itself for {@code always}, through the runtime's API for {@code off}), ready — and
 * returns a {@link FleetSummary}.
 */
public final class Fleet implements AutoCloseable {
    /**
     * How a fleet is made.
     *
     * @param root       folder for the devices' data ({@code <root>/<serial>/...})
     * @param size       number of devices
     * @param app        the package every device installs
     * @param threads    background threads shared by all devices
     * @param behaviours SIMULATED behaviour per bundle version (others: as their index.html says, else ready at once)
     * @param channel    the channel each device asks for (setChannel before its first check), or null
     * @param fsync      whether the devices' writes are fsynced (true, as on a device; see
     *                   {@link DeviceEnvironment#fsync()})
     * @param mix        what the devices are like (platforms, native versions, channels, failing bundles, ...); null:
     *                   all alike (Android, the app's version, {@code channel}), with ids the runtime makes itself
     */
    public record Options(Path root, int size, AppPackage app, int threads, Map<String, SimulatedBehaviour> behaviours,
            String channel, boolean fsync, FleetMix mix) {
        public Options {
            Objects.requireNonNull(root);
            Objects.requireNonNull(app);
            if (size < 1) {
                throw new IllegalArgumentException("A fleet needs at least one device");
            }
            threads = threads <= 0 ? Math.min(64, Math.max(4, size)) : threads;
            behaviours = behaviours == null ? Map.of() : Map.copyOf(behaviours);
        }

        public Options(Path root, int size, AppPackage app, int threads, Map<String, SimulatedBehaviour> behaviours,
                String channel, boolean fsync) {
            this(root, size, app, threads, behaviours, channel, fsync, null);
        }

        public Options(Path root, int size, AppPackage app, int threads, Map<String, SimulatedBehaviour> behaviours,
                String channel) {
            this(root, size, app, threads, behaviours, channel, true);
        }

        public Options(Path root, int size, AppPackage app) {
            this(root, size, app, 0, Map.of(), null);
        }
    }

    private final Options options;
    private final DeviceEnvironment env;
    private final List<EmulatedDevice> devices = new ArrayList<>();
    private final List<FleetMix.Profile> profiles = new ArrayList<>();
    private final List<Slot> slots = new ArrayList<>();
    private final AtomicInteger rounds = new AtomicInteger();
    private final AtomicInteger rollbacks = new AtomicInteger();

    public Fleet(Options options) {
        this(options, false);
    }

    /**
     * A fleet whose devices run a real WebView each ({@code webView}: the bundles' own JavaScript decides whether
     * they confirm), or SIMULATED ones. Real WebViews cost ~100 MB and a page load each: use few.
     */
    public Fleet(Options options, boolean webView) {
        this.options = options;
        this.env = DeviceEnvironment.create(options.threads(), null, options.fsync());
        int digits = Integer.toString(options.size() - 1).length();
        FleetMix mix = options.mix();
        for (int i = 0; i < options.size(); i++) {
            String serial = "sim-" + "0".repeat(Math.max(0, digits - Integer.toString(i).length())) + i;
            FleetMix.Profile profile = mix != null ? mix.profile(serial, options.app().versionName())
                    : new FleetMix.Profile(serial, null, "android", "14", options.app().versionName(),
                            options.channel(), false, false, Set.of());
            Map<String, SimulatedBehaviour> behaviours = new HashMap<>(options.behaviours());
            profile.failing().forEach(v -> behaviours.put(v, mix.failure()));
            DeviceBuilder b = EmulatedDevice.builder(options.root(), webView ? "web-" + serial.substring(4)
                    : serial).environment(env);
            if (webView) {
                b.webView();
            } else {
                b.simulated(behaviours, SimulatedBehaviour.readyAfter(Duration.ZERO));
            }
            EmulatedDevice d = b.platform(profile.platform(), profile.osVersion()).reportsEmulator(profile.emulator())
                    .devBuild(profile.devBuild()).deviceId(profile.deviceId()).build();
            devices.add(d);
            profiles.add(profile);
            slots.add(new Slot(d, profile));
        }
    }

    public List<EmulatedDevice> devices() {
        return List.copyOf(devices);
    }

    /** Each device's traits, in device order (ids are null without a {@link FleetMix}). */
    public List<FleetMix.Profile> profiles() {
        return List.copyOf(profiles);
    }

    /** The package a device installs: the fleet's app at the device's native version. */
    private AppPackage packageFor(FleetMix.Profile p) {
        AppPackage app = options.app();
        return p.nativeVersion().equals(app.versionName()) ? app
                : app.withVersion(p.nativeVersion(), AppPackage.versionCodeOf(p.nativeVersion()));
    }

    public DeviceEnvironment environment() {
        return env;
    }

    /** Runs every device to completion (or {@code timeout}); the devices stay as they ended, for inspection. */
    public FleetSummary run(Duration timeout) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        AtomicLong peak = new AtomicLong(memory.getHeapMemoryUsage().getUsed());
        ScheduledFuture<?> sampler = env.scheduler().scheduleAtFixedRate(
                () -> peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max), 0, 50,
                TimeUnit.MILLISECONDS);
        long start = System.nanoTime();
        List<DeviceRun> runs = new ArrayList<>();
        try {
            for (int i = 0; i < devices.size(); i++) {
                DeviceRun r = new DeviceRun(devices.get(i), options, packageFor(profiles.get(i)),
                        profiles.get(i).channel() != null ? profiles.get(i).channel() : options.channel());
                runs.add(r);
                env.pool().execute(r::start);
            }
            long deadline = start + timeout.toNanos();
            List<FleetSummary.DeviceResult> results = new ArrayList<>();
            for (DeviceRun r : runs) {
                results.add(r.await(Math.max(0, deadline - System.nanoTime())));
            }
            return new FleetSummary(results, Duration.ofNanos(System.nanoTime() - start), peak.get());
        } finally {
            sampler.cancel(false);
            peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
            runs.forEach(DeviceRun::stop);
        }
    }

    /**
     * One round: every device has one app session — installed and cold-started in its first round, later back from
     * the background or cold-started again if its app was killed at the end of the last round (the mix's
     * cold-start share) — in which the runtime checks for an update and does what the answer says (download,
     * install, confirm or roll back), then the app goes to the background or is killed. At most
     * {@code concurrency} sessions run at once; a session not settled after {@code sessionTimeout} counts as a
     * {@code timeout}. Rounds repeat (the devices keep their bundles), so devices pick up a changed rollout
     * percentage in the next round. Needs an automatic update mode (not {@code off}).
     */
    public FleetRound round(Duration sessionTimeout, int concurrency) throws InterruptedException {
        AutoUpdate m = options.app().updater().autoUpdate();
        if (m == AutoUpdate.OFF || m == AutoUpdate.ONLY_DOWNLOAD) {
            throw new IllegalStateException("Fleet rounds need a mode that installs by itself, not " + m.wire());
        }
        int number = rounds.incrementAndGet();
        long start = System.nanoTime();
        Semaphore permits = new Semaphore(Math.max(1, concurrency));
        List<CompletableFuture<FleetRound.Session>> all = new ArrayList<>();
        for (Slot slot : slots) {
            permits.acquire();
            CompletableFuture<FleetRound.Session> f = slot.session(number, sessionTimeout);
            f.whenComplete((r, e) -> permits.release());
            all.add(f);
        }
        List<FleetRound.Session> sessions = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            try {
                sessions.add(all.get(i).get());
            } catch (java.util.concurrent.ExecutionException e) {
                Slot slot = slots.get(i);
                sessions.add(new FleetRound.Session(slot.device.serial(), slot.profile.deviceId(), "error", null,
                        String.valueOf(e.getCause())));
            }
        }
        int rolledBack = (int) sessions.stream().filter(x -> x.outcome().equals("rolled_back")).count();
        return new FleetRound(number, Duration.ofNanos(System.nanoTime() - start), sessions,
                rollbacks.addAndGet(rolledBack));
    }

    /** A device across rounds: its traits, package and the session in progress. */
    private final class Slot {
        private final EmulatedDevice device;
        private final FleetMix.Profile profile;
        private final AppPackage app;
        private volatile SessionRun session;
        private boolean installed;

        Slot(EmulatedDevice device, FleetMix.Profile profile) {
            this.device = device;
            this.profile = profile;
            AppPackage pkg = packageFor(profile);
            this.app = profile.channel() != null ? pkg.withDefaultChannel(profile.channel()) : pkg;
            device.onRuntimeEvent((name, payload) -> {
                SessionRun s = session;
                if (s != null) {
                    s.event(name, payload);
                }
            });
            device.onDeath(reason -> {
                SessionRun s = session;
                if (s != null) {
                    s.finish("crashed", reason);
                }
            });
        }

        CompletableFuture<FleetRound.Session> session(int round, Duration timeout) {
            SessionRun s = new SessionRun(device);
            session = s;
            ScheduledFuture<?> timer = env.scheduler().schedule(
                    () -> s.finish("timeout", "not settled in " + timeout.toMillis() + " ms"), timeout.toNanos(),
                    TimeUnit.NANOSECONDS);
            env.pool().execute(() -> {
                try {
                    if (!installed) {
                        device.install(app);
                        installed = true;
                    }
                    if (device.updater() == null) {
                        device.coldStart();
                    } else {
                        device.foreground();
                    }
                    if (device.updater() == null) {
                        s.finish("crashed", "the app died at start: " + device.state().lastDeath());
                    }
                } catch (RuntimeException e) {
                    s.finish("error", e.toString());
                }
            });
            CompletableFuture<FleetRound.Session> out = new CompletableFuture<>();
            s.end.whenComplete((r, e) -> {
                timer.cancel(false);
                env.pool().execute(() -> {
                    try {
                        if (session == s) {
                            session = null;
                        }
                        String id = profile.deviceId();
                        if (id == null) {
                            id = device.readPrefs(EmulatedDevice.PREFS).get("deviceId");
                        }
                        if (options.mix() != null && id != null && options.mix().killedAfter(id, round)) {
                            device.kill();
                        } else {
                            device.background();
                        }
                        BundleView cur = device.state().current();
                        out.complete(new FleetRound.Session(device.serial(), id, r[0],
                                cur == null ? null : cur.version(), r[1]));
                    } catch (RuntimeException x) {
                        out.complete(new FleetRound.Session(device.serial(), profile.deviceId(), "error", null,
                                x.toString()));
                    }
                });
            });
            return out;
        }
    }

    /** One app session of a device: settles when the runtime's check and whatever it started are over. */
    private static final class SessionRun {
        private final EmulatedDevice device;
        private final CompletableFuture<String[]> end = new CompletableFuture<>();
        private volatile boolean installing;

        SessionRun(EmulatedDevice device) {
            this.device = device;
        }

        void event(String name, JsonNode p) {
            switch (name) {
                case "updateCheckResult" -> {
                    String kind = p.path("kind").asText();
                    if (!kind.equals("update") && !kind.equals("builtin") && !installing) {
                        finish(kind.equals("failed") ? "error" : "up_to_date",
                                p.hasNonNull("error") ? kind + " " + p.get("error").asText() : null);
                    }
                }
                case "noNeedUpdate" -> {
                    if (!installing) {
                        String reason = p.path("reason").asText("");
                        finish("up_to_date", reason.equals("up_to_date") || reason.isEmpty() ? null : reason);
                    }
                }
                case "checkFailed" -> {
                    if (!installing) {
                        finish("error", "check failed: " + p.path("reason").asText());
                    }
                }
                case "freshnessFailed" -> {
                    if (!installing) {
                        finish("error", "freshness: " + p.path("reason").asText());
                    }
                }
                case "downloadFailed" -> finish("error", "download failed: " + p.path("reason").asText());
                case "verifyFailed" -> finish("error", "verification failed: " + p.path("reason").asText());
                case "setNext" -> device.environmentPool().execute(() -> {
                    // queued for the next background: the user leaves the app and comes back
                    if (!end.isDone()) {
                        device.background();
                        device.foreground();
                    }
                });
                case "set" -> installing = true;
                case "appReady" -> {
                    if (installing) {
                        finish("updated", null);
                    }
                }
                case "updateFailed" -> finish("rolled_back", p.path("reason").asText());
                default -> {
                    // progress and other events change nothing here
                }
            }
        }

        void finish(String outcome, String detail) {
            end.complete(new String[] {outcome, detail});
        }
    }

    @Override
    public void close() {
        devices.forEach(EmulatedDevice::close);
        env.close();
    }

    /** Drives one device from install to a final outcome, reacting to its runtime's events. */
    private static final class DeviceRun {
        private final EmulatedDevice device;
        private final AppPackage app;
        private final String channel;
        private final CompletableFuture<FleetSummary.DeviceResult> result = new CompletableFuture<>();
        private final AutoUpdate mode;
        private volatile long started;
        private volatile Duration checked;
        private volatile Duration downloaded;
        private volatile Duration installed;
        private volatile Duration ready;
        private volatile Runnable unsubscribe = () -> { };

        DeviceRun(EmulatedDevice device, Options options, AppPackage app, String channel) {
            this.device = device;
            this.app = app;
            this.channel = channel;
            this.mode = options.app().updater().autoUpdate();
        }

        void start() {
            try {
                device.install(app);
                unsubscribe = device.onRuntimeEvent(this::event);
                started = System.nanoTime();
                if (channel != null || mode == AutoUpdate.OFF) {
                    device.coldStart();
                    Updater u = device.updater();
                    if (u == null) {
                        finish("failed", "the app died at start: " + device.state().lastDeath());
                        return;
                    }
                    if (channel != null) {
                        u.setChannel(channel, mode != AutoUpdate.OFF).join();
                    }
                    if (mode == AutoUpdate.OFF) {
                        manual(u);
                    }
                } else {
                    device.coldStart();
                }
            } catch (RuntimeException e) {
                finish("failed", e.toString());
            }
        }

        /** {@code autoUpdate: off}: what an app's own JS would do with the API. */
        private void manual(Updater u) {
            u.getLatest(null).thenCompose(latest -> {
                checked = since();
                if (!latest.isUpdate()) {
                    finish(latest.kind().equals("failed") ? "failed" : "up_to_date", describe(latest));
                    return CompletableFuture.completedFuture(null);
                }
                return u.download(latest).thenAccept(b -> {
                    downloaded = since();
                    u.set(b.id());
                });
            }).exceptionally(e -> {
                finish("failed", String.valueOf(e.getCause() == null ? e : e.getCause()));
                return null;
            });
        }

        private static String describe(LatestVersion l) {
            return l.kind() + (l.error() == null ? "" : " " + l.error());
        }

        private Duration since() {
            return Duration.ofNanos(System.nanoTime() - started);
        }

        private void event(String name, JsonNode p) {
            switch (name) {
                case "updateCheckResult" -> {
                    if (checked == null) {
                        checked = since();
                    }
                    String kind = p.path("kind").asText();
                    if (!kind.equals("update") && !kind.equals("builtin") && installed == null
                            && downloaded == null) {
                        finish(kind.equals("failed") ? "failed" : "up_to_date",
                                kind + (p.hasNonNull("error") ? " " + p.get("error").asText() : ""));
                    }
                }
                case "checkFailed" -> finishIfNothingElse("failed", "check failed: " + p.path("reason").asText());
                case "freshnessFailed" -> finishIfNothingElse("failed", "freshness: " + p.path("reason").asText());
                case "downloadFailed" -> finish("failed", "download failed: " + p.path("reason").asText());
                case "verifyFailed" -> finish("failed", "verification failed: " + p.path("reason").asText());
                case "updateAvailable" -> {
                    downloaded = since();
                    if (mode == AutoUpdate.ONLY_DOWNLOAD) {
                        // onlyDownload never installs by itself: the app's JS decides, here at once with set()
                        String id = p.path("bundle").path("id").asText();
                        device.environmentPool().execute(() -> {
                            try {
                                device.updater().set(id);
                            } catch (RuntimeException e) {
                                finish("failed", "set after onlyDownload: " + e);
                            }
                        });
                    }
                }
                case "setNext" -> {
                    // queued for the next background: the user leaves the app and comes back
                    device.environmentPool().execute(() -> {
                        if (result.isDone()) {
                            return;
                        }
                        try {
                            device.background();
                            device.foreground();
                        } catch (RuntimeException e) {
                            finish("failed", "background/foreground: " + e);
                        }
                    });
                }
                case "set" -> installed = since();
                case "appReady" -> {
                    if (installed != null) {
                        ready = since();
                        finish("updated", null);
                    }
                }
                case "updateFailed" -> finish("rolled_back", p.path("reason").asText());
                default -> {
                    // progress and other events change nothing here
                }
            }
        }

        private void finishIfNothingElse(String outcome, String detail) {
            if (downloaded == null && installed == null) {
                finish(outcome, detail);
            }
        }

        private void finish(String outcome, String detail) {
            if (result.isDone()) {
                return;
            }
            DeviceState s = device.state();
            BundleView cur = s.current();
            result.complete(new FleetSummary.DeviceResult(device.serial(), outcome, cur == null ? null : cur.version(),
                    cur == null ? null : cur.status(), checked, downloaded, installed, ready, detail));
        }

        FleetSummary.DeviceResult await(long nanos) {
            try {
                return result.get(nanos, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                finish("timeout", "no final outcome in time");
                return result.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                finish("timeout", "interrupted");
                return result.join();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e);
            }
        }

        void stop() {
            unsubscribe.run();
        }
    }
}
