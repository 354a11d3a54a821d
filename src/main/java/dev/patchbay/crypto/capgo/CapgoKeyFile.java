package dev.patchbay.crypto.capgo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.crypto.CanonicalJson;
import dev.patchbay.crypto.Codec;
import dev.patchbay.crypto.CryptoException;
import dev.patchbay.crypto.KeyFile;
import dev.patchbay.crypto.KeyFileOptions;
import dev.patchbay.domain.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.SCrypt;

/**
 * The app's Capgo-style RSA key pair at rest in its key folder ({@code capgo.key}), protected like Patchbay's own key
 * files (crypto/KeyFile): the private PEM encrypted with AES-256-GCM under an scrypt key from the passphrase, the
 * public header (app, key id, public PEM) authenticated as associated data, owner-only permissions, written
 * atomically. The public half is also written in the clear as {@code capgo.pub} (the plugin's PEM).
 */
public final class CapgoKeyFile {
    public static final String FORMAT = "patchbay-capgo-key/1";
    public static final String FILE = "capgo.key";
    public static final String PUBLIC_FILE = "capgo.pub";
    private static final SecureRandom RANDOM = new SecureRandom();

    private CapgoKeyFile() {
    }

    public static boolean exists(Path keysDir) {
        return Files.isRegularFile(keysDir.resolve(FILE));
    }

    /** Writes {@code capgo.key} and {@code capgo.pub}; refuses to replace an existing pair. */
    public static void write(Path keysDir, String appId, CapgoKeyPair keys, char[] passphrase,
                             KeyFileOptions options) {
        Path file = keysDir.resolve(FILE);
        if (Files.exists(file)) {
            throw new CryptoException(file + " already exists; an app has one Capgo key pair (devices hold its"
                    + " public key)");
        }
        ObjectNode header = CanonicalJson.object();
        header.put("format", FORMAT);
        header.put("appId", appId);
        header.put("keyId", keys.keyId());
        header.put("publicKey", keys.publicPem());
        byte[] salt = new byte[32];
        RANDOM.nextBytes(salt);
        header.putObject("kdf").put("alg", "scrypt").put("logN", options.logN()).put("r", 8).put("p", 1)
                .put("salt", Codec.b64(salt));
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        header.putObject("aead").put("alg", "AES-256-GCM").put("nonce", Codec.b64(nonce));
        byte[] kek = scrypt(passphrase, salt, options.logN());
        byte[] secret = keys.privatePem().getBytes(StandardCharsets.US_ASCII);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(kek, "AES"), new GCMParameterSpec(128, nonce));
            c.updateAAD(CanonicalJson.bytes(header));
            header.put("ciphertext", Codec.b64(c.doFinal(secret)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        } finally {
            Arrays.fill(kek, (byte) 0);
            Arrays.fill(secret, (byte) 0);
        }
        try {
            Files.createDirectories(keysDir);
            atomic(file, (Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(header) + "\n")
                    .getBytes(StandardCharsets.UTF_8), true);
            atomic(keysDir.resolve(PUBLIC_FILE), keys.publicPem().getBytes(StandardCharsets.US_ASCII), false);
        } catch (IOException e) {
            throw new CryptoException("Cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads and decrypts the app's key pair from {@code keysDir/capgo.key}. */
    public static CapgoKeyPair read(Path keysDir, String appId, char[] passphrase) {
        Path file = keysDir.resolve(FILE);
        String name = "Key file " + file;
        KeyFile.checkOwnerOnly(file);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CryptoException(name + " does not exist; create or import the app's Capgo key pair first"
                    + " (patchbay key capgo-create / capgo-import)");
        } catch (IOException e) {
            throw new CryptoException(name + " cannot be read: " + e.getMessage(), e);
        }
        JsonNode node = CanonicalJson.parse(bytes, name);
        if (!FORMAT.equals(node.path("format").asText())) {
            throw new CryptoException(name + " is not a Capgo key file (format " + node.path("format") + ")");
        }
        if (!appId.equals(node.path("appId").asText())) {
            throw new CryptoException(name + " belongs to app " + node.path("appId").asText() + ", not " + appId);
        }
        int logN = node.path("kdf").path("logN").asInt();
        if (logN < KeyFileOptions.MIN_LOG_N || logN > KeyFileOptions.MAX_LOG_N) {
            throw new CryptoException(name + " is damaged (kdf logN " + logN + ")");
        }
        ObjectNode header = ((ObjectNode) node).deepCopy();
        header.remove("ciphertext");
        byte[] kek = scrypt(passphrase, Codec.unb64(node.path("kdf").path("salt").asText(), "kdf.salt"), logN);
        byte[] pem;
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(kek, "AES"), new GCMParameterSpec(128,
                    Codec.unb64(node.path("aead").path("nonce").asText(), 12, "aead.nonce")));
            c.updateAAD(CanonicalJson.bytes(header));
            pem = c.doFinal(Codec.unb64(node.path("ciphertext").asText(), "ciphertext"));
        } catch (AEADBadTagException e) {
            throw new CryptoException(name + " is encrypted with a different passphrase, or it was modified");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        } finally {
            Arrays.fill(kek, (byte) 0);
        }
        CapgoKeyPair keys = CapgoKeyPair.fromPrivatePem(new String(pem, StandardCharsets.US_ASCII), name);
        Arrays.fill(pem, (byte) 0);
        if (!keys.keyId().equals(node.path("keyId").asText())) {
            throw new CryptoException(name + " is damaged (its key does not match its key id)");
        }
        return keys;
    }

    /** The public PEM of the app's pair, without the passphrase. */
    public static String publicPem(Path keysDir) {
        try {
            return Files.readString(keysDir.resolve(PUBLIC_FILE), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new CryptoException("Cannot read " + keysDir.resolve(PUBLIC_FILE) + ": " + e.getMessage(), e);
        }
    }

    /** The snippet for {@code capacitor.config}: {@code plugins.CapacitorUpdater.publicKey}. */
    public static ObjectNode capacitorConfig(String publicPem) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.putObject("plugins").putObject("CapacitorUpdater").put("publicKey", publicPem);
        return root;
    }

    /**
     * What {@code key capgo export} prints and the console's Keys page shows: the key id and the pretty-printed
     * {@code capacitor.config} snippet.
     */
    public static String exportText(String publicPem) {
        try {
            return "Key id (the plugin's key_id): " + CapgoKeyPair.keyId(CapgoKeyPair.publicFromPem(publicPem, "key"))
                    + "\nAdd to capacitor.config (plugins.CapacitorUpdater.publicKey):\n"
                    + Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(capacitorConfig(publicPem));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] scrypt(char[] passphrase, byte[] salt, int logN) {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(passphrase));
        byte[] pass = new byte[encoded.remaining()];
        encoded.get(pass);
        Arrays.fill(encoded.array(), (byte) 0);
        try {
            return SCrypt.generate(pass, salt, 1 << logN, 8, 1, 32);
        } finally {
            Arrays.fill(pass, (byte) 0);
        }
    }

    private static void atomic(Path target, byte[] bytes, boolean secret) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        if (secret) {
            try {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(tmp);
            }
        }
        Files.write(tmp, bytes);
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.force(true); // a new signing key is on disk before it takes the file's name
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        dev.patchbay.crypto.KeyFile.fsyncDir(target.toAbsolutePath().getParent());
    }
}
