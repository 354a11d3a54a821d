package dev.patchbay.console.common;

import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableColumnBase;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.control.skin.TableColumnHeader;
import javafx.scene.layout.Region;

/**
 * Table column headers show their titles whole, for every table of the console (applied by {@link KeepText}):
 * <ul>
 *   <li>each column's minimum width is the width its header needs for its title (padding and sort arrow included),
 *       so a constrained table can no longer squeeze a header to "Defaul…";</li>
 *   <li>a table fills its width (constrained, the last column takes the rest) while all those minimums fit, and
 *       scrolls sideways (unconstrained) when they do not, e.g. the Channels table beside its form at 1100 px;</li>
 *   <li>a column may carry a short title with its full name as the header's tooltip ({@link #shortTitle}).</li>
 * </ul>
 * All of it runs on the FX thread from the post-layout pass: measuring a label and setting widths, nothing else.
 */
public final class TableHeaders {
    private static final String FULL_NAME = "patchbay.header.fullName";
    private static final String FITTED = "patchbay.header.fitted";
    /** Room kept for the sort arrow beside a title, so sorting a column never cuts its title. */
    private static final double SORT_ARROW = 14;
    /** The vertical scroll bar may take this much of the table's width. */
    private static final double SCROLL_BAR = 16;

    private TableHeaders() {
    }

    /** Gives {@code column} the short {@code title} and its {@code fullName} as the header's tooltip. */
    public static <S, T> TableColumn<S, T> shortTitle(TableColumn<S, T> column, String title, String fullName) {
        column.setText(title);
        column.getProperties().put(FULL_NAME, fullName);
        return column;
    }

    /**
     * Makes {@code table} switch between filling its width and scrolling sideways as its columns' minimum widths
     * fit or not. Idempotent.
     */
    public static void fit(TableView<?> table) {
        if (table.getProperties().put(FITTED, Boolean.TRUE) != null) {
            return;
        }
        table.widthProperty().addListener((obs, old, now) -> choosePolicy(table));
        choosePolicy(table);
    }

    /** The header label of a column seen in a layout pass: its column keeps room for the whole title. */
    static void keep(Label label, TableColumnHeader header) {
        TableColumnBase<?, ?> column = header.getTableColumn();
        if (column == null || label.getText() == null || label.getText().isEmpty()) {
            return;
        }
        label.setMinWidth(Region.USE_PREF_SIZE);
        Object fullName = column.getProperties().get(FULL_NAME);
        if (fullName != null && label.getTooltip() == null) {
            label.setTooltip(new Tooltip(fullName.toString()));
        }
        double need = Math.ceil(label.prefWidth(-1) + header.snappedLeftInset() + header.snappedRightInset()
                + SORT_ARROW);
        if (column.getMinWidth() < need) {
            column.setMinWidth(need);
            if (column.getPrefWidth() < need) {
                column.setPrefWidth(need);
            }
            if (column instanceof TableColumn<?, ?> c && c.getTableView() != null) {
                choosePolicy(c.getTableView());
            }
        }
    }

    private static void choosePolicy(TableView<?> table) {
        if (table.getWidth() <= 0) {
            return;
        }
        double need = table.snappedLeftInset() + table.snappedRightInset() + SCROLL_BAR;
        for (TableColumn<?, ?> c : table.getVisibleLeafColumns()) {
            need += c.getMinWidth();
        }
        boolean fits = need <= table.getWidth();
        if (fits && table.getColumnResizePolicy() != TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN) {
            table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        } else if (!fits && table.getColumnResizePolicy() != TableView.UNCONSTRAINED_RESIZE_POLICY) {
            table.setColumnResizePolicy(TableView.UNCONSTRAINED_RESIZE_POLICY);
        }
    }

    /** Whether {@code node} is the title label of a column header. */
    static boolean isHeaderLabel(Node node) {
        return node instanceof Label && node.getParent() instanceof TableColumnHeader;
    }
}
