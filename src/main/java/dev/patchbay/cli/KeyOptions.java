package dev.patchbay.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The app's key folder (what {@code patchbay key create} writes) and where its passphrase comes from. */
final class KeyOptions {
    @Option(names = "--passphrase-file", paramLabel = "FILE",
            description = "Read the key passphrase from FILE (default: $" + Passphrases.ENV + ")")
    Path passphraseFile;

    char[] passphrase(Cli.Context context) {
        return Passphrases.read(context, passphraseFile);
    }
}
