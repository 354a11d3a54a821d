package dev.patchbay.updater;

import dev.patchbay.updater.port.Clock;
import java.time.Duration;

/**
 * {@code periodCheckDelay} (capgo-protocol §5.4): while the app is in the foreground, an automatic check every
 * {@code delay}, handled per the auto-update mode like any other; stopped while in the background. Runs on the
 * runtime's clock and jobs, so tests advance a virtual clock instead of sleeping.
 */
final class PeriodicCheck {
    private final Jobs jobs;
    private final Duration delay;
    private final Runnable check;
    private Clock.Cancellable timer;

    PeriodicCheck(Jobs jobs, Duration delay, Runnable check) {
        this.jobs = jobs;
        this.delay = delay;
        this.check = check;
    }

    /** In the foreground (cold start or back from background): the next check is {@code delay} from now. */
    synchronized void foreground() {
        cancel();
        if (!delay.isZero()) {
            arm();
        }
    }

    /** In the background: no periodic checks until the next foreground. */
    synchronized void background() {
        cancel();
    }

    private void arm() {
        Clock.Cancellable[] mine = new Clock.Cancellable[1];
        mine[0] = jobs.schedule(delay, () -> {
            synchronized (this) {
                if (timer != mine[0]) {
                    return;
                }
                arm();
            }
            check.run();
        });
        timer = mine[0];
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }
}
