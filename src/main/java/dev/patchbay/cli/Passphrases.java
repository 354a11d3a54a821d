package dev.patchbay.cli;

import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Where a key passphrase comes from (bundle-format §2), the same rules as {@code patchbay key}: the first line of
 * {@code --passphrase-file FILE} if given, else the environment variable {@value #ENV}, else a prompt when there is
 * a terminal. Never a plain command-line flag (it would show in {@code ps} and shell history).
 */
final class Passphrases {
    static final String ENV = "PATCHBAY_KEY_PASSPHRASE";

    private Passphrases() {
    }

    static char[] read(Cli.Context context, Path file) {
        return read(context, file, false);
    }

    /**
     * The passphrase of the key folder {@code dir} of {@code appId}: {@code --passphrase-file}, else the environment,
     * else the one stored in the OS keyring ({@code patchbay key remember}), else a prompt.
     */
    static char[] read(Cli.Context context, Path file, String appId, Path dir) {
        if (file == null && context.env().get(ENV) == null) {
            char[] stored = KeyringPassphrases.forContext(context).find(appId, dir);
            if (stored != null && stored.length > 0) {
                return stored;
            }
        }
        return read(context, file, false);
    }

    /** @param confirm when prompting, ask twice (a new passphrase) */
    static char[] read(Cli.Context context, Path file, boolean confirm) {
        char[] pass;
        if (file != null) {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new CliException("Passphrase file " + file + " does not exist");
            } catch (IOException e) {
                throw new CliException("Cannot read passphrase file " + file + ": " + e.getMessage(), e);
            }
            int nl = text.indexOf('\n');
            String line = nl < 0 ? text : text.substring(0, nl);
            pass = (line.endsWith("\r") ? line.substring(0, line.length() - 1) : line).toCharArray();
        } else if (context.env().get(ENV) != null) {
            pass = context.env().get(ENV).toCharArray();
        } else {
            Console console = context.err() == System.err ? System.console() : null;
            if (console == null) {
                throw new CliException("No passphrase: set " + ENV + " or use --passphrase-file FILE");
            }
            pass = console.readPassword("Key passphrase: ");
            if (confirm && pass != null) {
                char[] again = console.readPassword("Again: ");
                boolean same = Arrays.equals(pass, again);
                if (again != null) {
                    Arrays.fill(again, '\0');
                }
                if (!same) {
                    throw new CliException("The passphrases differ");
                }
            }
        }
        if (pass == null || pass.length == 0) {
            throw new CliException("The passphrase is empty");
        }
        return pass;
    }
}
