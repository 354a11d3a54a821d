package dev.patchbay.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RolloutBucketTest {
    static final int DEVICES = 100_000;
    static final String ROLLOUT = "6f1c2a64-9e4b-4b7e-8d1f-2a9c0e6b7d10";

    static List<String> devices() {
        Random random = new Random(42);
        List<String> ids = new ArrayList<>(DEVICES);
        for (int i = 0; i < DEVICES; i++) {
            ids.add(new UUID(random.nextLong(), random.nextLong()).toString());
        }
        return ids;
    }

    static Set<String> selected(List<String> ids, String rollout, int bps) {
        Set<String> out = new HashSet<>();
        for (String id : ids) {
            if (RolloutBucket.selected(rollout, id, bps)) {
                out.add(id);
            }
        }
        return out;
    }

    @Test
    void theSelectedShareIsWithinHalfAPointOfTheTarget() {
        List<String> ids = devices();
        for (int bps : new int[] {100, 1_000, 2_500, 5_000, 9_000}) {
            double share = 100.0 * selected(ids, ROLLOUT, bps).size() / DEVICES;
            assertEquals(bps / 100.0, share, 0.5, "share at " + bps + " bps");
        }
        assertTrue(selected(ids, ROLLOUT, 0).isEmpty());
        assertEquals(DEVICES, selected(ids, ROLLOUT, RolloutBucket.FULL).size());
    }

    @Test
    void raisingOnlyAddsAndLoweringRemovesTheMostRecentlyAdded() {
        List<String> ids = devices();
        Set<String> at1 = selected(ids, ROLLOUT, 100);
        Set<String> at10 = selected(ids, ROLLOUT, 1_000);
        Set<String> at50 = selected(ids, ROLLOUT, 5_000);
        assertTrue(at10.containsAll(at1));
        assertTrue(at50.containsAll(at10));
        // Lowering 50 % -> 10 % removes exactly the devices the raise 10 % -> 50 % added: those at 10 % stay.
        Set<String> lowered = selected(ids, ROLLOUT, 1_000);
        assertEquals(at10, lowered);
    }

    @Test
    void stickyPerRolloutAndIndependentAcrossRollouts() {
        List<String> ids = devices().subList(0, 10_000);
        for (String id : ids) {
            assertEquals(RolloutBucket.of(ROLLOUT, id), RolloutBucket.of(ROLLOUT, id));
        }
        // Another rollout picks another 10 %: the overlap is about 10 % of 10 % (no device is always first).
        Set<String> a = selected(ids, ROLLOUT, 1_000);
        Set<String> b = selected(ids, "another-rollout", 1_000);
        a.retainAll(b);
        assertTrue(a.size() > 50 && a.size() < 200, "overlap " + a.size());
        assertFalse(RolloutBucket.of(ROLLOUT, "d") < 0);
        assertThrows(IllegalArgumentException.class, () -> RolloutBucket.selected(ROLLOUT, "d", 10_001));
    }
}
