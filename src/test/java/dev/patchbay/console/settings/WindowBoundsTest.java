package dev.patchbay.console.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import javafx.geometry.Rectangle2D;
import org.junit.jupiter.api.Test;

class WindowBoundsTest {
    private static final Rectangle2D LEFT = new Rectangle2D(0, 0, 1920, 1080);
    private static final Rectangle2D RIGHT = new Rectangle2D(1920, 0, 1280, 1024);

    @Test
    void boundsOnAScreenStay() {
        WindowBounds b = new WindowBounds(2000, 100, 1000, 700, false);
        assertEquals(b, b.clampedTo(List.of(LEFT, RIGHT)));
    }

    @Test
    void aWindowOnAnUnpluggedScreenIsCentredOnTheFirst() {
        WindowBounds b = new WindowBounds(4000, 100, 1000, 700, true).clampedTo(List.of(LEFT));
        assertEquals(new WindowBounds(460, 190, 1000, 700, true), b);
    }

    @Test
    void aWindowLargerThanItsScreenShrinksAndMovesInside() {
        WindowBounds b = new WindowBounds(1900, -50, 3000, 2000, false).clampedTo(List.of(LEFT, RIGHT));
        assertEquals(new WindowBounds(0, 0, 1920, 1080, false), b);
    }
}
