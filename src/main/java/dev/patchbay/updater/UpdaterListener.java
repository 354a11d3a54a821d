package dev.patchbay.updater;

/** Receives the runtime's events (the JS {@code addListener} events); called on the runtime's threads. */
@FunctionalInterface
public interface UpdaterListener {
    void onEvent(UpdaterEvent event);
}
