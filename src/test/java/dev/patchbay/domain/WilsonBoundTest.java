package dev.patchbay.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WilsonBoundTest {
    @Test
    void knownValues() {
        assertEquals(1.959964, WilsonBound.z(0.95), 1e-5);
        assertEquals(2.575829, WilsonBound.z(0.99), 1e-5);
        // 20 failures of 100 at 95 %: Wilson interval [0.1333, 0.2888].
        assertEquals(0.1333, WilsonBound.lower(20, 100, 0.95), 1e-4);
        // 1 failure of 10: [0.0179, 0.4042].
        assertEquals(0.0179, WilsonBound.lower(1, 10, 0.95), 1e-4);
        assertEquals(0.0, WilsonBound.lower(0, 1000, 0.95), 1e-12);
        assertEquals(0.0, WilsonBound.lower(0, 0, 0.95), 1e-12);
    }

    @Test
    void moreEvidenceRaisesTheBoundTowardsTheObservedRate() {
        double few = WilsonBound.lower(2, 10, 0.95);
        double many = WilsonBound.lower(200, 1000, 0.95);
        assertTrue(few < many && many < 0.2, few + " " + many);
    }

    @Test
    void nonsenseIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> WilsonBound.lower(5, 4, 0.95));
        assertThrows(IllegalArgumentException.class, () -> WilsonBound.lower(-1, 4, 0.95));
        assertThrows(IllegalArgumentException.class, () -> WilsonBound.lower(1, 4, 1.0));
    }
}
