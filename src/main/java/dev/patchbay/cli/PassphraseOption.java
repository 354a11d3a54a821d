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
}
