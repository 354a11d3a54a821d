package dev.patchbay.console.settings;

import java.util.List;
import javafx.geometry.Rectangle2D;

/** Where the main window was. */
public record WindowBounds(double x, double y, double width, double height, boolean maximized) {
    public static final double MIN_WIDTH = 640;
    public static final double MIN_HEIGHT = 420;

    /**
     * These bounds moved and shrunk so that the window lies on one of {@code screens} (a monitor may have been
     * unplugged since); centred on the first screen if it overlaps none.
     */
    public WindowBounds clampedTo(List<Rectangle2D> screens) {
        if (screens.isEmpty()) {
            return this;
        }
        Rectangle2D target = screens.get(0);
        boolean centre = true;
        for (Rectangle2D s : screens) {
            if (s.intersects(x, y, Math.max(width, 1), Math.max(height, 1))) {
                target = s;
                centre = false;
                break;
            }
        }
        double w = Math.max(Math.min(width, target.getWidth()), Math.min(MIN_WIDTH, target.getWidth()));
        double h = Math.max(Math.min(height, target.getHeight()), Math.min(MIN_HEIGHT, target.getHeight()));
        double nx = centre ? target.getMinX() + (target.getWidth() - w) / 2 : x;
        double ny = centre ? target.getMinY() + (target.getHeight() - h) / 2 : y;
        nx = Math.max(target.getMinX(), Math.min(nx, target.getMaxX() - w));
        ny = Math.max(target.getMinY(), Math.min(ny, target.getMaxY() - h));
        return new WindowBounds(nx, ny, w, h, maximized);
    }
}
