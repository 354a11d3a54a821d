package dev.patchbay.cli;

import dev.patchbay.crypto.AppKeys;
import dev.patchbay.crypto.KeyFileOptions;
import dev.patchbay.crypto.ReleaseCert;
import dev.patchbay.domain.Names;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "key", mixinStandardHelpOptions = true, description = "Manage the signing and content keys of an app.",
        subcommands = {KeyCommand.Create.class, KeyCommand.Rotate.class, KeyCommand.Export.class,
                KeyCommand.TrustServer.class, CapgoKeyCommand.class, KeyringCommand.Remember.class,
                KeyringCommand.Forget.class},
        footer = {"", "The passphrase comes from PATCHBAY_KEY_PASSPHRASE or --passphrase-file FILE, or is asked for on "
                + "a terminal; it is never a plain option."})
final class KeyCommand {
    static final String PASSPHRASE_ENV = Passphrases.ENV;
    static final int MIN_PASSPHRASE = 8;

    /** Options shared by the key commands. */
    static class KeyOptions {
        @Option(names = "--app", required = true, description = "App id, e.g. com.example.shop")
        String app;
        @Option(names = "--dir", required = true, description = "Key folder (keep it out of source control)")
        Path dir;
        @Option(names = "--passphrase-file", description = "Read the passphrase from this file (first line)")
        Path passphraseFile;
        @Option(names = "--kdf-cost", hidden = true, defaultValue = "17", description = "scrypt logN (15..20)")
        int kdfCost;

        String appId() {
            return Names.appId("--app", app);
        }

        KeyFileOptions fileOptions() {
            try {
                return new KeyFileOptions(kdfCost);
            } catch (IllegalArgumentException e) {
                throw new CliException("--kdf-cost: " + e.getMessage());
            }
        }

        char[] passphrase(Cli.Context context, boolean confirm) {
            return Passphrases.read(context, passphraseFile, confirm);
        }
    }

