package dev.patchbay.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SemVerTest {
    @Test
    void precedenceFollowsSemver2() {
        List<String> ordered = List.of("1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
                "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.10.0", "2.0.0");
        for (int i = 0; i + 1 < ordered.size(); i++) {
            assertTrue(SemVer.compareStrict(ordered.get(i), ordered.get(i + 1)) < 0, ordered.get(i));
        }
        assertEquals(0, SemVer.compareStrict("1.4.0+build.7", "1.4.0"));
    }

    @Test
    void nativeVersionsMayBeShortOnlyWhenLenient() {
        assertEquals(SemVer.parse("1.4.0"), SemVer.parse("1.4"));
        assertEquals(SemVer.parse("1.0.0"), SemVer.parse("1"));
        assertNull(SemVer.parseStrict("1.4"));
        assertNull(SemVer.parse("1.4.x"));
        assertNull(SemVer.parse(null));
        assertThrows(IllegalArgumentException.class, () -> SemVer.compareStrict("1.4", "1.4.0"));
    }
}
