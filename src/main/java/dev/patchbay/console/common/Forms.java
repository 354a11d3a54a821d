package dev.patchbay.console.common;

import atlantafx.base.theme.Styles;
import javafx.beans.value.ObservableStringValue;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.Ikon;
import org.kordamp.ikonli.javafx.FontIcon;

/** Small builders the views share, so forms and toolbars look alike. */
public final class Forms {
    private Forms() {
    }

    /** A label, the control, and an error line under it (id {@code <control id>-error}) shown when the error is set. */
    public static VBox field(String label, Node control, ObservableStringValue error) {
        Label title = new Label(label);
        title.setLabelFor(control);
        Label errorLabel = new Label();
        errorLabel.setId(control.getId() + "-error");
        errorLabel.setWrapText(true);
        errorLabel.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.DANGER);
        errorLabel.textProperty().bind(error);
        errorLabel.visibleProperty().bind(errorLabel.textProperty().isNotEmpty());
        errorLabel.managedProperty().bind(errorLabel.visibleProperty());
        error.addListener((obs, old, now) -> control.pseudoClassStateChanged(Styles.STATE_DANGER, now != null && !now.isEmpty()));
        VBox box = new VBox(4, title, control, errorLabel);
        return box;
    }

    /** A toolbar button with an icon and a tooltip naming its shortcut. */
    public static Button button(String id, String text, Ikon icon, String tooltip) {
        Button b = new Button(text, new FontIcon(icon));
        b.setId(id);
        b.setTooltip(new Tooltip(tooltip));
        b.setMnemonicParsing(false);
        return b;
    }

    /** A line of text that hides itself when empty. */
    public static Label message(String id, ObservableStringValue text, String... styles) {
        Label l = new Label();
        l.setId(id);
        l.setWrapText(true);
        l.getStyleClass().addAll(styles);
        l.textProperty().bind(text);
        l.visibleProperty().bind(l.textProperty().isNotEmpty());
        l.managedProperty().bind(l.visibleProperty());
        return l;
    }
}
