package dev.patchbay.harness;

/**
 * Thrown into the runtime when the emulated app process dies (a {@link KillSwitch} firing, {@code kill()}, or any use
 * of a port after its process died). An {@link Error}, not an exception, so that code catching {@code Exception}
 * does not survive its own death: as on Android, nothing after the kill point runs.
 */
public final class ProcessKilled extends Error {
    private static final long serialVersionUID = 1L;

    public ProcessKilled(String message) {
        super(message, null, false, false);
    }
}
