package dev.patchbay.updater;

import dev.patchbay.crypto.BlobCipher;
import dev.patchbay.crypto.Codec;
import dev.patchbay.crypto.CryptoException;
import dev.patchbay.crypto.Manifest;
import dev.patchbay.crypto.ReleaseVerifier;
import dev.patchbay.crypto.TrustRoot;
import dev.patchbay.crypto.VerifiedRelease;
import dev.patchbay.updater.port.FileStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The runtime's files (device-protocol §8): {@code versions/<id>/} one web root per bundle, built in
 * {@code versions/<id>.partial/}; {@code meta/<id>.envelope} and {@code meta/<id>.manifest} the signed release and
 * plaintext manifest of each; {@code downloads/<sha256>[.part]} ciphertext being fetched. Only folders with a
 * preferences record are real; everything else is left over from a kill and removed at cold start.
 */
final class BundleFiles {
    static final String VERSIONS = "versions";
    static final String META = "meta";
    static final String DOWNLOADS = "downloads";
    static final String PARTIAL = ".partial";

    final FileStore files;
    private final TrustRoot trust;

    BundleFiles(FileStore files, TrustRoot trust) {
        this.files = files;
        this.trust = trust;
    }

    static String folder(String id) {
        return VERSIONS + "/" + id;
    }

    static String partial(String id) {
        return VERSIONS + "/" + id + PARTIAL;
    }

    static String envelope(String id) {
        return META + "/" + id + ".envelope";
    }

    static String manifest(String id) {
        return META + "/" + id + ".manifest";
    }

    static String blob(String sha256) {
        return DOWNLOADS + "/" + sha256;
    }

    static String part(String sha256) {
        return DOWNLOADS + "/" + sha256 + ".part";
    }

    /** The WebView base path of a bundle; null for builtin. */
    String absolute(String id) {
        return id == null || BundleInfo.BUILTIN_ID.equals(id) ? null : files.absolutePath(folder(id));
    }

    /** A stored bundle's signed release and manifest, re-verified against the compiled-in root. */
    record Stored(VerifiedRelease release, byte[] envelope, Manifest manifest) {
    }

    Stored load(String id) throws IOException {
        if (!files.exists(envelope(id)) || !files.exists(manifest(id))) {
            throw new CryptoException("its metadata is missing");
        }
        byte[] env = readAll(envelope(id));
        VerifiedRelease release = ReleaseVerifier.verify(env, trust);
        byte[] plain = readAll(manifest(id));
        if (!Codec.hex(sha256(plain)).equals(release.manifestPlainSha256())) {
            throw new CryptoException("its stored manifest does not match the signed release");
        }
        return new Stored(release, env, Manifest.parse(plain));
    }

    /**
     * Why bundle {@code id} cannot be booted, or null if it can: metadata verifies, the folder holds exactly the
     * manifest's files with their sizes and, if {@code digests}, their SHA-256.
     */
    String problem(String id, boolean digests) {
        try {
            if (!files.isDirectory(folder(id))) {
                return "its folder is missing";
            }
            Stored s = load(id);
            return filesProblem(folder(id), s.manifest(), digests);
        } catch (IOException | RuntimeException e) {
            return e.getMessage() == null ? e.toString() : e.getMessage();
        }
    }

    /** Null if {@code dir} holds exactly the manifest's files (sizes, and digests if asked). */
    String filesProblem(String dir, Manifest manifest, boolean digests) throws IOException {
        Set<String> present = new HashSet<>(walk(dir));
        for (Manifest.File f : manifest.files()) {
            String p = dir + "/" + f.path();
            if (!present.remove(f.path())) {
                return "file " + f.path() + " is missing";
            }
            if (files.size(p) != f.size()) {
                return "file " + f.path() + " has " + files.size(p) + " bytes, not " + f.size();
            }
            if (digests && !sha256Hex(p).equals(f.sha256())) {
                return "file " + f.path() + " does not match its SHA-256";
            }
        }
        if (!present.isEmpty()) {
            return "unexpected file " + present.iterator().next();
        }
        return null;
    }

    /** Every file under {@code dir}, relative and '/'-separated. */
    List<String> walk(String dir) {
        List<String> out = new ArrayList<>();
        walk(dir, "", out);
        return out;
    }

    private void walk(String dir, String prefix, List<String> out) {
        for (String name : files.list(dir)) {
            String p = dir + "/" + name;
            if (files.isDirectory(p)) {
                walk(p, prefix + name + "/", out);
            } else {
                out.add(prefix + name);
            }
        }
    }

    /** Deletes a bundle's folder, staging folder and metadata. */
    void delete(String id) throws IOException {
        files.deleteRecursively(folder(id));
        files.deleteRecursively(partial(id));
        files.deleteRecursively(envelope(id));
        files.deleteRecursively(manifest(id));
    }

    /** Removes staging folders, downloads and everything that belongs to no known bundle. */
    void cleanup(Set<String> known) throws IOException {
        if (!files.list(DOWNLOADS).isEmpty()) {
            files.deleteRecursively(DOWNLOADS);
        }
        for (String name : files.list(VERSIONS)) {
            if (name.endsWith(PARTIAL) || !known.contains(name)) {
                files.deleteRecursively(VERSIONS + "/" + name);
            }
        }
        for (String name : files.list(META)) {
            int dot = name.indexOf('.');
            if (dot < 0 || !known.contains(name.substring(0, dot))) {
                files.deleteRecursively(META + "/" + name);
            }
        }
    }

    /**
     * A manifest path as it may be written under a bundle folder: relative, '/'-separated, no empty, '.' or '..'
     * segment, no backslash, colon or control character. {@link Manifest#parse} already refuses these; this is the
     * last check before a write.
     */
    static String safe(String path) {
        if (path == null || path.isEmpty() || path.startsWith("/") || path.contains("\\") || path.contains(":")) {
            throw new CryptoException("unsafe path in manifest: " + path);
        }
        for (String seg : path.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
                throw new CryptoException("unsafe path in manifest: " + path);
            }
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c < 0xa0)) {
                throw new CryptoException("unsafe path in manifest: control character");
            }
        }
        return path;
    }

    byte[] readAll(String path) throws IOException {
        try (InputStream in = files.open(path)) {
            return readAll(in, Long.MAX_VALUE);
        }
    }

    static byte[] readAll(InputStream in, long max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        long total = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
            total += n;
            if (total > max) {
                throw new IOException("the answer is larger than " + max + " bytes");
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    String sha256Hex(String path) throws IOException {
        MessageDigest md = sha256();
        try (InputStream in = files.open(path)) {
            byte[] buf = new byte[BlobCipher.CHUNK_SIZE];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return Codec.hex(md.digest());
    }

    void write(String path, byte[] bytes) throws IOException {
        try (OutputStream out = files.create(path)) {
            out.write(bytes);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] sha256(byte[] data) {
        return sha256().digest(data);
    }
}
