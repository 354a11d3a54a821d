package dev.patchbay.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the key passphrase of a bundle command comes from: {@code --passphrase-file}, else the environment. */
final class PassphraseOption {
    @Option(names = "--passphrase-file", paramLabel = "FILE",
            description = "Read the key passphrase from FILE, first line (default: $" + Passphrases.ENV + ")")
    Path passphraseFile;

    char[] passphrase(Cli.Context context) {
        return Passphrases.read(context, passphraseFile);
    }

    /** The passphrase of the key folder {@code dir}: as above, and the OS keyring before a prompt. */
    char[] passphrase(Cli.Context context, String appId, Path dir) {
        return Passphrases.read(context, passphraseFile, appId, dir);
    }
}
