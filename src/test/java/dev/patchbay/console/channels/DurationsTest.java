package dev.patchbay.console.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Durations for reading ("23 h 58 min", not "86307s") and for the forms ("1h"). */
class DurationsTest {
    @Test
    void humanDurationsReadAsAPersonSaysThem() {
        assertEquals("23 h 58 min", Durations.human(86_307));
        assertEquals("1 d", Durations.human(86_400));
        assertEquals("2 d 3 h", Durations.human(2 * 86_400 + 3 * 3600 + 59));
        assertEquals("1 h", Durations.human(3600));
        assertEquals("1 min 30 s", Durations.human(90));
        assertEquals("45 s", Durations.human(45));
        assertEquals("0 s", Durations.human(-5));
        assertEquals("1h", Durations.text(3600));
    }
}
