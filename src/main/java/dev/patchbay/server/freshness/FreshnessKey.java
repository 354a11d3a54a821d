package dev.patchbay.server.freshness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.crypto.Codec;
import dev.patchbay.crypto.Ed25519;
import dev.patchbay.domain.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The server's freshness key (device-protocol §2): an Ed25519 key generated at first start as {@code freshness.key}
 * in the data folder (owner-only, written atomically), used only to sign freshness statements. A damaged file is a
 * clear start-up error, never silently replaced: devices trust the key through certificates signed by app roots.
 */
public final class FreshnessKey {
    public static final String FILE = "freshness.key";
    static final String FORMAT = "patchbay-server-freshness-key/1";

    private final byte[] privateKey;
    private final byte[] publicKey;
    private final String keyId;
    private final Ed25519.Signer signer;
    private final FreshnessBatcher batcher;

    private FreshnessKey(byte[] privateKey) {
        this.privateKey = privateKey;
        this.signer = Ed25519.signer(privateKey);
        this.batcher = new FreshnessBatcher(signer);
        this.publicKey = signer.publicKey();
        this.keyId = signer.keyId();
    }

    /** Reads {@code <dataDir>/freshness.key}, creating it on first start. */
    public static FreshnessKey loadOrCreate(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE);
        if (!Files.exists(file)) {
            FreshnessKey key = new FreshnessKey(Ed25519.generatePrivateKey());
            try {
                write(file, key);
                return key;
            } catch (FileAlreadyExistsException raced) {
                // another process created it first: read that one
            }
        }
        return read(file);
    }

    static FreshnessKey read(Path file) throws IOException {
        String problem;
        try {
            JsonNode node = Json.mapper().readTree(Files.readAllBytes(file));
            if (node == null || !node.isObject() || !FORMAT.equals(node.path("format").asText())) {
                problem = "it is not a " + FORMAT + " document";
            } else {
                byte[] priv = Codec.unb64(node.path("privateKey").asText(""), Ed25519.KEY_LENGTH, "privateKey");
                FreshnessKey key = new FreshnessKey(priv);
                if (!key.keyId.equals(node.path("keyId").asText())) {
                    problem = "its keyId does not match its private key";
                } else {
                    return key;
                }
            }
        } catch (IOException e) {
            if (!(e instanceof com.fasterxml.jackson.core.JsonProcessingException)) {
                throw new IOException("Cannot read the freshness key " + file + ": " + e.getMessage(), e);
            }
            problem = "it is not valid JSON";
        } catch (RuntimeException e) {
            problem = e.getMessage();
        }
        throw new IOException("The freshness key file " + file + " is damaged (" + problem + "). Restore it from a"
                + " backup; deleting it makes the server generate a new key, and every app must then trust the server"
                + " again (patchbay key trust-server)");
    }

    private static void write(Path file, FreshnessKey key) throws IOException {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("format", FORMAT);
        node.put("keyId", key.keyId);
        node.put("publicKey", Codec.b64(key.publicKey));
        node.put("privateKey", Codec.b64(key.privateKey));
        byte[] bytes = (Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        Path tmp = posix
                ? Files.createTempFile(dir, FILE, ".tmp", PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(dir, FILE, ".tmp");
        try {
            Files.write(tmp, bytes);
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            if (Files.exists(file)) {
                throw new FileAlreadyExistsException(file.toString());
            }
            try {
                // link(2) creates the name only if it is free: of servers starting at once on one folder (instances
                // on a shared database, ADR 0116) exactly one wins, where a rename would let the last one replace it.
                Files.createLink(file, tmp);
            } catch (FileAlreadyExistsException e) {
                throw e;
            } catch (UnsupportedOperationException | java.nio.file.FileSystemException e) {
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException a) {
                    Files.move(tmp, file);
                }
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The private key (a copy). */
    public byte[] privateKey() {
        return privateKey.clone();
    }

    /** The key prepared for signing (one per server: it signs every update answer). */
    public Ed25519.Signer signer() {
        return signer;
    }

    /** The key's batch signer (ADR 0114): one signature per batch of concurrent update answers. */
    public FreshnessBatcher batcher() {
        return batcher;
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    public String keyId() {
        return keyId;
    }
}
