package dev.patchbay.capacitor;

import java.time.Duration;

/** Test access to this process's runtime (same package as the plugin). */
final class ProcessRuntimeAccess {
    private ProcessRuntimeAccess() {
    }

    static boolean idle() {
        return ProcessRuntime.current().updater.awaitIdle(Duration.ofMillis(10));
    }

    /** The release was installed (current), or already rolled back (a bundle in error). */
    static boolean installedOrFailed() {
        var u = ProcessRuntime.current().updater;
        return !"builtin".equals(u.current().bundle().id()) || u.list().stream().anyMatch(b -> b.status()
                == dev.patchbay.updater.BundleStatus.ERROR);
    }

    static boolean nextQueued() {
        return ProcessRuntime.current().updater.getNextBundle() != null;
    }
}
