package dev.patchbay.console;

import static dev.patchbay.console.FxLookups.label;
import static dev.patchbay.console.FxLookups.onFx;
import static dev.patchbay.console.FxLookups.waitUntil;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.client.PatchbayClient;
import dev.patchbay.domain.ChannelDraft;
import dev.patchbay.domain.Platform;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Labeled;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.scene.text.Text;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Every page is usable at the default window size (1100×720) and at 1280×720: with an app, its keys and a channel,
 * each page is shown at both sizes, and no visible button, label, check box, link or chooser may show its text cut
 * with an ellipsis, and no table column header may show its title cut (ellipsis, or a title wider than its label).
 * Also writes a screenshot of every page at the default size to {@code target/screenshots/}.
 */
class PageLayoutTest extends ConsoleUserPath {
    private static final List<String> PAGES = List.of("connections", "apps", "channels", "bundles", "keys",
            "emulator", "devices", "overview", "activity");
    private static final String APP = "com.example.shop";

    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
    }

    @Test
    void noPageCutsTheTextOfItsControlsAtTheDefaultSizeOrAt1280x720(FxRobot robot) throws Exception {
        launchOnSandbox(robot, fastKeyOptions());
        PatchbayClient client = app.connection().session().client();
        client.createApp(APP, "Shop");
        client.createChannel(APP, ChannelDraft.named("production").withDefaultFor(Set.of(Platform.ANDROID)));
        robot.clickOn("#nav-apps");
        robot.clickOn("#app-refresh");
        waitUntil(() -> FxLookups.table(robot, "#apps-table").getItems().size() == 1);
        Path shots = Path.of("target", "screenshots");
        Files.createDirectories(shots);

        List<String> cut = new ArrayList<>();
        for (double[] size : new double[][] {{1100, 720}, {1280, 720}}) {
            robot.interact(() -> {
                Stage window = (Stage) robot.lookup("#main-window").query().getScene().getWindow();
                window.setWidth(size[0]);
                window.setHeight(size[1]);
            });
            for (String page : PAGES) {
                robot.clickOn("#nav-" + page);
                WaitForAsyncUtils.sleep(200, TimeUnit.MILLISECONDS);
                WaitForAsyncUtils.waitForFxEvents();
                Node root = robot.lookup("#main-window").query();
                List<String> found = onFx(() -> truncated(root));
                found.forEach(f -> cut.add((int) size[0] + "×" + (int) size[1] + " " + page + ": " + f));
                if (size[0] == 1100) {
                    WritableImage image = onFx(() -> root.getScene().snapshot(null));
                    ImageIO.write(toAwt(image), "png", shots.resolve(page + ".png").toFile());
                }
                if (page.equals("channels")) {
                    // A disabled danger button (Delete, nothing selected) has no red fill: it must not look live.
                    javafx.scene.control.Button delete = robot.lookup("#channel-delete").queryButton();
                    boolean red = onFx(() -> delete.isDisabled() && delete.getBackground() != null
                            && delete.getBackground().getFills().stream().anyMatch(f -> f.getFill()
                            instanceof javafx.scene.paint.Color c && c.getRed() > c.getGreen() + 0.2));
                    if (red) {
                        cut.add(page + ": the disabled Delete button is filled red");
                    }
                    // A shortened header title names the column in full on hover.
                    String gateTip = onFx(() -> robot.lookup("#channels-table .column-header .label").queryAll().stream()
                            .map(n -> (javafx.scene.control.Label) n).filter(l -> "Gate".equals(l.getText()))
                            .map(l -> l.getTooltip() == null ? null : l.getTooltip().getText()).findFirst().orElse(null));
                    if (!"Update gate".equals(gateTip)) {
                        cut.add(page + ": the \"Gate\" header's tooltip is " + gateTip + ", not \"Update gate\"");
                    }
                    // The side form: its Save button on screen, its texts whole.
                    robot.clickOn("#channel-new");
                    WaitForAsyncUtils.sleep(200, TimeUnit.MILLISECONDS);
                    WaitForAsyncUtils.waitForFxEvents();
                    onFx(() -> truncated(root)).forEach(f -> cut.add((int) size[0] + "×" + (int) size[1]
                            + " channel form: " + f));
                    Bounds save = onFx(() -> robot.lookup("#channel-save").query()
                            .localToScene(robot.lookup("#channel-save").query().getLayoutBounds()));
                    Bounds scene = onFx(() -> root.localToScene(root.getLayoutBounds()));
                    if (save.getMaxX() > scene.getMaxX() || save.getMaxY() > scene.getMaxY()) {
                        cut.add((int) size[0] + "×" + (int) size[1] + " channel form: Save at " + save
                                + " outside the window " + scene);
                    }
                    if (size[0] == 1100) {
                        WritableImage image = onFx(() -> root.getScene().snapshot(null));
                        ImageIO.write(toAwt(image), "png", shots.resolve("channels-form.png").toFile());
                    }
                    robot.clickOn("#channel-cancel");
                }
            }
        }
        // The primary stage is shared with the tests that follow: leave it at the default size.
        robot.interact(() -> {
            Stage window = (Stage) robot.lookup("#main-window").query().getScene().getWindow();
            window.setWidth(1100);
            window.setHeight(720);
        });
        assertTrue(cut.isEmpty(), "Text cut with an ellipsis:\n" + String.join("\n", cut));
    }

    /** Visible labeled controls whose shown text is an ellipsised form of their text. */
    static List<String> truncated(Node root) {
        List<String> out = new ArrayList<>();
        Bounds window = root.localToScene(root.getLayoutBounds());
        walk(root, n -> {
            if (n instanceof Labeled l && l.getParent() instanceof javafx.scene.control.skin.TableColumnHeader) {
                headerCut(l, window).ifPresent(out::add);
            } else if (n instanceof Labeled l && !inRows(l)
                    && l.getText() != null && !l.getText().isEmpty() && shown(l)) {
                for (Node child : l.getChildrenUnmodifiable()) {
                    if (child instanceof Text t && t.isVisible()) {
                        String shown = t.getText();
                        String ellipsis = l.getEllipsisString();
                        if (shown != null && !shown.equals(l.getText()) && !ellipsis.isEmpty()
                                && shown.endsWith(ellipsis) && !l.getText().endsWith(ellipsis)) {
                            Bounds b = l.localToScene(l.getLayoutBounds());
                            if (b.getMinX() < window.getMaxX() && b.getMinY() < window.getMaxY()) {
                                out.add(describe(l) + " \"" + l.getText() + "\" shown as \"" + shown + "\"");
                            }
                        }
                    }
                }
            }
        });
        return out;
    }

    /**
     * A table column header's title is cut when its shown text is ellipsised or the whole title is wider than the room
     * the label gives it. Headers of hidden tables, or scrolled out of the window, are not judged.
     */
    private static java.util.Optional<String> headerCut(Labeled l, Bounds window) {
        String title = l.getText();
        if (title == null || title.isEmpty() || !shown(l)) {
            return java.util.Optional.empty();
        }
        Bounds b = l.localToScene(l.getLayoutBounds());
        if (b.getWidth() <= 0 || b.getMinX() >= window.getMaxX() || b.getMinY() >= window.getMaxY()) {
            return java.util.Optional.empty();
        }
        String shownText = title;
        for (Node child : l.getChildrenUnmodifiable()) {
            if (child instanceof Text t && t.isVisible()) {
                shownText = t.getText();
            }
        }
        Text whole = new Text(title);
        whole.setFont(l.getFont());
        double need = whole.getLayoutBounds().getWidth();
        double room = l.getWidth() - l.snappedLeftInset() - l.snappedRightInset();
        String ellipsis = l.getEllipsisString();
        boolean cut = (!ellipsis.isEmpty() && shownText != null && shownText.endsWith(ellipsis)
                && !title.endsWith(ellipsis)) || need > room + 0.5;
        return cut ? java.util.Optional.of("column header in #" + tableId(l) + " \"" + title + "\" shown as \""
                + shownText + "\" (needs " + Math.round(need) + " px, has " + Math.round(room) + ")")
                : java.util.Optional.empty();
    }

    private static String tableId(Node n) {
        for (Node p = n; p != null; p = p.getParent()) {
            if (p instanceof javafx.scene.control.TableView<?> t) {
                return t.getId();
            }
        }
        return "?";
    }

    /** Table and list rows hold data (the detail shows it in full); choosers' button cells are controls. */
    private static boolean inRows(Node n) {
        for (Node p = n; p != null; p = p.getParent()) {
            if (p instanceof javafx.scene.control.skin.VirtualFlow<?>) {
                return true;
            }
        }
        return false;
    }

    private static boolean shown(Node n) {
        for (Node p = n; p != null; p = p.getParent()) {
            if (!p.isVisible()) {
                return false;
            }
        }
        return true;
    }

    private static String describe(Labeled l) {
        String id = l.getId();
        Node p = l;
        while (id == null && p.getParent() != null) {
            p = p.getParent();
            id = p.getId();
        }
        return l.getClass().getSimpleName() + (l.getId() != null ? "#" + l.getId() : " in #" + id);
    }

    private static void walk(Node n, java.util.function.Consumer<Node> visit) {
        visit.accept(n);
        if (n instanceof Parent p) {
            for (Node c : p.getChildrenUnmodifiable()) {
                walk(c, visit);
            }
        }
    }

    private static BufferedImage toAwt(WritableImage image) {
        int w = (int) image.getWidth();
        int h = (int) image.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        PixelReader r = image.getPixelReader();
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            r.getPixels(0, y, w, 1, javafx.scene.image.PixelFormat.getIntArgbInstance(), row, 0, w);
            out.setRGB(0, y, w, 1, row, 0, w);
        }
        return out;
    }
}
