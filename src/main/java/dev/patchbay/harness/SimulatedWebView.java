package dev.patchbay.harness;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.domain.Json;
import dev.patchbay.updater.port.Clock;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * SIMULATED web layer for headless devices: no WebView and no JavaScript. Each page load "runs" the bundle's
 * scripted {@link SimulatedBehaviour}: it calls notifyAppReady after a delay, never, or crashes the app as it loads.
 * Every log line it writes says SIMULATED. Fleets use it; scenarios about what real JS does use {@link FxWebScreen}.
 */
final class SimulatedWebView extends Screen {
    private volatile Clock.Cancellable pending;

    SimulatedWebView(DeviceProcess proc, Events events, AtomicLong generations) {
        super(proc, events, generations);
    }

    @Override
    boolean simulated() {
        return true;
    }

    @Override
    protected void startLoad(DeviceState.PageView p, String why) {
        Clock.Cancellable old = pending;
        if (old != null) {
            old.cancel();
        }
        String html = indexHtml(p.basePath());
        SimulatedBehaviour b = proc.simulatedBehaviour(p.version(), html);
        String url = "simulated://" + (p.basePath() == null ? "builtin" : proc.relative(p.basePath())) + "/index.html";
        events.log("simulated", "SIMULATED page " + p.generation() + " (" + why + "): bundle " + p.version()
                + " behaves " + b + (html == null ? " (no index.html!)" : ""));
        proc.executor().execute(() -> {
            if (!isCurrent(p.generation())) {
                return;
            }
            if (html == null) {
                events.log("simulated", "SIMULATED page " + p.generation() + ": index.html not found, blank page");
                return;
            }
            if (b.kind() == SimulatedBehaviour.Kind.CRASH_ON_LOAD) {
                events.crash("SIMULATED crash on load of bundle " + p.version());
                return;
            }
            started(p.generation());
            loaded(p.generation(), url);
            if (b.kind() == SimulatedBehaviour.Kind.READY) {
                Runnable ready = () -> {
                    if (!isCurrent(p.generation())) {
                        return;
                    }
                    events.log("simulated", "SIMULATED JS of bundle " + p.version() + " calls notifyAppReady()");
                    proc.runtime().call("notifyAppReady", Json.mapper().createObjectNode(), p.basePath())
                            .whenComplete((r, e) -> events.log("simulated", "SIMULATED notifyAppReady -> "
                                    + (e == null ? String.valueOf(r) : "error " + e.getMessage())));
                };
                if (b.readyAfter().isZero()) {
                    ready.run();
                } else {
                    pending = proc.device().currentProcess() == proc
                            ? schedule(b.readyAfter(), ready) : null;
                }
            }
        });
    }

    private Clock.Cancellable schedule(java.time.Duration d, Runnable r) {
        return new DeviceClock(proc.device().environmentTime(), proc.faults(), 0, proc.process(), proc.executor())
                .schedule(d, r);
    }

    /** The index.html the page would load, or null. */
    private String indexHtml(String basePath) {
        try {
            if (basePath == null) {
                try (InputStream in = proc.assets().open("index.html")) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
            Path f = Path.of(basePath, "index.html");
            return Files.isRegularFile(f) ? Files.readString(f) : null;
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    void shutdown() {
        Clock.Cancellable old = pending;
        if (old != null) {
            old.cancel();
        }
    }

    @Override
    void dispatch(String event, JsonNode payload) {
        // no JS listeners in a simulated page
    }
}
