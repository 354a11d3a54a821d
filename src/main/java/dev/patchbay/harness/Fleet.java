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
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
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
     */
    public record Options(Path root, int size, AppPackage app, int threads, Map<String, SimulatedBehaviour> behaviours,
            String channel, boolean fsync) {
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

    public Fleet(Options options) {
        this.options = options;
        this.env = DeviceEnvironment.create(options.threads(), null, options.fsync());
        int digits = Integer.toString(options.size() - 1).length();
        for (int i = 0; i < options.size(); i++) {
            String serial = "sim-" + "0".repeat(Math.max(0, digits - Integer.toString(i).length())) + i;
            devices.add(EmulatedDevice.builder(options.root(), serial).environment(env)
                    .simulated(options.behaviours(), SimulatedBehaviour.readyAfter(Duration.ZERO)).build());
        }
    }

    public List<EmulatedDevice> devices() {
        return List.copyOf(devices);
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
            for (EmulatedDevice d : devices) {
                DeviceRun r = new DeviceRun(d, options);
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

    @Override
    public void close() {
        devices.forEach(EmulatedDevice::close);
        env.close();
    }

    /** Drives one device from install to a final outcome, reacting to its runtime's events. */
    private static final class DeviceRun {
        private final EmulatedDevice device;
        private final Options options;
        private final CompletableFuture<FleetSummary.DeviceResult> result = new CompletableFuture<>();
        private final AutoUpdate mode;
        private volatile long started;
        private volatile Duration checked;
        private volatile Duration downloaded;
        private volatile Duration installed;
        private volatile Duration ready;
        private volatile Runnable unsubscribe = () -> { };

        DeviceRun(EmulatedDevice device, Options options) {
            this.device = device;
            this.options = options;
            this.mode = options.app().updater().autoUpdate();
        }

        void start() {
            try {
                device.install(options.app());
                unsubscribe = device.onRuntimeEvent(this::event);
                started = System.nanoTime();
                if (options.channel() != null || mode == AutoUpdate.OFF) {
                    device.coldStart();
                    Updater u = device.updater();
                    if (u == null) {
                        finish("failed", "the app died at start: " + device.state().lastDeath());
                        return;
                    }
                    if (options.channel() != null) {
                        u.setChannel(options.channel(), mode != AutoUpdate.OFF).join();
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
                case "updateAvailable" -> downloaded = since();
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
