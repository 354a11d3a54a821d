package dev.patchbay.cli;

import dev.patchbay.crypto.KeyFile;
import java.util.Arrays;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code patchbay key remember|forget}: a key folder's passphrase in the OS keyring (ADR 0084). */
final class KeyringCommand {
    private KeyringCommand() {
    }

    @Command(name = "remember", mixinStandardHelpOptions = true,
            description = {"Store the key folder's passphrase in the OS keyring (checked first by unlocking the keys).",
                    "Later commands on this folder take it from there instead of asking."})
    static final class Remember implements Runnable {
        private final Cli.Context context;
        @Mixin KeyCommand.KeyOptions options;

        Remember(Cli.Context context) {
            this.context = context;
        }

        @Override
        public void run() {
            String appId = options.appId();
            dev.patchbay.crypto.AppKeys.readTrust(appId, options.dir);
            KeyringPassphrases keyring = KeyringPassphrases.forContext(context);
            if (keyring.unavailableReason() != null) {
                throw new CliException("No OS keyring here (" + keyring.unavailableReason() + "); keep using "
                        + "--passphrase-file, $" + Passphrases.ENV + ", a prompt or `patchbay agent`");
            }
            char[] pass = options.passphrase(context, false);
            try {
                // Only a passphrase that opens the keys is stored (the content key: one scrypt, the cheapest check).
                KeyFile.read(options.dir.resolve(dev.patchbay.crypto.AppKeys.CONTENT_FILE), pass, appId,
                        KeyFile.Kind.CONTENT).destroy();
                keyring.remember(appId, options.dir, pass);
            } finally {
                Arrays.fill(pass, '\0');
            }
            context.out().println("Passphrase of " + appId + " (" + options.dir + ") stored in the OS keyring");
        }
    }

    @Command(name = "forget", mixinStandardHelpOptions = true,
            description = "Remove the key folder's passphrase from the OS keyring.")
    static final class Forget implements Runnable {
        private final Cli.Context context;
        @Mixin KeyCommand.KeyOptions options;

        Forget(Cli.Context context) {
            this.context = context;
        }

        @Override
        public void run() {
            String appId = options.appId();
            boolean removed = KeyringPassphrases.forContext(context).forget(appId, options.dir);
            context.out().println(removed ? "Passphrase of " + appId + " removed from the OS keyring"
                    : "The OS keyring held no passphrase for " + appId + " (" + options.dir + ")");
        }
    }
}
