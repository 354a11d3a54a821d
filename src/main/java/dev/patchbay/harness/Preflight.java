package dev.patchbay.harness;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javafx.scene.Scene;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.StackPane;
import javafx.scene.web.WebView;
import javafx.stage.Stage;
import javax.imageio.ImageIO;

/**
 * A bundle boots in emulated devices before real devices see it: N devices with the real WebView (headless without
 * a display) install the app, start from its builtin assets or from another published bundle, and are moved to the
 * bundle under test through a temporary channel that only they are pinned to ({@code preflight-<random>}, deleted
 * after; no other device can get it: it is nobody's default and does not allow self-assignment). Each device reports
 * whether the bundle's own JS confirmed it ({@code notifyAppReady}) and how long after its page was switched to,
 * the JS errors and failed resource loads of its pages, the bytes downloaded, and a PNG of the page.
 */
public final class Preflight {
    /** A phone-sized viewport (CSS pixels) for the page and its screenshot; fits Monocle's headless 1280x800 screen. */
    static final int WIDTH = 412;
    static final int HEIGHT = 780;

    /** What to run; {@code from} null = the builtin assets. */
    public record Options(AppPackage app, String version, String from, int devices, Duration timeout, Path root,
            Path out) {
        public Options {
            if (devices < 1 || devices > 20) {
                throw new IllegalArgumentException("--devices must be between 1 and 20 (each is a real WebView), not "
                        + devices);
            }
        }
    }

    /** One device's result. */
    public record DeviceResult(String serial, String deviceId, boolean confirmed, Long confirmedAfterMs,
            String finalVersion, String status, String failure, List<String> jsErrors, List<String> failedResources,
            long bytesDownloaded, String screenshot) {
    }

    public record Report(String appId, String version, String from, boolean passed, long wallMs,
            List<DeviceResult> devices) {
    }

    /**
     * The management calls a preflight makes on the app's server (the CLI implements them with the API client; the
     * harness itself talks to servers only as devices do).
     */
    public interface Server {
        /** Fails with a clear message when the app has no published bundle {@code version}. */
        void requireBundle(String appId, String version);

        /** Creates an Android channel that is nobody's default and does not allow self-assignment. */
        void createPrivateChannel(String appId, String channel, String description);

        void pointChannel(String appId, String channel, String version);

        void pin(String appId, String deviceId, String channel);

        void unpin(String appId, String deviceId);

        void deleteChannel(String appId, String channel);
    }

    private final Server client;
    private final Options options;
    private final List<Stage> stages = new java.util.concurrent.CopyOnWriteArrayList<>();

    private java.util.function.Consumer<String> progress = m -> { };

    public Preflight(Server client, Options options) {
        this.client = client;
        this.options = options;
    }

    /**
     * Where to tell what the run is doing ("Installing 3 devices", "3 devices moving to 1.5.0", "preflight-0:
     * confirmed"); called on the running thread. The run stops, cleaning up, when that thread is interrupted.
     */
    public Preflight onProgress(java.util.function.Consumer<String> listener) {
        this.progress = java.util.Objects.requireNonNull(listener);
        return this;
    }

    public Report run() throws Exception {
        long start = System.nanoTime();
        String appId = options.app().appId();
        client.requireBundle(appId, options.version());
        if (options.from() != null) {
            client.requireBundle(appId, options.from());
        }
        String channel = "preflight-" + UUID.randomUUID().toString().substring(0, 8);
        client.createPrivateChannel(appId, channel, "patchbay bundle preflight of " + options.version()
                + " (temporary)");
        List<EmulatedDevice> devices = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        Files.createDirectories(options.out());
        try (DeviceEnvironment env = DeviceEnvironment.create(Math.max(4, options.devices()))) {
            client.pointChannel(appId, channel, options.from() != null ? options.from() : options.version());
            progress.accept("Installing " + options.devices() + " device" + (options.devices() == 1 ? "" : "s"));
            for (int i = 0; i < options.devices(); i++) {
                String id = UUID.randomUUID().toString();
                client.pin(appId, id, channel);
                ids.add(id);
                EmulatedDevice d = EmulatedDevice.builder(options.root(), "preflight-" + i).environment(env)
                        .webView().deviceId(id).build();
                d.install(options.app());
                devices.add(d);
            }
            List<Watch> watches = new ArrayList<>();
            for (EmulatedDevice d : devices) {
                watches.add(new Watch(d, options.version()));
            }
            long deadline = System.nanoTime() + options.timeout().toNanos();
            if (options.from() != null) {
                List<Watch> from = new ArrayList<>();
                for (EmulatedDevice d : devices) {
                    from.add(new Watch(d, options.from()));
                }
                progress.accept("Devices starting on " + options.from());
                startAll(devices);
                for (Watch w : from) {
                    w.await(deadline);
                }
                client.pointChannel(appId, channel, options.version());
                progress.accept("Devices moving to " + options.version());
                for (int i = 0; i < devices.size(); i++) {
                    if (from.get(i).confirmed.get() > 0 && devices.get(i).updater() != null) {
                        devices.get(i).updater().triggerUpdateCheck();
                    }
                }
            } else {
                progress.accept("Devices starting, moving to " + options.version());
                startAll(devices);
            }
            int n = 0;
            for (Watch w : watches) {
                w.await(deadline);
                progress.accept(++n + " of " + watches.size() + " devices done");
            }
            List<DeviceResult> results = new ArrayList<>();
            for (int i = 0; i < devices.size(); i++) {
                results.add(watches.get(i).result(i));
            }
            boolean passed = results.stream().allMatch(DeviceResult::confirmed);
            return new Report(appId, options.version(), options.from() == null ? "builtin" : options.from(), passed,
                    (System.nanoTime() - start) / 1_000_000, results);
        } finally {
            javafx.application.Platform.runLater(() -> stages.forEach(Stage::close));
            devices.forEach(EmulatedDevice::close);
            for (String id : ids) {
                try {
                    client.unpin(appId, id);
                } catch (RuntimeException ignored) {
                    // the channel's deletion below takes the pins with it
                }
            }
            client.deleteChannel(appId, channel);
        }
    }

