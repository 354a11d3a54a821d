package dev.patchbay.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.domain.ValidationException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class PrimitivesTest {
    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void canonicalJsonKnownAnswer() {
        JsonNode node = CanonicalJson.parse(utf8("{ \"b\" : 1, \"a\": [true, null, \"\\u0001\\u00e9\\n\\\"\\\\/\"],"
                + " \"\\u20ac\": -42, \"\\ud83d\\ude00\": {}, \"A\": \"\\u007f\", \"\\uffff\": 0 }"), "test");
        // keys by code point: "A" (0x41) < "a" < "b" < U+20AC < U+FFFF < U+1F600 (a UTF-16 sort would put U+1F600 first
        // of the last three); control characters as \\u00xx, everything else literal UTF-8.
        String expected = "{\"A\":\"\u007f\",\"a\":[true,null,\"\\u0001\u00e9\\n\\\"\\\\/\"],\"b\":1,"
                + "\"\u20ac\":-42,\"\uffff\":0,\"\ud83d\ude00\":{}}";
        assertEquals(expected, CanonicalJson.string(node));
        assertArrayEquals(utf8(expected), CanonicalJson.bytes(node));
    }

    @Test
    void canonicalJsonRefusesFloatsHugeIntegersDuplicatesAndTrailingData() {
        assertThrows(CryptoException.class, () -> CanonicalJson.bytes(CanonicalJson.parse(utf8("{\"a\":1.0}"), "t")));
        assertThrows(CryptoException.class, () -> CanonicalJson.bytes(CanonicalJson.parse(utf8("[1e3]"), "t")));
        assertThrows(CryptoException.class,
                () -> CanonicalJson.bytes(CanonicalJson.parse(utf8("[9007199254740993]"), "t")));
        CryptoException dup = assertThrows(CryptoException.class,
                () -> CanonicalJson.parse(utf8("{\"a\":1,\"a\":2}"), "release.json"));
        assertTrue(dup.getMessage().startsWith("release.json is not valid JSON"), dup.getMessage());
        assertThrows(CryptoException.class, () -> CanonicalJson.parse(utf8("{} {}"), "t"));
        assertThrows(CryptoException.class, () -> CanonicalJson.parse(utf8(""), "t"));
        assertEquals("[9007199254740991]",
                CanonicalJson.string(CanonicalJson.parse(utf8("[9007199254740991]"), "t")));
    }

    @Test
    void ed25519Rfc8032Vector1() {
        HexFormat hex = HexFormat.of();
        byte[] seed = hex.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        byte[] pub = hex.parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        byte[] sig = hex.parseHex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bac"
                + "c61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
        assertArrayEquals(pub, Ed25519.publicKey(seed));
        assertArrayEquals(sig, Ed25519.sign(seed, new byte[0]));
        assertTrue(Ed25519.verify(pub, new byte[0], sig));
        sig[5] ^= 1;
        assertFalse(Ed25519.verify(pub, new byte[0], sig));
        assertFalse(Ed25519.verify(pub, new byte[0], new byte[3]));
    }

    @Test
    void generatedKeysSignAndVerify() {
        byte[] key = Ed25519.generatePrivateKey();
        byte[] pub = Ed25519.publicKey(key);
        byte[] msg = utf8("hello");
        assertTrue(Ed25519.verify(pub, msg, Ed25519.sign(key, msg)));
        assertFalse(Ed25519.verify(Ed25519.publicKey(Ed25519.generatePrivateKey()), msg, Ed25519.sign(key, msg)));
    }

    @Test
    void keyIdsFollowTheSpec() {
        byte[] pub = HexFormat.of().parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        String id = KeyIds.ofPublicKey(pub);
        assertEquals(Codec.hex(KeyIds.sha256(pub)).substring(0, 16), id);
        assertTrue(KeyIds.isKeyId(id));
        byte[] content = new byte[32];
        byte[] prefixed = new byte[23 + 32];
        System.arraycopy(utf8("patchbay-content-key-id"), 0, prefixed, 0, 23);
        assertEquals(Codec.hex(KeyIds.sha256(prefixed)).substring(0, 16), KeyIds.ofContentKey(content));
        assertThrows(CryptoException.class, () -> KeyIds.ofContentKey(new byte[16]));
    }

    @Test
    void codecsAreStrict() {
        assertEquals("AQID", Codec.b64(new byte[] {1, 2, 3}));
        assertArrayEquals(new byte[] {1, 2, 3}, Codec.unb64("AQID", 3, "x"));
        assertThrows(CryptoException.class, () -> Codec.unb64("AQI=", "x"));
        assertThrows(CryptoException.class, () -> Codec.unb64("AQ+/", "x"));
        assertThrows(CryptoException.class, () -> Codec.unb64("AQID", 4, "x"));
        assertThrows(ValidationException.class, () -> new BlobRef("ABC", 1));
        assertThrows(ValidationException.class, () -> new BlobRef("a".repeat(64), -1));
    }
}
