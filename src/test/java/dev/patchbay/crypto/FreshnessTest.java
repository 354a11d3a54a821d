package dev.patchbay.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FreshnessTest {
    static final String APP = "com.example.shop";
    static final String DEVICE = "3f1c2a64-9e4b-4b7e-8d1f-2a9c0e6b7d10";
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    final byte[] root = Ed25519.generatePrivateKey();
    final byte[] server = Ed25519.generatePrivateKey();
    final FreshnessCert cert = FreshnessCert.create(APP, Ed25519.publicKey(server), T0,
            T0.plus(Duration.ofDays(365)), root);
    final FreshnessStatement.ReleaseRef ref = new FreshnessStatement.ReleaseRef("1.4.0", 7, "a".repeat(64));

    FreshnessStatement statement(String nonce, Instant at) {
        return FreshnessStatement.create(APP, DEVICE, nonce, "production", FreshnessStatement.Outcome.UPDATE, ref,
                at, Duration.ofMinutes(10), server);
    }

    FreshnessStatement verify(JsonNode st, JsonNode c, String nonce) {
        return FreshnessStatement.verify(st, c, Ed25519.publicKey(root), APP, DEVICE, nonce);
    }

    @Test
    void aStatementForThisRequestVerifiesWithoutTheDeviceClock() {
        Instant at = T0.plus(Duration.ofDays(3));
        FreshnessStatement fs = verify(statement("n-1", at).toJson(), cert.toJson(), "n-1");
        assertEquals(FreshnessStatement.Outcome.UPDATE, fs.outcome());
        assertEquals(ref, fs.release());
        assertEquals("production", fs.channel());
        assertEquals(at, fs.issuedAt());
        assertEquals(at.plus(Duration.ofMinutes(10)), fs.expiresAt());
        // Round trip through bytes keeps it verifiable.
        JsonNode parsed = CanonicalJson.parse(CanonicalJson.bytes(fs.toJson()), "statement");
        verify(parsed, FreshnessCert.parse(cert.toBytes()).toJson(), "n-1");
    }

    @Test
    void aReplayedStatementIsRefused() {
        CryptoException e = assertThrows(CryptoException.class,
                () -> verify(statement("old", T0.plus(Duration.ofDays(1))).toJson(), cert.toJson(), "new"));
        assertTrue(e.getMessage().contains("replayed"), e.getMessage());
    }

    @Test
    void tamperingAndForeignKeysAreRefused() {
        ObjectNode st = statement("n", T0.plus(Duration.ofDays(1))).toJson();
        ((ObjectNode) st.get("statement")).put("channel", "beta");
        assertThrows(CryptoException.class, () -> verify(st, cert.toJson(), "n"));

        byte[] otherRoot = Ed25519.generatePrivateKey();
        FreshnessCert foreign = FreshnessCert.create(APP, Ed25519.publicKey(server), T0, T0.plus(Duration.ofDays(9)),
                otherRoot);
        assertThrows(CryptoException.class,
                () -> verify(statement("n", T0.plus(Duration.ofDays(1))).toJson(), foreign.toJson(), "n"));

        FreshnessCert otherApp = FreshnessCert.create("com.other", Ed25519.publicKey(server), T0,
                T0.plus(Duration.ofDays(9)), root);
        assertThrows(CryptoException.class,
                () -> verify(statement("n", T0.plus(Duration.ofDays(1))).toJson(), otherApp.toJson(), "n"));

        byte[] rogue = Ed25519.generatePrivateKey();
        FreshnessStatement forged = FreshnessStatement.create(APP, DEVICE, "n", "production",
                FreshnessStatement.Outcome.UPDATE, ref, T0.plus(Duration.ofDays(1)), Duration.ofMinutes(5), rogue);
        assertThrows(CryptoException.class, () -> verify(forged.toJson(), cert.toJson(), "n"));
    }

    @Test
    void statementsOutsideTheCertOrTooLongAreRefused() {
        assertThrows(CryptoException.class,
                () -> verify(statement("n", T0.minus(Duration.ofDays(1))).toJson(), cert.toJson(), "n"));
        FreshnessStatement longLived = FreshnessStatement.create(APP, DEVICE, "n", null,
                FreshnessStatement.Outcome.UP_TO_DATE, null, T0.plus(Duration.ofDays(1)), Duration.ofDays(2), server);
        assertThrows(CryptoException.class, () -> verify(longLived.toJson(), cert.toJson(), "n"));
    }

    @Test
    void theStatementBindsTheReleaseDigest() {
        byte[] env = "{\"release\":{\"b\":1,\"a\":\"x\"},\"signature\":{}}".getBytes();
        String digest = FreshnessStatement.releaseDigest(env);
        FreshnessStatement fs = FreshnessStatement.create(APP, DEVICE, "n", "production",
                FreshnessStatement.Outcome.UPDATE, new FreshnessStatement.ReleaseRef("1.4.0", 7, digest),
                T0.plus(Duration.ofDays(1)), Duration.ofMinutes(5), server);
        fs.requireRelease(env);
        byte[] other = "{\"release\":{\"b\":2,\"a\":\"x\"},\"signature\":{}}".getBytes();
        assertThrows(CryptoException.class, () -> fs.requireRelease(other));
    }
}
