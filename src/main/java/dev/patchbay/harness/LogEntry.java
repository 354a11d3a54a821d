package dev.patchbay.harness;

import java.time.Instant;

/**
 * One line of a device's log.
 *
 * @param at      host time
 * @param source  who said it: {@code device} (lifecycle), {@code updater} (runtime events), {@code webview} (page
 *                loads, console messages), {@code js} (bridge calls), {@code fault}, {@code simulated}
 * @param pid     the app process it belongs to (0: none running)
 */
public record LogEntry(Instant at, String source, int pid, String message) {
    @Override
    public String toString() {
        return at + " [" + source + (pid == 0 ? "" : " " + pid) + "] " + message;
    }
}
