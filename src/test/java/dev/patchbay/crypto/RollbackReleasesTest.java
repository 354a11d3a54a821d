package dev.patchbay.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RollbackReleasesTest {
    static final String APP = "com.example.shop";
    static final char[] PASS = "correct horse".toCharArray();

    @TempDir
    Path tmp;
    AppKeys keys;
    Path blobs;
    SealedBundle stable;
    Instant now;

    @BeforeEach
    void sealStable() throws IOException {
        keys = AppKeys.create(APP, tmp.resolve("keys"), PASS, KeyFileOptions.FAST);
        now = Instant.now().plusSeconds(2).truncatedTo(ChronoUnit.SECONDS); // within the new key's validity
        Path site = tmp.resolve("site");
        Files.createDirectories(site.resolve("assets"));
        Files.writeString(site.resolve("index.html"), "<html><body>stable 1.4.0</body></html>");
        Files.writeString(site.resolve("assets/app.js"), "console.log('1.4.0');".repeat(5000));
        blobs = tmp.resolve("blobs");
        try (BundleInput in = BundleInput.open(site)) {
            stable = BundleSealer.seal(in, BundleSealer.Request.of(keys, "1.4.0", 7, "1.0.0", "1.9.9"), blobs);
        }
    }

    @AfterEach
    void close() {
        keys.close();
    }

    @Test
    void theRollbackReleaseVerifiesAndOpensToTheStableFiles() throws IOException {
        byte[] rollback = RollbackReleases.build(stable.envelope(), keys, 12, now);

        VerifiedRelease r = ReleaseVerifier.verify(rollback, keys.trust(), now);
        VerifiedRelease s = ReleaseVerifier.verify(stable.envelope(), keys.trust());
        assertEquals("1.4.0+rollback.12", r.version());
        assertEquals(12, r.sequence());
        assertEquals(now, r.createdAt());
        assertEquals(APP, r.appId());
        assertEquals(s.manifest(), r.manifest());
        assertEquals(s.manifestPlainSha256(), r.manifestPlainSha256());
        assertEquals(s.blobs(), r.blobs());
        assertEquals("1.0.0", r.nativeMin());
        assertEquals("1.9.9", r.nativeMax());
        assertNotEquals(s.wrappedDataKey(), r.wrappedDataKey(), "the data key is wrapped again");
        assertEquals(keys.releaseKeyId(), r.releaseKeyId());

        Path a = tmp.resolve("open-stable");
        Path b = tmp.resolve("open-rollback");
        BundleOpener.open(stable.envelope(), blobs, keys.trust(), keys.contentKey(), a);
        BundleOpener.Opened opened = BundleOpener.open(rollback, blobs, keys.trust(), keys.contentKey(), b);
        assertEquals("1.4.0+rollback.12", opened.release().version());
        SealOpenTest.assertSameTree(a, b);
        SealOpenTest.assertSameTree(tmp.resolve("site"), b);
    }

    @Test
    void theStableWrapDoesNotOpenUnderTheNewVersion() {
        // Why the data key is re-wrapped: the wrap's AAD binds the version, so reusing it would not open.
        VerifiedRelease s = ReleaseVerifier.verify(stable.envelope(), keys.trust());
        CryptoException e = assertThrows(CryptoException.class,
                () -> DataKeys.unwrap(keys.contentKey(), s.wrappedDataKey(), APP, "1.4.0+rollback.12"));
        assertTrue(e.getMessage().contains("cannot be unwrapped"), e.getMessage());
    }

    @Test
    void aStableReleaseOfAnotherAppIsRefused() throws IOException {
        try (AppKeys other = AppKeys.create("com.example.other", tmp.resolve("other"), PASS, KeyFileOptions.FAST)) {
            CryptoException e = assertThrows(CryptoException.class,
                    () -> RollbackReleases.build(stable.envelope(), other, 12, now));
            assertEquals("The stable release 1.4.0 is of app com.example.shop, not com.example.other: use the keys"
                    + " of the app being rolled out", e.getMessage());
        }
    }

    @Test
    void aStableReleaseOfAnotherContentKeyIsRefused() {
        try (AppKeys other = AppKeys.create(APP, tmp.resolve("other"), PASS, KeyFileOptions.FAST)) {
            CryptoException e = assertThrows(CryptoException.class,
                    () -> RollbackReleases.build(stable.envelope(), other, 12, now));
            assertTrue(e.getMessage().startsWith("The stable release 1.4.0 is encrypted for content key "
                    + keys.contentKeyId() + ", not the content key of these keys (" + other.contentKeyId() + ")"),
                    e.getMessage());
        }
    }

    @Test
    void aStableReleaseSignedByAnotherRootIsRefused() {
        // Same app and content key, but the release key is certified by a root the keys do not trust.
        byte[] otherRoot = Ed25519.generatePrivateKey();
        byte[] otherRelease = Ed25519.generatePrivateKey();
        ReleaseCert cert = ReleaseCert.create(APP, Ed25519.publicKey(otherRelease), now.minusSeconds(60),
                now.plusSeconds(86_400), otherRoot);
        VerifiedRelease s = ReleaseVerifier.verify(stable.envelope(), keys.trust());
        byte[] forged = ReleaseSigner.sign(new ReleaseSigner.Release(APP, "1.4.0", 7, null, null, now,
                s.contentKeyId(), s.wrappedDataKey(), s.manifest(), s.manifestPlainSha256(), s.blobs()),
                otherRelease, cert);
        CryptoException e = assertThrows(CryptoException.class,
                () -> RollbackReleases.build(forged, keys, 12, now));
        assertTrue(e.getMessage().startsWith("The stable release does not verify against the app's trust root: "),
                e.getMessage());
    }

    @Test
    void aTamperedStableReleaseIsRefused() {
        ObjectNode env = (ObjectNode) CanonicalJson.parse(stable.envelope(), "envelope");
        ((ObjectNode) env.get("release")).put("nativeMax", "9.9.9");
        CryptoException e = assertThrows(CryptoException.class,
                () -> RollbackReleases.build(CanonicalJson.bytes(env), keys, 12, now));
        assertTrue(e.getMessage().contains("signature by release key " + keys.releaseKeyId() + " is invalid"),
                e.getMessage());
    }

    @Test
    void aTamperedRollbackReleaseDoesNotVerify() {
        byte[] rollback = RollbackReleases.build(stable.envelope(), keys, 12, now);
        ObjectNode env = (ObjectNode) CanonicalJson.parse(rollback, "envelope");
        ((ObjectNode) env.get("release")).put("sequence", 99);
        assertThrows(CryptoException.class, () -> ReleaseVerifier.verify(CanonicalJson.bytes(env), keys.trust()));
    }

    @Test
    void theSequenceMustBeAboveTheStableOne() {
        CryptoException e = assertThrows(CryptoException.class,
                () -> RollbackReleases.build(stable.envelope(), keys, 7, now));
        assertEquals("The rollback release's sequence 7 must be above the stable release's 7", e.getMessage());
    }

    @Test
    void aRollbackOfARollbackReleaseReplacesTheSuffix() {
        byte[] first = RollbackReleases.build(stable.envelope(), keys, 12, now);
        byte[] second = RollbackReleases.build(first, keys, 20, now);
        assertEquals("1.4.0+rollback.20", ReleaseVerifier.verify(second, keys.trust()).version());
    }

    @Test
    void versions() {
        assertEquals("1.4.0+rollback.9", RollbackReleases.versionFor("1.4.0", 9));
        assertEquals("2.0.0-beta.1+rollback.9", RollbackReleases.versionFor("2.0.0-beta.1", 9));
        assertEquals("1.4.0+b5.rollback.9", RollbackReleases.versionFor("1.4.0+b5", 9));
        assertEquals("1.4.0+rollback.9", RollbackReleases.versionFor("1.4.0+rollback.3", 9));
        assertEquals("1.4.0+b5.rollback.9", RollbackReleases.versionFor("1.4.0+b5.rollback.3", 9));
        assertEquals(0, dev.patchbay.domain.SemVer.compareStrict("1.4.0", "1.4.0+rollback.9"));
    }
}
