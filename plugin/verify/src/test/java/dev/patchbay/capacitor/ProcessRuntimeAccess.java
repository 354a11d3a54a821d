package dev.patchbay.capacitor;

import java.time.Duration;

/** Test access to this process's runtime (same package as the plugin). */
final class ProcessRuntimeAccess {
    private ProcessRuntimeAccess() {
    }

    static boolean idle() {
        return ProcessRuntime.current().updater.awaitIdle(Duration.ofMillis(10));
    }

    static boolean nextQueued() {
        return ProcessRuntime.current().updater.getNextBundle() != null;
    }
}
