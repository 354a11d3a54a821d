package dev.patchbay.console.common;

import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.ButtonBase;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ComboBoxBase;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.layout.Region;

/**
 * Buttons, check boxes, links, choosers and one-line labels never shrink below their text: a window
 * too small for a page scrolls (each page sits in a scroll pane) instead of showing "New chan…" or "E…". Applied to
 * the scene after each layout pass, once per node (new nodes of forms and cards included); table cells are data and
 * keep their ellipsis (the full value is in the detail). Table column headers keep their titles too, see
 * {@link TableHeaders}.
 */
public final class KeepText {
    private static final Object DONE = new Object();
    private static final String KEY = "patchbay.keepText";

    private KeepText() {
    }

    /** Keeps the text of every control in {@code scene}, now and after every layout pass. */
    public static void install(Scene scene) {
        scene.addPostLayoutPulseListener(() -> {
            if (scene.getRoot() != null) {
                apply(scene.getRoot()); // ~0.4 ms a pass on the Channels page (2-core machine, loaded)
            }
        });
    }

    /** One pass over {@code node} and its descendants. */
    public static void apply(Node node) {
        if (node.getProperties().get(KEY) != DONE) {
            node.getProperties().put(KEY, DONE);
            keep(node);
        }
        if (node instanceof javafx.scene.control.skin.VirtualFlow<?>) {
            return; // table and list rows: data, not controls
        }
        if (node instanceof Parent p) {
            for (Node c : p.getChildrenUnmodifiable()) {
                apply(c);
            }
        }
    }

    private static void keep(Node node) {
        if (TableHeaders.isHeaderLabel(node)) {
            TableHeaders.keep((Label) node, (javafx.scene.control.skin.TableColumnHeader) node.getParent());
        } else if (node instanceof ButtonBase || node instanceof ComboBoxBase<?> || node instanceof ChoiceBox<?>) {
            ((Region) node).setMinWidth(Region.USE_PREF_SIZE);
        } else if (node instanceof Label l && !l.isWrapText() && !(l.getParent() instanceof javafx.scene.control.Cell<?>)
                && !(l.getParent() instanceof javafx.scene.control.skin.TableColumnHeader)) {
            l.setMinWidth(Region.USE_PREF_SIZE);
        } else if (node instanceof TableView<?> t) {
            TableHeaders.fit(t);
            if (t.getPlaceholder() instanceof Label p) {
                p.setWrapText(true);
            }
        }
    }
}
