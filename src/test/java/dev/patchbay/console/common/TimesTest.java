package dev.patchbay.console.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** One time rule (ADR 0106): local time for reading, the UTC instant for hovering and copying. */
class TimesTest {
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final Instant AT = Instant.parse("2026-12-07T16:05:09.123Z");

    @Test
    void localTimeTodayOrWithTheDate() {
        assertEquals("17:05:09", Times.format(AT, BERLIN, AT.plusSeconds(60)));
        assertEquals("2026-12-07 17:05", Times.format(AT, BERLIN, AT.plusSeconds(86_400)));
        assertEquals("2026-12-07 17:05:09 (2026-12-07T16:05:09Z)", Times.withUtc(AT, BERLIN));
        assertEquals("2026-12-07T16:05:09Z", Times.utc(AT));
    }

    @Test
    void serverInstantsInsideTextBecomeLocal() {
        String detail = "expiresAt=2026-12-07T16:05:09.123456Z -> 2027-01-01T00:00Z, id=2026-12-07T16:05:09Zx";
        assertEquals("expiresAt=2026-12-07 17:05:09 -> 2027-01-01 01:00:00, id=2026-12-07T16:05:09Zx",
                Times.local(detail, BERLIN, false));
        assertEquals("at 2026-12-07 17:05:09 (2026-12-07T16:05:09Z).",
                Times.local("at 2026-12-07T16:05:09Z.", BERLIN, true));
        assertEquals("no time here", Times.local("no time here", BERLIN, false));
    }
}
