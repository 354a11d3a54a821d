package dev.patchbay.cli;

import dev.patchbay.crypto.CryptoException;
import dev.patchbay.crypto.capgo.CapgoArtifact;
import dev.patchbay.crypto.capgo.CapgoCrypto;
import dev.patchbay.crypto.capgo.CapgoKeyFile;
import dev.patchbay.crypto.capgo.CapgoKeyPair;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.interfaces.RSAPublicKey;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Cipher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code patchbay bundle import-capgo ZIP --app ID --version V --keys DIR [--public-key PEM] [--session-key S]
 * [--checksum C]}: moves a bundle made by the reference CLI (plain, or encrypted with {@code bundle encrypt}) to
 * Patchbay. The zip is opened with the public key and its checksum verified, then published as a Patchbay bundle
 * (sealed with the app's keys) and, byte for byte as the CLI made it, as the bundle's Capgo artifact.
 */
@Command(name = "import-capgo", description = {"Publish a bundle made by the reference CLI (plain or encrypted) as a"
        + " Patchbay bundle and as its Capgo-compatible artifact."},
        footer = {"", "The passphrase of the key folder comes from PATCHBAY_KEY_PASSPHRASE or --passphrase-file."})
final class CapgoImport extends BundleCommand.Publish {
    @Option(names = "--public-key", paramLabel = "PEM",
            description = "The app's public key PEM (default: capgo.pub of the key folder)")
    Path publicKey;
    @Option(names = "--session-key", paramLabel = "S", description = "ivSessionKey of an encrypted bundle")
    String sessionKey;
    @Option(names = "--checksum", paramLabel = "C", description = "The bundle's checksum (required when encrypted)")
    String checksum;

    CapgoImport(Cli.Context context) {
        super(context);
    }

    @Override
    public void run() {
        Path original = input;
        byte[] stored;
        try {
            stored = Files.readAllBytes(original);
        } catch (IOException e) {
            throw new CliException("Cannot read " + original + ": " + e.getMessage(), e);
        }
        byte[] plain = stored;
        RSAPublicKey key = null;
        Path work = null;
        try {
            if (publicKey != null || sessionKey != null || (checksum != null && checksum.length() == 512)) {
                String pem = publicKey != null ? Files.readString(publicKey, StandardCharsets.US_ASCII)
                        : CapgoKeyFile.publicPem(keysDir);
                key = CapgoKeyPair.publicFromPem(pem, publicKey != null ? publicKey.toString() : "capgo.pub");
            }
            if (sessionKey != null && !sessionKey.isEmpty()) {
                if (checksum == null) {
                    throw new CliException("An encrypted bundle needs its --checksum (the plugin refuses one without)");
                }
                byte[][] keyIv = CapgoCrypto.openSessionKey(key, sessionKey);
                plain = CapgoCrypto.aes(Cipher.DECRYPT_MODE, keyIv[0], keyIv[1], stored);
            }
            String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(plain));
            String vouched;
            try {
                vouched = checksum == null ? digest : CapgoCrypto.checksumDigest(key, checksum);
            } catch (CryptoException e) {
                throw new CliException("The checksum is not signed by this key pair: " + e.getMessage(), e);
            }
            if (!vouched.equals(digest)) {
                throw new CliException("The checksum does not match the bundle (it vouches for " + vouched
                        + ", the zip is " + digest + "): wrong key, session key or file");
            }
            work = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "patchbay-import-");
            Path plainZip = work.resolve("bundle.zip");
            Files.write(plainZip, plain);
            Path storedZip = work.resolve("capgo.zip");
            Files.write(storedZip, stored);
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(stored));
            String keyId = key == null || sessionKey == null ? null : CapgoKeyPair.keyId(key);
            prebuilt = new CapgoArtifact.Built(new CapgoArtifact.Blob(storedZip, sha, stored.length),
                    sessionKey == null ? "" : sessionKey, checksum == null ? digest : checksum.toLowerCase(), keyId,
                    List.of(), digest);
            input = plainZip;
            super.run();
        } catch (CryptoException e) {
            throw new CliException(e.getMessage(), e);
        } catch (IOException e) {
            throw new CliException("Cannot read the key: " + e.getMessage(), e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } finally {
            input = original;
            if (work != null) {
                try (var files = Files.walk(work)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                } catch (IOException ignored) {
                    // a temp folder left behind
                }
            }
        }
    }
}
