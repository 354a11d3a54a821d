package dev.patchbay.crypto.capgo;

import dev.patchbay.crypto.BundleInput;
import dev.patchbay.crypto.CryptoException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.crypto.Cipher;

/**
 * Builds the plugin-format twin of a bundle on the publisher's machine (docs/capgo-compat.md §6): a zip of the web
 * build with the files at its root; with a key pair, encrypted and signed the plugin's way ({@link CapgoCrypto}); and,
 * when asked, per-file manifest entries (each file stored as its own blob, encrypted with the bundle's key and IV like
 * the plugin's CLI does; no Brotli, which the plugin only applies to names ending in {@code .br}).
 */
public final class CapgoArtifact {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Names the reference CLI leaves out of manifests. */
    private static final Set<String> SKIPPED = Set.of(".DS_Store", ".git", ".gitignore", "node_modules");

    /** One stored blob: its file in the work folder, SHA-256 of its (possibly encrypted) bytes and length. */
    public record Blob(Path file, String sha256, long length) {
    }

    /** A manifest entry: the path the plugin writes, its hash (plain or signed), and the blob served for it. */
    public record FileEntry(String fileName, String fileHash, Blob blob) {
    }

    /** What is uploaded: the zip blob, session key ("" plain), checksum, key id (null plain), manifest entries. */
    public record Built(Blob zip, String sessionKey, String checksum, String keyId, List<FileEntry> manifest,
                        String plainSha256) {
    }

    private CapgoArtifact() {
    }

    /**
     * Builds the artifact of {@code files} in {@code work}; {@code keys} null = unencrypted (the checksum is then
     * the plain SHA-256, as for apps without a public key).
     */
    public static Built build(BundleInput files, CapgoKeyPair keys, boolean manifest, Path work) throws IOException {
        byte[] zip = zip(files);
        byte[] digest = sha256(zip);
        byte[] aesKey = null;
        byte[] iv = null;
        String sessionKey = "";
        String checksum = HexFormat.of().formatHex(digest);
        byte[] stored = zip;
        if (keys != null) {
            aesKey = new byte[16];
            iv = new byte[16];
            RANDOM.nextBytes(aesKey);
            RANDOM.nextBytes(iv);
            sessionKey = CapgoCrypto.sessionKey(keys, aesKey, iv);
            checksum = CapgoCrypto.signedChecksum(keys, digest);
            stored = CapgoCrypto.aes(Cipher.ENCRYPT_MODE, aesKey, iv, zip);
        }
        try {
            Blob zipBlob = write(work, stored);
            List<FileEntry> entries = new ArrayList<>();
            if (manifest) {
                for (BundleInput.Entry e : files.entries()) {
                    if (skipped(e.path()) || e.size() == 0) {
                        continue;
                    }
                    if (e.path().contains(" ")) {
                        throw new CryptoException("File '" + e.path() + "' has a space in its name, which the"
                                + " plugin's per-file delivery does not accept; build without --capgo-manifest");
                    }
                    byte[] plain = read(e);
                    byte[] hash = sha256(plain);
                    String fileHash = keys == null ? HexFormat.of().formatHex(hash)
                            : CapgoCrypto.signedChecksum(keys, hash);
                    byte[] body = keys == null ? plain : CapgoCrypto.aes(Cipher.ENCRYPT_MODE, aesKey, iv, plain);
                    entries.add(new FileEntry(e.path(), fileHash, write(work, body)));
                }
            }
            return new Built(zipBlob, sessionKey, checksum, keys == null ? null : keys.keyId(), List.copyOf(entries),
                    HexFormat.of().formatHex(digest));
        } finally {
            if (aesKey != null) {
                Arrays.fill(aesKey, (byte) 0);
            }
        }
    }

    private static boolean skipped(String path) {
        for (String part : path.split("/")) {
            if (SKIPPED.contains(part)) {
                return true;
            }
        }
        return false;
    }

    /** The zip the reference CLI builds: the web build's files at the root, DEFLATE, '/' separators. */
    static byte[] zip(BundleInput files) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean index = false;
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (BundleInput.Entry e : files.entries()) {
                index |= e.path().equals("index.html");
                ZipEntry ze = new ZipEntry(e.path());
                ze.setTime(0);
                z.putNextEntry(ze);
                try (InputStream in = e.open()) {
                    in.transferTo(z);
                }
                z.closeEntry();
            }
        }
        if (!index) {
            throw new CryptoException("The web build has no index.html at its root, which the plugin requires");
        }
        return out.toByteArray();
    }

    private static byte[] read(BundleInput.Entry e) throws IOException {
        try (InputStream in = e.open()) {
            return in.readAllBytes();
        }
    }

    private static Blob write(Path work, byte[] bytes) throws IOException {
        String sha = HexFormat.of().formatHex(sha256(bytes));
        Path file = work.resolve("capgo-" + sha);
        Files.write(file, bytes);
        return new Blob(file, sha, bytes.length);
    }

    static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
