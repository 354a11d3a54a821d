package dev.patchbay.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The rightmost-untrusted-hop rule of {@link TrustedProxies} (ADR 0096). */
class TrustedProxiesTest {
    final TrustedProxies proxies = TrustedProxies.parse("10.0.0.0/8, 192.168.1.7,fd00::/8");

    @Test
    void theRightmostHopThatIsNotAProxyIsTheClient() {
        // Client 198.51.100.4 -> proxy 10.1.1.1 -> proxy 10.2.2.2 (the peer); the left entry is forged.
        assertEquals("198.51.100.4", proxies.clientAddress("10.2.2.2",
                List.of("1.2.3.4, 198.51.100.4", "10.1.1.1")));
        assertEquals("198.51.100.4", proxies.clientAddress("192.168.1.7", List.of("198.51.100.4:5123")));
        assertEquals("2001:db8:0:0:0:0:0:1", proxies.clientAddress("fd00::1", List.of("[2001:db8::1]:443")));
    }

    @Test
    void anUntrustedPeerOrAJunkHeaderNeverPicksTheAddress() {
        assertEquals("203.0.113.9", proxies.clientAddress("203.0.113.9", List.of("1.2.3.4")));
        assertEquals("10.2.2.2", proxies.clientAddress("10.2.2.2", List.of("1.2.3.4, unknown")));
        assertEquals("10.2.2.2", proxies.clientAddress("10.2.2.2", List.of()));
        // Only proxies in the chain: the leftmost proxy is the best we know.
        assertEquals("10.1.1.1", proxies.clientAddress("10.2.2.2", List.of("10.1.1.1")));
        assertEquals("1.2.3.4", TrustedProxies.NONE.clientAddress("1.2.3.4", List.of("5.6.7.8")));
    }

    @Test
    void blocksAreCheckedBitByBit() {
        TrustedProxies p = TrustedProxies.parse("172.16.0.0/12");
        assertTrue(p.trusts("172.31.255.255"));
        assertFalse(p.trusts("172.32.0.0"));
        assertTrue(TrustedProxies.parse("::1").trusts("[::1]"));
        assertFalse(p.trusts("not-an-address"));
    }

    @Test
    void aBadEntryIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrustedProxies.parse("10.0.0.0/8,proxy.example.com"));
        assertTrue(e.getMessage().contains("proxy.example.com"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse("300.1.1.1"));
    }
}
