package dev.patchbay.console;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.Labeled;
import javafx.scene.control.TableView;
import org.testfx.api.FxRobot;
import org.testfx.service.query.EmptyNodeQueryException;
import org.testfx.util.WaitForAsyncUtils;

/** Lookups and waits the console's headless UI tests share: reads on the FX thread, polling until a page shows. */
final class FxLookups {
    private FxLookups() {
    }

    /** Runs {@code work} on the FX thread and returns its result (5 s at most). */
    static <T> T onFx(Callable<T> work) throws Exception {
        return WaitForAsyncUtils.asyncFx(work).get(5, TimeUnit.SECONDS);
    }

    /** Polls {@code condition} on the FX thread for up to 25 s; a node not there yet (a page still switching) is false. */
    static void waitUntil(Callable<Boolean> condition) throws Exception {
        WaitForAsyncUtils.waitFor(25, TimeUnit.SECONDS, () -> {
            WaitForAsyncUtils.waitForFxEvents();
            try {
                return onFx(condition);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof EmptyNodeQueryException) {
                    return false;
                }
                throw e;
            }
        });
    }

    /** Scrolls the scroll pane that holds {@code query} (nearest enclosing one) so the node is in view. */
    static void reveal(FxRobot robot, String query) {
        robot.interact(() -> {
            Node n = robot.lookup(query).query();
            Node p = n.getParent();
            while (p != null && !(p instanceof javafx.scene.control.ScrollPane)) {
                p = p.getParent();
            }
            if (p instanceof javafx.scene.control.ScrollPane sp && sp.getContent() != null) {
                Node content = sp.getContent();
                javafx.geometry.Bounds b = content.sceneToLocal(n.localToScene(n.getBoundsInLocal()));
                double room = content.getBoundsInLocal().getHeight() - sp.getViewportBounds().getHeight();
                if (room > 0) {
                    sp.setVvalue(Math.max(0, Math.min(1, (b.getMinY() - 20) / room)));
                }
            }
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    static TableView<?> table(FxRobot robot, String id) {
        return robot.lookup(id).queryAs(TableView.class);
    }

    static Label label(FxRobot robot, String id) {
        return robot.lookup(id).queryAs(Label.class);
    }

    /** The list cell (a combo box's popup, for one) showing {@code text}, once it is there. */
    static Node listCell(FxRobot robot, String text) throws Exception {
        waitUntil(() -> robot.lookup(".list-cell").match((Node n) -> n instanceof Labeled l
                && text.equals(l.getText())).tryQuery().isPresent());
        return robot.lookup(".list-cell").match((Node n) -> n instanceof Labeled l && text.equals(l.getText()))
                .query();
    }
}
