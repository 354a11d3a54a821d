package dev.patchbay.console;

import dev.patchbay.console.connection.LocalSandbox;
import dev.patchbay.console.settings.DataFolder;
import dev.patchbay.crypto.KeyFileOptions;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How a console instance is set up. The installed program uses {@link #defaults()}; tests pass a temporary data
 * folder and port 0 (so they never touch the user's files or the well-known sandbox port).
 *
 * @param dataFolder      where settings, secrets, the cache and the sandbox live
 * @param sandboxPort     the port the Local sandbox prefers (falls back to a free one when taken); 0 = any free port
 * @param settingsDelay   how long after the last change settings are saved
 * @param keyOptions      the scrypt cost of key files the console writes (tests use {@link KeyFileOptions#FAST})
 */
public record ConsoleOptions(Path dataFolder, int sandboxPort, Duration settingsDelay, KeyFileOptions keyOptions) {
    public ConsoleOptions(Path dataFolder, int sandboxPort, Duration settingsDelay) {
        this(dataFolder, sandboxPort, settingsDelay, KeyFileOptions.DEFAULT);
    }

    public ConsoleOptions withKeyOptions(KeyFileOptions options) {
        return new ConsoleOptions(dataFolder, sandboxPort, settingsDelay, options);
    }

    public static ConsoleOptions defaults() {
        return new ConsoleOptions(DataFolder.resolve(), LocalSandbox.PREFERRED_PORT, Duration.ofMillis(500));
    }
}
