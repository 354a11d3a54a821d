package dev.patchbay.server.compat.capgo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.server.http.ApiRequest;
import dev.patchbay.server.http.ApiResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The compat routes' 429s: what the plugin needs to back off (Retry-After), per client address and under load. */
class CapgoGateTest {
    static ApiRequest from(String address) {
        return new ApiRequest("POST", "/compat/capgo/updates", Map.of(), Map.of(), new byte[0], null,
                h -> ApiRequest.CLIENT_ADDRESS.equals(h) ? address : null, null, 0);
    }

    @Test
    void unknownAppRequestsAreCountedPerAddressPerMinute() {
        AtomicLong now = new AtomicLong(1_000_000);
        CapgoGate gate = new CapgoGate(1, 1, now::get);
        for (int i = 0; i < CapgoGate.UNKNOWN_PER_MINUTE; i++) {
            assertNull(gate.unknownApp(from("10.0.0.1")));
        }
        now.addAndGet(20_000);
        ApiResponse limited = gate.unknownApp(from("10.0.0.1"));
        assertNotNull(limited);
        assertEquals(429, limited.status());
        assertEquals("40", limited.headers().get("Retry-After"), "until the address's minute ends");
        assertNull(gate.unknownApp(from("10.0.0.2")), "another address has its own count");
        now.addAndGet(40_000);
        assertNull(gate.unknownApp(from("10.0.0.1")), "a new minute");
    }

    @Test
    void overloadIsA429WithRetryAfterAndKindFailed() {
        CapgoGate gate = new CapgoGate(1, 1, System::currentTimeMillis);
        assertTrue(gate.checks().tryAcquire());
        assertFalse(gate.checks().tryAcquire(), "the second concurrent check is turned away");
        ApiResponse busy = CapgoGate.busy();
        assertEquals(429, busy.status());
        assertEquals(String.valueOf(CapgoGate.RETRY_AFTER_SECONDS), busy.headers().get("Retry-After"));
        @SuppressWarnings("unchecked")
        Map<String, Object> body = (Map<String, Object>) busy.body();
        assertEquals("failed", body.get("kind"));
        assertEquals("too_many_requests", body.get("error"));
    }
}
