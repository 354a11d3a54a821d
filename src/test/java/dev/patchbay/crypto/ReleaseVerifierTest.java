package dev.patchbay.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReleaseVerifierTest {
    static final String APP = "com.example.shop";
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    final byte[] root = Ed25519.generatePrivateKey();
    final byte[] release = Ed25519.generatePrivateKey();
    final byte[] contentKey = new byte[32];
    final ReleaseCert cert = ReleaseCert.create(APP, Ed25519.publicKey(release), T0, T0.plus(Duration.ofDays(730)),
            root);
    final TrustRoot trust = TrustRoot.create(APP, Ed25519.publicKey(root), KeyIds.ofContentKey(contentKey))
            .withCert(cert);

    static BlobRef blob(char c, long length) {
        return new BlobRef(String.valueOf(c).repeat(64), length);
    }

    ReleaseSigner.Release meta(Instant createdAt) {
        return new ReleaseSigner.Release(APP, "1.4.0", 7, "1.0.0", null, createdAt,
                KeyIds.ofContentKey(contentKey), Codec.b64(new byte[60]), blob('f', 812), "e".repeat(64),
                List.of(blob('b', 100), blob('a', 36)));
    }

    byte[] envelope() {
        return ReleaseSigner.sign(meta(T0.plus(Duration.ofDays(1))), release, cert);
    }

    static CryptoException rejected(byte[] env, TrustRoot trust) {
        return assertThrows(CryptoException.class, () -> ReleaseVerifier.verify(env, trust));
    }

    static byte[] replace(byte[] env, String from, String to) {
        String s = new String(env, StandardCharsets.UTF_8);
        assertTrue(s.contains(from), from);
        return s.replaceFirst(java.util.regex.Pattern.quote(from), to).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aSignedReleaseVerifies() {
        VerifiedRelease v = ReleaseVerifier.verify(envelope(), trust);
        assertEquals(APP, v.appId());
        assertEquals("1.4.0", v.version());
        assertEquals(7, v.sequence());
        assertEquals("1.0.0", v.nativeMin());
        assertNull(v.nativeMax());
        assertEquals(cert.keyId(), v.releaseKeyId());
        assertEquals(List.of(blob('a', 36), blob('b', 100)), v.blobs());
        assertEquals(blob('f', 812), v.manifest());
        assertEquals(812 + 136, v.totalLength());
        // the trust root needs no release certificate: the envelope carries it (devices know only the root)
        TrustRoot rootOnly = TrustRoot.create(APP, Ed25519.publicKey(root), null);
        assertEquals("1.4.0", ReleaseVerifier.verify(envelope(), rootOnly).version());
    }

    @Test
    void modifiedMetadataIsRejected() {
        CryptoException e = rejected(replace(envelope(), "\"1.4.0\"", "\"1.4.1\""), trust);
        assertTrue(e.getMessage().contains("release metadata or its signature was modified"), e.getMessage());
        e = rejected(replace(envelope(), "\"sequence\":7", "\"sequence\":8"), trust);
        assertTrue(e.getMessage().contains("was modified"), e.getMessage());
    }

    @Test
    void modifiedSignatureIsRejected() {
        String env = new String(envelope(), StandardCharsets.UTF_8);
        int at = env.indexOf("\"value\":\"", env.lastIndexOf("\"signature\":{\"alg\"")) + 9 + 10;
        char c = env.charAt(at);
        String flipped = env.substring(0, at) + (c == 'A' ? 'B' : 'A') + env.substring(at + 1);
        CryptoException e = rejected(flipped.getBytes(StandardCharsets.UTF_8), trust);
        assertTrue(e.getMessage().contains("signature by release key " + cert.keyId() + " is invalid"),
                e.getMessage());
    }

    @Test
    void modifiedCertificateIsRejected() {
        String later = Fields.format(T0.plus(Duration.ofDays(3000)));
        CryptoException e = rejected(replace(envelope(), Fields.format(cert.notAfter()), later), trust);
        assertTrue(e.getMessage().startsWith("Signed by release key " + cert.keyId().substring(0, 8)
                + "… which the app's trust root did not certify"), e.getMessage());
    }

    @Test
    void aKeyCertifiedByAnotherRootNeverVerifies() {
        byte[] otherRoot = Ed25519.generatePrivateKey();
        byte[] rogue = Ed25519.generatePrivateKey();
        ReleaseCert rogueCert = ReleaseCert.create(APP, Ed25519.publicKey(rogue), T0, T0.plus(Duration.ofDays(9)),
                otherRoot);
        byte[] env = ReleaseSigner.sign(meta(T0.plus(Duration.ofDays(1))), rogue, rogueCert);
        CryptoException e = rejected(env, trust);
        assertTrue(e.getMessage().contains("which the app's trust root did not certify"), e.getMessage());
        assertThrows(CryptoException.class, () -> trust.withCert(rogueCert));
    }

    @Test
    void appIdsMustAgree() {
        TrustRoot other = TrustRoot.create("com.example.other", Ed25519.publicKey(root), null);
        CryptoException e = rejected(envelope(), other);
        assertTrue(e.getMessage().contains("certificate is for app com.example.shop, not com.example.other"),
                e.getMessage());
        ReleaseSigner.Release m = meta(T0.plus(Duration.ofDays(1)));
        ObjectNode json = ReleaseSigner.releaseJson(m, cert.keyId());
        json.put("appId", "com.example.other");
        e = rejected(ReleaseSigner.sign(json, release, cert), trust);
        assertTrue(e.getMessage().contains("The release is for app com.example.other"), e.getMessage());
    }

    @Test
    void rotationOverlapThenRetirement() {
        Instant rotatedAt = T0.plus(Duration.ofDays(100));
        Instant retireAt = rotatedAt.plus(Duration.ofDays(30));
        // rotation: a new key, and the old one re-certified to end at retireAt
        byte[] newKey = Ed25519.generatePrivateKey();
        ReleaseCert newCert = ReleaseCert.create(APP, Ed25519.publicKey(newKey), rotatedAt,
                rotatedAt.plus(Duration.ofDays(730)), root);
        ReleaseCert oldCert = ReleaseCert.create(APP, Ed25519.publicKey(release), T0, retireAt, root);
        TrustRoot rotated = trust.withCert(newCert).withCert(oldCert);
        assertEquals(2, rotated.releaseCerts().size());
        assertEquals(retireAt, TrustRoot.parse(rotated.toBytes()).cert(cert.keyId()).orElseThrow().notAfter());

        byte[] oldDuringOverlap = ReleaseSigner.sign(meta(rotatedAt.plus(Duration.ofDays(1))), release, oldCert);
        byte[] newOne = ReleaseSigner.sign(meta(rotatedAt.plus(Duration.ofDays(1))), newKey, newCert);
        ReleaseVerifier.verify(oldDuringOverlap, rotated);
        ReleaseVerifier.verify(newOne, rotated);
        ReleaseVerifier.verify(oldDuringOverlap, rotated, rotatedAt.plus(Duration.ofDays(2)));

        byte[] oldAfter = ReleaseSigner.sign(meta(retireAt.plusSeconds(1)), release, oldCert);
        CryptoException e = rejected(oldAfter, rotated);
        assertTrue(e.getMessage().contains("outside the validity of release key " + cert.keyId()), e.getMessage());
        // the original, longer certificate is superseded by the trust root's shorter one
        byte[] oldWithLongCert = ReleaseSigner.sign(meta(retireAt.plusSeconds(1)), release, cert);
        e = rejected(oldWithLongCert, rotated);
        assertTrue(e.getMessage().contains("the trust root now gives release key"), e.getMessage());
        // a back-dated release from a retired key is refused when "now" is checked
        e = assertThrows(CryptoException.class, () -> ReleaseVerifier.verify(oldDuringOverlap, rotated,
                retireAt.plusSeconds(60)));
        assertTrue(e.getMessage().contains("expired") || e.getMessage().contains("retired"), e.getMessage());
        ReleaseVerifier.verify(newOne, rotated, retireAt.plusSeconds(60));
    }

    @Test
    void createdAtBeforeTheCertificateIsRejected() {
        byte[] env = ReleaseSigner.sign(meta(T0.minusSeconds(1)), release, cert);
        assertTrue(rejected(env, trust).getMessage().contains("outside the validity"));
    }

    @Test
    void unknownFormatsAndAlgorithmsAreRejected() {
        ObjectNode json = ReleaseSigner.releaseJson(meta(T0.plusSeconds(5)), cert.keyId());
        json.put("format", "patchbay-release/9");
        CryptoException e = rejected(ReleaseSigner.sign(json, release, cert), trust);
        assertTrue(e.getMessage().contains("release.format is \"patchbay-release/9\""), e.getMessage());
        e = rejected(replace(envelope(), "\"alg\":\"Ed25519\"", "\"alg\":\"ES256\""), trust);
        assertTrue(e.getMessage().contains("ES256"), e.getMessage());
        e = rejected(replace(envelope(), ReleaseCert.FORMAT, "patchbay-release-cert/9"), trust);
        assertTrue(e.getMessage().contains("envelope.certificate.cert.format"), e.getMessage());
    }

    @Test
    void blobListsMustBeSortedUniqueAndWellFormed() {
        ObjectNode json = ReleaseSigner.releaseJson(meta(T0.plusSeconds(5)), cert.keyId());
        com.fasterxml.jackson.databind.node.ArrayNode blobs = json.putArray("blobs");
        blobs.addObject().put("sha256", "b".repeat(64)).put("length", 1);
        blobs.addObject().put("sha256", "a".repeat(64)).put("length", 1);
        assertTrue(rejected(ReleaseSigner.sign(json, release, cert), trust).getMessage().contains("not sorted"));
        blobs.removeAll();
        blobs.addObject().put("sha256", "a".repeat(64)).put("length", 1);
        blobs.addObject().put("sha256", "a".repeat(64)).put("length", 1);
        assertTrue(rejected(ReleaseSigner.sign(json, release, cert), trust).getMessage().contains("duplicate"));
        blobs.removeAll();
        blobs.addObject().put("sha256", "A".repeat(64)).put("length", 1);
        assertTrue(rejected(ReleaseSigner.sign(json, release, cert), trust).getMessage().contains("hex"));
        blobs.removeAll();
        blobs.addObject().put("sha256", "a".repeat(64)).put("length", -1);
        assertTrue(rejected(ReleaseSigner.sign(json, release, cert), trust).getMessage().contains("out of range"));
        blobs.removeAll();
        blobs.addObject().put("sha256", "a".repeat(64)).put("length", 1.5);
        assertThrows(CryptoException.class, () -> ReleaseSigner.sign(json, release, cert));
    }

    @Test
    void contentKeyMustMatchTheTrustRoot() {
        TrustRoot otherContent = TrustRoot.create(APP, Ed25519.publicKey(root), "0123456789abcdef");
        assertTrue(rejected(envelope(), otherContent).getMessage().contains("content key"));
    }

    @Test
    void junkIsRejectedWithAMessage() {
        assertTrue(rejected(new byte[0], trust).getMessage().contains("empty"));
        assertTrue(rejected("not json".getBytes(StandardCharsets.UTF_8), trust).getMessage()
                .contains("not valid JSON"));
        assertTrue(rejected("[]".getBytes(StandardCharsets.UTF_8), trust).getMessage().contains("not a JSON object"));
        assertTrue(rejected("{}".getBytes(StandardCharsets.UTF_8), trust).getMessage().contains("envelope.release"));
    }

    @Test
    void trustJsonRoundTripsAndRefusesTampering() {
        TrustRoot back = TrustRoot.parse(trust.toBytes());
        assertEquals(trust.appId(), back.appId());
        assertEquals(trust.rootKeyId(), back.rootKeyId());
        assertEquals(trust.contentKeyId(), back.contentKeyId());
        assertEquals(trust.releaseCerts(), back.releaseCerts());
        String text = new String(trust.toBytes(), StandardCharsets.UTF_8);
        String tampered = text.replace(Fields.format(cert.notAfter()), Fields.format(T0.plus(Duration.ofDays(5000))));
        CryptoException e = assertThrows(CryptoException.class,
                () -> TrustRoot.parse(tampered.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("invalid signature"), e.getMessage());
    }
}
