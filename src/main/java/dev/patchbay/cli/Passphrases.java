package dev.patchbay.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Where a key passphrase comes from (bundle-format §2): {@code --passphrase-file FILE} if given, else the environment
 * variable {@value #ENV}. Never a plain command-line flag (it would show in {@code ps} and shell history). One
 * trailing line break of the file is dropped, nothing else.
 */
final class Passphrases {
    static final String ENV = "PATCHBAY_KEY_PASSPHRASE";

    private Passphrases() {
    }

    static char[] read(Cli.Context context, Path file) {
        if (file != null) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                throw new CliException("Passphrase file " + file + " does not exist");
            } catch (IOException e) {
                throw new CliException("Cannot read the passphrase file " + file + ": " + e.getMessage(), e);
            }
            try {
                int end = bytes.length;
                if (end > 0 && bytes[end - 1] == '\n') {
                    end--;
                    if (end > 0 && bytes[end - 1] == '\r') {
                        end--;
                    }
                }
                CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes, 0, end));
                char[] out = Arrays.copyOfRange(chars.array(), chars.position(), chars.limit());
                Arrays.fill(chars.array(), '\0');
                return nonEmpty(out, "Passphrase file " + file + " is empty");
            } catch (CharacterCodingException e) {
                throw new CliException("Passphrase file " + file + " is not UTF-8 text");
            } finally {
                Arrays.fill(bytes, (byte) 0);
            }
        }
        String env = context.env().get(ENV);
        if (env == null) {
            throw new CliException("No key passphrase: set " + ENV + " or use --passphrase-file FILE");
        }
        return nonEmpty(env.toCharArray(), ENV + " is empty");
    }

    private static char[] nonEmpty(char[] passphrase, String message) {
        if (passphrase.length == 0) {
            throw new CliException(message);
        }
        return passphrase;
    }
}
