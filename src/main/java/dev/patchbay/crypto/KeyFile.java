package dev.patchbay.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.SCrypt;

/**
 * An encrypted key file (bundle-format §2): scrypt KEK from the passphrase, AES-256-GCM with the canonical header
 * (everything but {@code ciphertext}) as AAD. Files are written owner-only and atomically; files readable by others
 * are refused.
 */
public final class KeyFile {
    public static final String FORMAT = "patchbay-key/1";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<PosixFilePermission> OWNER_RW = PosixFilePermissions.fromString("rw-------");

    /** What a key file holds. */
    public enum Kind {
        ROOT, RELEASE, CONTENT;

        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A decrypted key. {@code secret} is the Ed25519 seed (root, release) or the AES key (content); {@code publicKey}
     * is null for a content key. Call {@link #destroy()} when done.
     */
    public record Key(Kind kind, String appId, String keyId, byte[] publicKey, Instant createdAt, byte[] secret) {
        public static Key ed25519(Kind kind, String appId, byte[] privateKey, Instant createdAt) {
            byte[] pub = Ed25519.publicKey(privateKey);
            return new Key(kind, appId, KeyIds.ofPublicKey(pub), pub, createdAt, privateKey.clone());
        }

        public static Key content(String appId, byte[] contentKey, Instant createdAt) {
            return new Key(Kind.CONTENT, appId, KeyIds.ofContentKey(contentKey), null, createdAt, contentKey.clone());
        }

        public void destroy() {
            Arrays.fill(secret, (byte) 0);
        }

        @Override
        public String toString() {
            return "Key[" + kind.json() + ", " + appId + ", " + keyId + "]";
        }
    }

    private KeyFile() {
    }

    /** The file bytes of {@code key} encrypted with {@code passphrase}. */
    public static byte[] encrypt(Key key, char[] passphrase, KeyFileOptions options) {
        ObjectNode header = CanonicalJson.object();
        header.put("format", FORMAT);
        header.put("kind", key.kind().json());
        header.put("appId", key.appId());
        header.put("keyId", key.keyId());
        if (key.publicKey() != null) {
            header.put("publicKey", Codec.b64(key.publicKey()));
        }
        header.put("createdAt", Fields.format(key.createdAt()));
        byte[] salt = new byte[32];
        RANDOM.nextBytes(salt);
        ObjectNode kdf = header.putObject("kdf");
        kdf.put("alg", "scrypt").put("logN", options.logN()).put("r", 8).put("p", 1).put("salt", Codec.b64(salt));
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        header.putObject("aead").put("alg", "AES-256-GCM").put("nonce", Codec.b64(nonce));
        byte[] kek = scrypt(passphrase, salt, 1 << options.logN(), 8, 1, 32);
        try {
            Cipher c = BlobCipher.gcm();
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(kek, "AES"), new GCMParameterSpec(128, nonce));
            c.updateAAD(CanonicalJson.bytes(header));
            header.put("ciphertext", Codec.b64(c.doFinal(key.secret())));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        } finally {
            Arrays.fill(kek, (byte) 0);
        }
        try {
            return (dev.patchbay.domain.Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(header)
                    + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Decrypts key file bytes; {@code name} names the file in messages. The key must be of {@code kind} and belong
     * to {@code appId}.
     */
    public static Key decrypt(byte[] file, char[] passphrase, String appId, Kind kind, String name) {
        JsonNode node;
        try {
            node = CanonicalJson.parse(file, "Key file " + name);
        } catch (CryptoException e) {
            throw new CryptoException("Key file " + name + " is damaged (it is not valid JSON)");
        }
        String w = "Key file " + name;
        if (!node.isObject() || !node.hasNonNull("format")) {
            throw new CryptoException(w + " is damaged (it is not a key file)");
        }
        if (!FORMAT.equals(node.get("format").asText())) {
            throw new CryptoException(w + " is an unsupported key file (format " + node.get("format") + ")");
        }
        JsonNode kdf;
        JsonNode aead;
        String fileKind;
        String fileAppId;
        try {
            kdf = Fields.object(node, "kdf", "field");
            aead = Fields.object(node, "aead", "field");
            fileKind = Fields.text(node, "kind", "field");
            fileAppId = Fields.text(node, "appId", "field");
        } catch (CryptoException e) {
            throw new CryptoException(w + " is damaged (" + e.getMessage() + ")");
        }
        if (!"scrypt".equals(kdf.path("alg").asText()) || !"AES-256-GCM".equals(aead.path("alg").asText())
                || !kdf.path("logN").isInt() || kdf.path("logN").asInt() < KeyFileOptions.MIN_LOG_N
                || kdf.path("logN").asInt() > KeyFileOptions.MAX_LOG_N || kdf.path("r").asInt() != 8
                || !kdf.path("r").isInt() || !kdf.path("p").isInt() || kdf.path("p").asInt() != 1) {
            throw new CryptoException(w + " is an unsupported key file (kdf " + kdf + ", aead " + aead.path("alg")
                    + "); scrypt with logN 15..20, r 8, p 1 and AES-256-GCM are supported");
        }
        if (!fileAppId.equals(appId)) {
            throw new CryptoException(w + " belongs to app " + fileAppId + ", not " + appId);
        }
        if (!fileKind.equals(kind.json())) {
            throw new CryptoException(w + " holds a " + fileKind + " key, not a " + kind.json() + " key");
        }
        byte[] salt;
        byte[] nonce;
        byte[] ciphertext;
        String keyId;
        Instant createdAt;
        byte[] publicKey = null;
        try {
            salt = Codec.unb64(Fields.text(kdf, "salt", "kdf"), "kdf.salt");
            nonce = Codec.unb64(Fields.text(aead, "nonce", "aead"), 12, "aead.nonce");
            ciphertext = Codec.unb64(Fields.text(node, "ciphertext", "field"), 32 + 16, "ciphertext");
            keyId = Fields.hex(node, "keyId", 16, "field");
            createdAt = Fields.instant(node, "createdAt", "field");
            if (kind != Kind.CONTENT) {
                publicKey = Codec.unb64(Fields.text(node, "publicKey", "field"), 32, "publicKey");
            }
        } catch (CryptoException e) {
            throw new CryptoException(w + " is damaged (" + e.getMessage() + ")");
        }
        ObjectNode header = ((ObjectNode) node).deepCopy();
        header.remove("ciphertext");
        byte[] aad;
        try {
            aad = CanonicalJson.bytes(header);
        } catch (CryptoException e) {
            throw new CryptoException(w + " is damaged (" + e.getMessage() + ")");
        }
        byte[] kek = scrypt(passphrase, salt, 1 << kdf.get("logN").asInt(), 8, 1, 32);
        byte[] secret;
        try {
            Cipher c = BlobCipher.gcm();
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(kek, "AES"), new GCMParameterSpec(128, nonce));
            c.updateAAD(aad);
            secret = c.doFinal(ciphertext);
        } catch (AEADBadTagException e) {
            throw new CryptoException("Key file " + name + " is encrypted with a different passphrase, or it was "
                    + "modified");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        } finally {
            Arrays.fill(kek, (byte) 0);
        }
        Key key = kind == Kind.CONTENT ? Key.content(appId, secret, createdAt)
                : Key.ed25519(kind, appId, secret, createdAt);
        Arrays.fill(secret, (byte) 0);
        if (!key.keyId().equals(keyId) || (publicKey != null && !Arrays.equals(publicKey, key.publicKey()))) {
            key.destroy();
            throw new CryptoException(w + " is damaged (its key does not match its key id " + keyId + ")");
        }
        return key;
    }

    /** Reads and decrypts a key file after checking that only its owner can read it. */
    public static Key read(Path file, char[] passphrase, String appId, Kind kind) {
        String name = file.toString();
        checkOwnerOnly(file);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CryptoException("Key file " + name + " does not exist");
        } catch (IOException e) {
            throw new CryptoException("Key file " + name + " cannot be read: " + e.getMessage(), e);
        }
        return decrypt(bytes, passphrase, appId, kind, name);
    }

    /** Refuses a file with any group or other permission bit (on file systems with POSIX permissions). */
    public static void checkOwnerOnly(Path file) {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        Set<PosixFilePermission> perms;
        try {
            perms = view.readAttributes().permissions();
        } catch (NoSuchFileException e) {
            throw new CryptoException("Key file " + file + " does not exist");
        } catch (IOException e) {
            throw new CryptoException("Key file " + file + " cannot be read: " + e.getMessage(), e);
        }
        int mode = 0;
        for (PosixFilePermission p : perms) {
            mode |= 1 << (8 - p.ordinal());
        }
        if ((mode & 0077) != 0) {
            throw new CryptoException("Key file " + file + " is readable by other users (mode "
                    + String.format("%04o", mode) + "); chmod 600 it");
        }
    }

    /**
     * Writes {@code bytes} to {@code target} owner-only ({@code rw-------} from creation), through a temp file in the
     * same folder, fsync and an atomic move. With {@code replace} false an existing target is never overwritten.
     */
    public static void writeAtomically(Path target, byte[] bytes, boolean replace) {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            if (!replace && Files.exists(target)) {
                throw new CryptoException("Key file " + target + " already exists; it is never overwritten");
            }
            boolean posix = Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null;
            tmp = posix ? Files.createTempFile(dir, "." + target.getFileName(), ".tmp",
                    PosixFilePermissions.asFileAttribute(OWNER_RW))
                    : Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            if (!replace && Files.exists(target)) {
                throw new FileAlreadyExistsException(target.toString());
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
            fsyncDir(dir);
        } catch (FileAlreadyExistsException e) {
            throw new CryptoException("Key file " + target + " already exists; it is never overwritten");
        } catch (IOException e) {
            throw new CryptoException("Cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: a leftover temp file holds only encrypted or public data
                }
            }
        }
    }

    /** Syncs a folder so a rename or delete in it outlives a power loss (a no-op where folders cannot be synced). */
    public static void fsyncDir(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not possible on every platform (Windows); the move itself is atomic
        }
    }

    /** scrypt of the UTF-8 passphrase (RFC 7914); the encoded passphrase is wiped after use. */
    static byte[] scrypt(char[] passphrase, byte[] salt, int n, int r, int p, int length) {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(passphrase));
        byte[] pass = new byte[encoded.remaining()];
        encoded.get(pass);
        Arrays.fill(encoded.array(), (byte) 0);
        try {
            return SCrypt.generate(pass, salt, n, r, p, length);
        } finally {
            Arrays.fill(pass, (byte) 0);
        }
    }
}
