package dev.patchbay.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Bundle format 2 (bundle-format §5.1, ADRs 0080-0081): files are compressed where it helps, then encrypted under a
 * convergent key so an unchanged file gives the same blob in the next release, and opening checks the codec stream.
 */
class CompressedBlobsTest extends SealFixture {

    static Manifest.File file(SealedBundle s, String path) {
        return s.manifest().files().stream().filter(f -> f.path().equals(path)).findFirst().orElseThrow();
    }

    @Test
    void textIsDeflatedImagesAndTinyFilesAreNotAndEverythingOpensByteForByte() throws IOException {
        Path blobs = tmp.resolve("blobs");
        SealedBundle s = seal(site, blobs, "1.4.0");
        assertEquals(2, s.manifest().version());
        Manifest.File app = file(s, "assets/app.js");
        assertEquals(FileCodec.DEFLATE, app.codec());
        assertTrue(app.blobLength() * 50 < app.size(), app.toString());
        assertEquals(FileCodec.NONE, file(s, "assets/img/logo.png").codec());
        assertEquals(BlobCipher.blobLength(200_000), file(s, "assets/img/logo.png").blobLength());
        assertEquals(FileCodec.NONE, file(s, "empty.txt").codec());
        assertEquals(Files.size(blobs.resolve(app.blob())), app.blobLength());
        assertTrue(s.ciphertextBytes() < BlobCipher.blobLength(200_000) + 5_000, s.ciphertextBytes() + " of " + s.plaintextBytes());
        assertTrue(ReleaseVerifier.verify(s.envelope(), trust).formatVersion() == 2);
        BundleOpener.open(s.envelope(), blobs, trust, contentKey, tmp.resolve("out"));
        assertSameTree(site, tmp.resolve("out"));
        for (Path blob : list(blobs)) {
            String text = new String(Files.readAllBytes(blob), StandardCharsets.ISO_8859_1);
            assertFalse(text.contains(CANARY), "plaintext in " + blob);
        }
    }

    @Test
    void aFileThatDoesNotShrinkIsStoredAsItIs() throws IOException {
        byte[] noise = new byte[50_000];
        new java.util.Random(3).nextBytes(noise);
        Files.write(site.resolve("random.js"), noise); // a .js that deflate would only grow
        SealedBundle s = seal(site, tmp.resolve("blobs"), "1.4.0");
        assertEquals(FileCodec.NONE, file(s, "random.js").codec());
        assertEquals(BlobCipher.blobLength(50_000), file(s, "random.js").blobLength());
    }

    @Test
    void unchangedFilesGiveTheSameBlobsInTheNextReleaseAndOnlyChangedOnesAreNew() throws IOException {
        Path blobs = tmp.resolve("blobs");
        SealedBundle a = seal(site, blobs, "1.0.0");
        Set<Path> afterA = new HashSet<>(list(blobs));
        Files.writeString(site.resolve("index.html"), "<html>v2</html>");
        Files.writeString(site.resolve("copy-of-app.js"), Files.readString(site.resolve("assets/app.js")));
        SealedBundle b = seal(site, blobs, "1.0.1");
        Set<String> newBlobs = list(blobs).stream().filter(p -> !afterA.contains(p))
                .map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        assertEquals(Set.of(file(b, "index.html").blob(), b.manifestBlob().sha256()), newBlobs,
                "only the changed file and the manifest are new");
        for (String path : List.of("assets/app.js", "assets/img/logo.png", "empty.txt", "caf\u00e9.txt")) {
            assertEquals(file(a, path).blob(), file(b, path).blob(), path);
        }
        assertEquals(file(b, "assets/app.js").blob(), file(b, "copy-of-app.js").blob(), "identical files, one blob");
        assertEquals(b.blobs().size() + 1, b.manifest().files().size(), "the shared blob is listed once");
        ManifestDiff d = ManifestDiff.between(a.manifest(), b.manifest(), b.manifestBlob());
        assertEquals(b.manifestBlob().length() + file(b, "index.html").blobLength(), d.downloadBytes());
        BundleOpener.open(b.envelope(), blobs, trust, contentKey, tmp.resolve("out"));
        assertSameTree(site, tmp.resolve("out"));
    }

