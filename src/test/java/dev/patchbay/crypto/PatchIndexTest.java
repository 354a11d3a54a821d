package dev.patchbay.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The signed patch list of a release (bundle-format §5.4): sealing with bases lists patches in an encrypted index that
 * the release signs; the index and the release field are parsed strictly; the base candidates of a file.
 */
class PatchIndexTest extends SealFixture {
    SealedBundle sealWithBases(Path input, Path blobs, String version, long sequence, PatchBases bases, int format)
            throws IOException {
        try (BundleInput in = BundleInput.open(input)) {
            return BundleSealer.seal(in, request(version, sequence), blobs, format, BundleSealer.Progress.NONE, bases);
        }
    }

    @Test
    void aReleaseSignsItsPatchesAndTheirIndexOpensWithTheDataKey() throws IOException {
        Path blobs = tmp.resolve("blobs");
        byte[] oldApp = Files.readAllBytes(site.resolve("assets/app.js"));
        Files.writeString(site.resolve("assets/app.js"), Files.readString(site.resolve("assets/app.js"))
                .replaceFirst("console", "window.console") + "\nconsole.log('v2');\n");
        String oldSha = Codec.hex(KeyIds.sha256(oldApp));
        PatchBases bases = file -> file.path().equals("assets/app.js")
                ? List.of(new PatchBases.Base(oldSha, oldApp.length, () -> oldApp)) : List.of();
        SealedBundle s = sealWithBases(site, blobs, "1.1.0", 2, bases, 2);
        assertNotNull(s.patches());
        assertEquals(1, s.patchIndex().patches().size());
        PatchIndex.Entry e = s.patchIndex().patches().get(0);
        assertEquals(oldSha, e.base());
        assertTrue(e.blobRef().length() < 200, e.toString());

        VerifiedRelease r = ReleaseVerifier.verify(s.envelope(), trust);
        assertEquals(s.patches(), r.patches());
        assertEquals(List.of(e.blobRef()), r.patchBlobs());
        byte[] dataKey = DataKeys.unwrap(contentKey, r.wrappedDataKey(), APP, "1.1.0");
        PatchIndex read = BundleOpener.readPatchIndex(r, ref -> {
            try {
                return Files.readAllBytes(blobs.resolve(ref.sha256()));
            } catch (IOException x) {
                throw new AssertionError(x);
            }
        }, dataKey);
        assertEquals(s.patchIndex(), read);
        assertTrue(s.uploadBlobs().contains(s.patches().index()) && s.uploadBlobs().contains(e.blobRef()));
        // the release still opens whole, as a runtime that ignores patches does
        BundleOpener.open(s.envelope(), blobs, trust, contentKey, tmp.resolve("out"));
        assertTrue(Files.readString(tmp.resolve("out/assets/app.js")).endsWith("console.log('v2');\n"));

        // format 1 has no patches; a base that gives no smaller patch is not kept
        assertNull(sealWithBases(site, tmp.resolve("b1"), "1.2.0", 3, bases, 1).patches());
        byte[] unrelated = new byte[oldApp.length];
        new java.util.Random(1).nextBytes(unrelated);
        assertNull(sealWithBases(site, tmp.resolve("b2"), "1.3.0", 4, file -> file.path().equals("assets/app.js")
                ? List.of(new PatchBases.Base(Codec.hex(KeyIds.sha256(unrelated)), unrelated.length,
                () -> unrelated)) : List.of(), 2).patches());
    }

    @Test
    void theIndexMustUseExactlyTheSignedBlobsInOrder() {
        String a = "a".repeat(64);
        String b = "b".repeat(64);
        String c = "c".repeat(64);
        PatchIndex.Entry one = new PatchIndex.Entry(a, 10, b, 20, c, 100, c);
        PatchIndex index = new PatchIndex(List.of(one));
        List<BlobRef> signed = List.of(one.blobRef());
        assertEquals(index, PatchIndex.parse(index.toBytes(), signed));
        assertTrue(assertThrows(CryptoException.class, () -> PatchIndex.parse(index.toBytes(), List.of()))
                .getMessage().contains("does not sign"));
        assertTrue(assertThrows(CryptoException.class, () -> PatchIndex.parse(index.toBytes(),
                List.of(one.blobRef(), new BlobRef(a, 5)))).getMessage().contains("signs 2 patch blobs"));
        assertTrue(assertThrows(CryptoException.class, () -> PatchIndex.parse(index.toBytes(),
                List.of(new BlobRef(c, 7)))).getMessage().contains("does not sign"));
        byte[] self = new String(index.toBytes(), java.nio.charset.StandardCharsets.UTF_8)
                .replace("\"base\":\"" + a, "\"base\":\"" + b).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(assertThrows(CryptoException.class, () -> PatchIndex.parse(self, signed)).getMessage()
                .contains("into itself"));
        String twice = "{\"format\":\"patchbay-patches/1\",\"patches\":[" + entry(one) + "," + entry(one) + "]}";
        assertTrue(assertThrows(CryptoException.class, () -> PatchIndex.parse(twice.getBytes(
                java.nio.charset.StandardCharsets.UTF_8), signed)).getMessage().contains("not sorted"));
    }

    private static String entry(PatchIndex.Entry e) {
        String json = new String(new PatchIndex(List.of(e)).toBytes(), java.nio.charset.StandardCharsets.UTF_8);
        return json.substring(json.indexOf('[') + 1, json.lastIndexOf(']'));
    }

    @Test
    void basesAreTheSamePathOrTheSameNameWithoutItsBuildHash() {
        assertEquals(PatchBases.stem("assets/index-4f3a9c1b.js"), PatchBases.stem("assets/index-77d0e2aa.js"));
        assertEquals(PatchBases.stem("assets/vendor.8c1d2e3f.chunk.js"), PatchBases.stem("assets/vendor.0a9b8c7d.chunk.js"));
        assertTrue(!PatchBases.stem("assets/index-4f3a9c1b.js").equals(PatchBases.stem("assets/admin-4f3a9c1b.js")));
        assertEquals("swagger-ui-bundle.js", PatchBases.stem("swagger-ui-bundle.js"));
        String h = "0".repeat(64);
        Manifest older = new Manifest(2, List.of(
                new Manifest.File("assets/index-11111111.js", 1000, "1".repeat(64), h, FileCodec.DEFLATE, 500),
                new Manifest.File("assets/index-22222222.js", 5000, "2".repeat(64), h, FileCodec.DEFLATE, 900),
                new Manifest.File("index.html", 300, "3".repeat(64), h, FileCodec.NONE, BlobCipher.blobLength(300))));
        Manifest.File target = new Manifest.File("assets/index-33333333.js", 4800, "4".repeat(64), h,
                FileCodec.DEFLATE, 880);
        assertEquals(List.of(older.files().get(1)), PatchBases.candidates(older, target), "closest in size");
        Manifest.File html = new Manifest.File("index.html", 310, "5".repeat(64), h, FileCodec.NONE,
                BlobCipher.blobLength(310));
        assertEquals(List.of(older.files().get(2)), PatchBases.candidates(older, html), "same path");
        Manifest.File held = new Manifest.File("copy.html", 300, "3".repeat(64), h, FileCodec.NONE,
                BlobCipher.blobLength(300));
        assertEquals(List.of(), PatchBases.candidates(older, held), "the older release has this content");
    }
}