    private void startAll(List<EmulatedDevice> devices) {
        for (EmulatedDevice d : devices) {
            d.coldStart();
            WebView view = d.webView();
            if (view != null) {
                javafx.application.Platform.runLater(() -> {
                    if (view.getScene() == null && view.getParent() == null) {
                        // a WebView paints only in a showing window (headless: Monocle's virtual screen)
                        Stage stage = new Stage();
                        stage.setTitle(d.serial());
                        stage.setScene(new Scene(new StackPane(view), WIDTH, HEIGHT));
                        stage.show();
                        stages.add(stage);
                    }
                });
            }
        }
    }

    /** Follows one device towards {@code version} confirmed (or failed). */
    private final class Watch {
        final EmulatedDevice d;
        final String version;
        final AtomicLong switched = new AtomicLong();
        final AtomicLong confirmed = new AtomicLong();
        final AtomicReference<String> failure = new AtomicReference<>();
        final CountDownLatch done = new CountDownLatch(1);
        final Runnable unsubscribe;

        Watch(EmulatedDevice d, String version) {
            this.d = d;
            this.version = version;
            this.unsubscribe = d.onRuntimeEvent(this::event);
        }

        private void event(String name, JsonNode p) {
            String v = p.path("bundle").path("version").asText(p.path("version").asText(""));
            if (!v.equals(version)) {
                return;
            }
            switch (name) {
                case "set" -> switched.compareAndSet(0, System.nanoTime());
                case "appReady" -> {
                    confirmed.compareAndSet(0, System.nanoTime());
                    done.countDown();
                }
                case "updateFailed", "downloadFailed", "verifyFailed" -> {
                    failure.compareAndSet(null, name + ": " + p.path("reason").asText("?"));
                    done.countDown();
                }
                default -> {
                }
            }
        }

        void await(long deadline) throws InterruptedException {
            done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            unsubscribe.run();
        }

        DeviceResult result(int i) throws Exception {
            boolean ok = confirmed.get() > 0;
            Long after = ok && switched.get() > 0 ? (confirmed.get() - switched.get()) / 1_000_000 : null;
            String why = ok ? null : failure.get() != null ? failure.get()
                    : switched.get() == 0 ? "the bundle was not installed within " + options.timeout().toSeconds()
                            + " s" : "notifyAppReady() was not called within " + options.timeout().toSeconds() + " s";
            List<String> errors = new ArrayList<>();
            List<String> resources = new ArrayList<>();
            for (LogEntry e : d.log()) {
                String m = e.message();
                if (m.startsWith("js error: ") || m.startsWith("console.error: ")) {
                    errors.add(m);
                } else if (m.startsWith("resource failed: ")) {
                    resources.add(m.substring("resource failed: ".length()));
                } else if (m.startsWith("page load failed: ")) {
                    resources.add(m);
                }
            }
            DeviceState s = d.state();
            Path png = options.out().resolve("device-" + i + ".png");
            boolean shot;
            try {
                shot = screenshot(d.webView(), png);
            } catch (java.util.concurrent.TimeoutException e) {
                // a script that never returns holds the WebView's (the FX) thread: no picture, and say so
                shot = false;
                errors.add("screenshot: the page did not yield its thread within 20 s (a script that never returns?)");
            }
            return new DeviceResult(d.serial(), d.deviceId(), ok, after,
                    s.current() == null ? null : s.current().version(),
                    s.current() == null ? null : s.current().status(), why, errors, resources,
                    d.traffic().bodyBytes("/blobs/"), shot ? png.getFileName().toString() : null);
        }
    }

    /** A PNG of the page the view shows (FX thread; no AWT window: pixels copied into an image). */
    static boolean screenshot(WebView view, Path png) throws Exception {
        if (view == null) {
            return false;
        }
        CompletableFuture<WritableImage> f = new CompletableFuture<>();
        javafx.application.Platform.runLater(() -> {
            try {
                f.complete(view.snapshot(null, null));
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        WritableImage img = f.get(20, TimeUnit.SECONDS);
        int w = (int) img.getWidth();
        int h = (int) img.getHeight();
        if (w <= 0 || h <= 0) {
            return false;
        }
        BufferedImage b = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        PixelReader r = img.getPixelReader();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                b.setRGB(x, y, r.getArgb(x, y));
            }
        }
        try {
            ImageIO.write(b, "png", png.toFile());
        } catch (IOException e) {
            throw new IOException("Cannot write the screenshot " + png + ": " + e.getMessage(), e);
        }
        return true;
    }
}