    @Test
    void anotherContentKeyGivesOtherBlobsForTheSameFiles() throws IOException {
        SealedBundle a = seal(site, tmp.resolve("a"), "1.0.0");
        contentKey = DataKeys.generate();
        SealedBundle b = seal(site, tmp.resolve("b"), "1.0.0");
        for (Manifest.File f : a.manifest().files()) {
            assertNotEquals(f.blob(), file(b, f.path()).blob(), f.path());
        }
    }

    @Test
    void format1StillSealsAndOpens() throws IOException {
        Path blobs = tmp.resolve("blobs");
        SealedBundle s;
        try (BundleInput in = BundleInput.open(site)) {
            s = BundleSealer.seal(in, request("1.4.0", 1), blobs, 1, BundleSealer.Progress.NONE);
        }
        assertEquals(1, s.manifest().version());
        assertEquals(1, ReleaseVerifier.verify(s.envelope(), trust).formatVersion());
        assertTrue(new String(s.envelope(), StandardCharsets.UTF_8).contains("\"patchbay-release/1\""));
        BundleOpener.open(s.envelope(), blobs, trust, contentKey, tmp.resolve("out"));
        assertSameTree(site, tmp.resolve("out"));
    }

    @Test
    void aDeflateStreamThatIsLongerThanTheManifestSaysTruncatedOrTrailedIsRefused() throws IOException {
        byte[] key = FileBlobs.convergentKey(contentKey);
        byte[] plain = "abcdefgh".repeat(10_000).getBytes(StandardCharsets.US_ASCII);
        Map<String, byte[]> written = new java.util.HashMap<>();
        FileBlobs.Sealed sealed = FileBlobs.seal(key, "a.js", () -> new ByteArrayInputStream(plain), w -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BlobRef ref = w.write(out);
            written.put(ref.sha256(), out.toByteArray());
            return ref;
        }, new BlobCipher.Encryptor());
        Manifest.File f = sealed.file();
        byte[] blob = written.get(f.blob());
        assertEquals(plain.length, open(f, blob, key).length);
        Manifest.File smaller = new Manifest.File(f.path(), f.size() - 1, f.sha256(), f.blob(), f.codec(),
                f.blobLength());
        assertTrue(assertThrows(CryptoException.class, () -> open(smaller, blob, key)).getMessage()
                .contains("more than its manifest size"));
        // a deflate stream cut short, re-encrypted validly: only the codec can notice
        byte[] salt = FileBlobs.salt(key, FileCodec.DEFLATE, new byte[32]);
        java.util.zip.Deflater def = new java.util.zip.Deflater(9, true);
        def.setInput(plain);
        def.finish();
        byte[] buf = new byte[plain.length];
        int n = def.deflate(buf);
        def.end();
        for (byte[] stream : List.of(java.util.Arrays.copyOf(buf, n / 2), concat(java.util.Arrays.copyOf(buf, n),
                new byte[] {1, 2, 3}))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BlobRef ref = new BlobCipher.Encryptor().encryptConvergent(key, salt, new ByteArrayInputStream(stream),
                    out);
            Manifest.File g = new Manifest.File("a.js", plain.length, f.sha256(), ref.sha256(), FileCodec.DEFLATE,
                    ref.length());
            CryptoException e = assertThrows(CryptoException.class, () -> open(g, out.toByteArray(), key));
            assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("follows the end"),
                    e.getMessage());
        }
    }

    @Test
    void oneThreadSealsTheSameFileTwiceToTheSameBlob() throws IOException {
        byte[] key = FileBlobs.convergentKey(contentKey);
        BlobCipher.Encryptor encryptor = new BlobCipher.Encryptor();
        byte[] plain = "same text\n".repeat(1000).getBytes(StandardCharsets.US_ASCII);
        List<BlobRef> refs = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) { // the JDK's GCM refuses a repeated key and nonce on one Cipher instance
            refs.add(FileBlobs.seal(key, "a.txt", () -> new ByteArrayInputStream(plain),
                    w -> w.write(new ByteArrayOutputStream()), encryptor).blob());
        }
        assertEquals(refs.get(0), refs.get(1));
    }

    static byte[] open(Manifest.File f, byte[] blob, byte[] key) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FileBlobs.open(2, f, f.blobRef(), null, key, new ByteArrayInputStream(blob), out, "file " + f.path());
        return out.toByteArray();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().startsWith(".")).toList();
        }
    }
}
