package dev.patchbay.updater;

/** The test's way of killing the emulated process at a port write (as the harness does). */
final class Killed extends Error {
    Killed(String where) {
        super("killed at " + where);
    }
}
