package dev.patchbay.domain.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.patchbay.domain.Json;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The discarded reports of a reading, as the CLI and the console's rollout panel say them (ADR 0094). */
class HealthReadingTest {
    static HealthReading reading(Map<String, Long> discarded) {
        return new HealthReading(Instant.EPOCH, 0, 0, 0, 0, 0.05, HealthVerdict.INSUFFICIENT, "r", discarded);
    }

    @Test
    void discardedReportsInWords() {
        assertEquals("", reading(null).discardedSummary());
        assertEquals("60 reports not counted: 60 from devices never offered the target",
                reading(Map.of("not_offered", 60L)).discardedSummary());
        assertEquals("11 reports not counted: 10 over their network address's share of devices, 1 from devices never"
                + " offered the target", reading(Map.of("not_offered", 1L, "address_limit", 10L)).discardedSummary());
        assertEquals("1 report not counted: 1 new reason", reading(Map.of("new_reason", 1L)).discardedSummary());
    }

    @Test
    void readingsStoredBeforeDiscardsWereCountedStillRead() throws Exception {
        HealthReading old = Json.mapper().readValue("{\"at\":\"2026-11-22T18:00:00Z\",\"attempts\":3,\"failures\":1,"
                + "\"rate\":0.33,\"lowerBound\":0.1,\"threshold\":0.05,\"verdict\":\"healthy\",\"reason\":\"r\"}",
                HealthReading.class);
        assertEquals(Map.of(), old.discarded());
        assertEquals(0, old.discardedTotal());
    }
}