    static String describe(ReleaseCert c) {
        return c.keyId() + " (valid " + Text.time(c.notBefore()) + " to " + Text.time(c.notAfter()) + ")";
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create the root, release and content keys of an app in a new folder.")
    static final class Create implements Runnable {
        private final Cli.Context context;
        @picocli.CommandLine.Mixin KeyOptions options;

        Create(Cli.Context context) {
            this.context = context;
        }

        @Override
        public void run() {
            String appId = options.appId();
            KeyFileOptions fileOptions = options.fileOptions();
            char[] pass = options.passphrase(context, true);
            try {
                if (pass.length < MIN_PASSPHRASE) {
                    throw new CliException("The passphrase must have at least " + MIN_PASSPHRASE + " characters");
                }
                try (AppKeys keys = AppKeys.create(appId, options.dir, pass, fileOptions)) {
                    Output out = new Output(context.out(), false);
                    out.line("Created keys for " + appId + " in " + options.dir);
                    out.line("  root key     " + keys.trust().rootKeyId());
                    out.line("  release key  " + describe(keys.releaseCert()));
                    out.line("  content key  " + keys.contentKeyId());
                    out.line("Register " + options.dir.resolve(AppKeys.TRUST_FILE) + " with the server; embed the "
                            + "app config from `patchbay key export --out FILE`. Back up the folder and passphrase.");
                }
            } finally {
                Arrays.fill(pass, '\0');
            }
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = "Create a new release key certified by the root key; the old one stays valid until its end.")
    static final class Rotate implements Runnable {
        private final Cli.Context context;
        @picocli.CommandLine.Mixin KeyOptions options;
        @Option(names = "--retire-old-after", description = "End the old keys' validity after this long, e.g. 30d, "
                + "12h or P30D (default: their own end)")
        String retireOldAfter;

        Rotate(Cli.Context context) {
            this.context = context;
        }

        @Override
        public void run() {
            String appId = options.appId();
            Duration retire = retireOldAfter == null ? null : duration(retireOldAfter);
            KeyFileOptions fileOptions = options.fileOptions();
            char[] pass = options.passphrase(context, false);
            try (AppKeys keys = AppKeys.rotateRelease(appId, options.dir, pass, fileOptions, retire)) {
                Output out = new Output(context.out(), false);
                out.line("New release key " + describe(keys.releaseCert()));
                for (ReleaseCert c : keys.trust().releaseCerts()) {
                    if (!c.keyId().equals(keys.releaseKeyId())) {
                        out.line("Old release key " + describe(c));
                    }
                }
                out.line("Register the updated " + options.dir.resolve(AppKeys.TRUST_FILE) + " with the server.");
            } finally {
                Arrays.fill(pass, '\0');
            }
        }
    }

    static Duration duration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("p")) {
                return positive(Duration.parse(text.trim().toUpperCase(Locale.ROOT)), text);
            }
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            return positive(switch (t.charAt(t.length() - 1)) {
                case 'd' -> Duration.ofDays(n);
                case 'h' -> Duration.ofHours(n);
                case 'm' -> Duration.ofMinutes(n);
                default -> throw new NumberFormatException();
            }, text);
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
            throw new CliException("--retire-old-after: \"" + text + "\" is not a duration like 30d, 12h or P30D");
        }
    }

    private static Duration positive(Duration d, String text) {
        if (d.isNegative()) {
            throw new CliException("--retire-old-after: \"" + text + "\" is negative");
        }
        return d;
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Print trust.json (public, for the server); with --out, write the config the app embeds.")
    static final class Export implements Runnable {
        private final Cli.Context context;
        @picocli.CommandLine.Mixin KeyOptions options;
        @Option(names = "--out", description = "Write the PatchbayUpdater plugin config (capacitor.config.json "
                + "snippet, includes the content key) to this file, owner-only")
        Path out;

        Export(Cli.Context context) {
            this.context = context;
        }

        @Override
        public void run() {
            String appId = options.appId();
            if (out == null) {
                // public material only: no passphrase needed
                context.out().print(new String(AppKeys.readTrust(appId, options.dir).toBytes(),
                        StandardCharsets.UTF_8));
                return;
            }
            char[] pass = options.passphrase(context, false);
            try (AppKeys keys = AppKeys.load(appId, options.dir, pass)) {
                keys.exportCapacitorConfig(out);
                context.out().println("Wrote the PatchbayUpdater config of " + appId + " to " + out
                        + " (merge its \"plugins\" into capacitor.config.json; it contains the content key)");
            } finally {
                Arrays.fill(pass, '\0');
            }
        }
    }

    @Command(name = "trust-server", mixinStandardHelpOptions = true,
            description = "Certify the server's freshness key with the app's root key (valid 1 year), so devices accept"
                    + " its update answers. Run it again before the year ends, or after the server's key changed.")
    static final class TrustServer implements Runnable {
        static final Duration VALIDITY = Duration.ofDays(365);
        private final Cli.Context context;
        @picocli.CommandLine.Mixin ServerOptions server;
        @Option(names = "--app", required = true, description = "App id, e.g. com.example.shop")
        String app;
        @Option(names = {"--keys", "--dir"}, required = true, paramLabel = "DIR", description = "The app's key folder")
        Path dir;
        @Option(names = "--passphrase-file", description = "Read the passphrase from this file (first line)")
        Path passphraseFile;

        TrustServer(Cli.Context context) {
            this.context = context;
        }

        /** The server's freshness public key, checked against its key id. */
        static byte[] publicKey(dev.patchbay.client.FreshnessKeyInfo key) {
            byte[] publicKey;
            try {
                publicKey = dev.patchbay.crypto.Codec.unb64(key.publicKey(), dev.patchbay.crypto.Ed25519.KEY_LENGTH,
                        "publicKey");
            } catch (dev.patchbay.crypto.CryptoException e) {
                throw new CliException("The server sent an unusable freshness key: " + e.getMessage());
            }
            if (!dev.patchbay.crypto.KeyIds.ofPublicKey(publicKey).equals(key.keyId())) {
                throw new CliException("The server's freshness key id " + key.keyId() + " does not match its key");
            }
            return publicKey;
        }

        @Override
        public void run() {
            String appId = Names.appId("--app", app);
            dev.patchbay.crypto.TrustRoot trust = AppKeys.readTrust(appId, dir);
            dev.patchbay.client.PatchbayClient client = server.client(context);
            dev.patchbay.client.FreshnessKeyInfo key = client.freshnessKey();
            byte[] publicKey = publicKey(key);
            char[] pass = Passphrases.read(context, passphraseFile, false);
            dev.patchbay.crypto.KeyFile.Key root = null;
            dev.patchbay.crypto.FreshnessCert cert;
            try {
                root = dev.patchbay.crypto.KeyFile.read(dir.resolve(AppKeys.ROOT_FILE), pass, appId,
                        dev.patchbay.crypto.KeyFile.Kind.ROOT);
                if (!root.keyId().equals(trust.rootKeyId())) {
                    throw new CliException("Key file " + dir.resolve(AppKeys.ROOT_FILE) + " holds root key "
                            + root.keyId() + ", but " + dir.resolve(AppKeys.TRUST_FILE) + " names " + trust.rootKeyId());
                }
                java.time.Instant now = java.time.Instant.now();
                cert = dev.patchbay.crypto.FreshnessCert.create(appId, publicKey, now.minus(Duration.ofMinutes(5)),
                        now.plus(VALIDITY), root.secret());
            } finally {
                Arrays.fill(pass, '\0');
                if (root != null) {
                    root.destroy();
                }
            }
            dev.patchbay.crypto.FreshnessCert stored = client.putFreshnessCert(appId, cert);
            Output out = new Output(context.out(), server.json);
            if (out.json()) {
                out.json(stored.toJson());
                return;
            }
            out.line("The server's freshness key " + stored.keyId() + " is now trusted for " + appId + " until "
                    + Text.time(stored.notAfter()) + " (certified by root key " + stored.rootKeyId() + ")");
        }
    }
}
