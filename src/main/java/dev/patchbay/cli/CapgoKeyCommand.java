package dev.patchbay.cli;

import dev.patchbay.crypto.CryptoException;
import dev.patchbay.crypto.capgo.CapgoKeyFile;
import dev.patchbay.crypto.capgo.CapgoKeyPair;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code patchbay key capgo create|import|export}: the app's RSA-2048 key pair in the reference plugin's format, for
 * Capgo-compatible delivery (docs/capgo-compat.md §6). The private key lives in the app's key folder as
 * {@code capgo.key}, encrypted with the same passphrase as the Patchbay keys; devices hold the public key.
 */
@Command(name = "capgo", mixinStandardHelpOptions = true,
        description = "The app's key pair for devices running the reference updater plugin (Capgo-compatible delivery).",
        subcommands = {CapgoKeyCommand.Create.class, CapgoKeyCommand.Import.class, CapgoKeyCommand.Export.class})
final class CapgoKeyCommand {

    static void printSnippet(Output out, CapgoKeyPair keys, String publicPem) {
        CapgoKeyFile.exportText(publicPem).lines().forEach(out::line);
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create the app's Capgo key pair in its key folder (capgo.key, capgo.pub).")
    static final class Create implements Runnable {
        private final Cli.Context context;
        @Mixin KeyCommand.KeyOptions options;

        Create(Cli.Context context) {
            this.context = context;
        }

        @Override
        public void run() {
            char[] pass = options.passphrase(context, true);
            try {
                if (pass.length < KeyCommand.MIN_PASSPHRASE) {
                    throw new CliException("The passphrase must have at least " + KeyCommand.MIN_PASSPHRASE
                            + " characters");
                }
                CapgoKeyPair keys = CapgoKeyPair.generate();
                CapgoKeyFile.write(options.dir, options.appId(), keys, pass, options.fileOptions());
                Output out = new Output(context.out(), false);
                out.line("Created the Capgo key pair of " + options.appId() + " in " + options.dir);
                printSnippet(out, keys, keys.publicPem());
            } catch (CryptoException e) {
                throw new CliException(e.getMessage(), e);
            } finally {
                Arrays.fill(pass, '\0');
            }
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Import an existing pair made by the reference CLI (its .capgo_key_v2 private PEM).")
    static final class Import implements Runnable {
        private final Cli.Context context;
        @Mixin KeyCommand.KeyOptions options;
        @Option(names = "--private-key", required = true, paramLabel = "PEM",
                description = "The private key PEM file (e.g. .capgo_key_v2)")
        Path privateKey;

        Import(Cli.Context context) {
            this.context = context;
        }

        @Override
        public void run() {
            String pem;
            try {
                pem = Files.readString(privateKey, StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new CliException("Cannot read " + privateKey + ": " + e.getMessage(), e);
            }
            char[] pass = options.passphrase(context, true);
            try {
                CapgoKeyPair keys = CapgoKeyPair.fromPrivatePem(pem, privateKey.toString());
                CapgoKeyFile.write(options.dir, options.appId(), keys, pass, options.fileOptions());
                Output out = new Output(context.out(), false);
                out.line("Imported the Capgo key pair of " + options.appId() + " into " + options.dir
                        + " (the PEM file itself is unencrypted: delete it once stored safely)");
                printSnippet(out, keys, keys.publicPem());
            } catch (CryptoException e) {
                throw new CliException(e.getMessage(), e);
            } finally {
                Arrays.fill(pass, '\0');
            }
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Print the public key: the capacitor.config snippet, or the PEM with --pem.")
    static final class Export implements Runnable {
        private final Cli.Context context;
        @Option(names = "--dir", required = true, description = "The app's key folder")
        Path dir;
        @Option(names = "--pem", description = "Print only the public PEM")
        boolean pem;

        Export(Cli.Context context) {
            this.context = context;
        }

        @Override
        public void run() {
            try {
                String publicPem = CapgoKeyFile.publicPem(dir);
                Output out = new Output(context.out(), false);
                if (pem) {
                    context.out().print(publicPem);
                } else {
                    printSnippet(out, null, publicPem);
                }
            } catch (CryptoException e) {
                throw new CliException(e.getMessage(), e);
            }
        }
    }
}
