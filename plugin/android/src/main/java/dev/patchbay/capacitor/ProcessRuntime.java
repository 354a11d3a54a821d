package dev.patchbay.capacitor;

import android.content.Context;
import dev.patchbay.updater.Updater;
import dev.patchbay.updater.UpdaterConfig;
import dev.patchbay.updater.js.PluginCalls;

/**
 * The updater runtime of this app process: created and cold-started once, when the first Bridge loads the plugin,
 * and kept while the process lives (a recreated Activity gets a new Bridge and plugin, not a new cold start: a
 * bundle waiting for {@code notifyAppReady} must not be rolled back by a screen rotation).
 */
final class ProcessRuntime {
    private static ProcessRuntime current;

    final AndroidPorts ports;
    final Updater updater;
    final PluginCalls calls;

    private ProcessRuntime(Context context, UpdaterConfig config) {
        this.ports = new AndroidPorts(context);
        this.updater = new Updater(config, ports.ports);
        this.calls = new PluginCalls(updater, ports.ports, config);
    }

    /** This process's runtime; the first call cold-starts it. */
    static synchronized ProcessRuntime get(Context context, UpdaterConfig config) {
        if (current == null) {
            ProcessRuntime r = new ProcessRuntime(context.getApplicationContext(), config);
            r.updater.onColdStart();
            current = r;
        }
        return current;
    }

    /** This process's runtime, or null before the first Bridge loaded the plugin. */
    static synchronized ProcessRuntime current() {
        return current;
    }

    /** Stops this process's runtime (timers, background work); the next {@link #get} is a cold start. */
    static synchronized void end() {
        if (current != null) {
            current.updater.shutdown();
            current.ports.shutdown();
            current = null;
        }
    }
}
