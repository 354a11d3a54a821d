package dev.patchbay.console.common;

import java.util.Optional;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.scene.control.Alert;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.VBox;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.stage.Window;

/** The one place the console asks the user something in a dialog (a seam, so views stay thin). */
public final class Dialogs {
    private Dialogs() {
    }

    /** Asks to confirm a destructive action; the confirm button is labelled {@code action} and has id {@code confirm-button}
     * ({@code cancel-button}, the default, says no). */
    public static boolean confirm(Window owner, String title, String text, String action) {
        ButtonType confirm = new ButtonType(action, ButtonBar.ButtonData.OK_DONE);
        Alert alert = new Alert(Alert.AlertType.CONFIRMATION, text, confirm, ButtonType.CANCEL);
        alert.initOwner(owner);
        alert.setTitle(title);
        alert.setHeaderText(title);
        ((Button) alert.getDialogPane().lookupButton(confirm)).setId("confirm-button");
        ((Button) alert.getDialogPane().lookupButton(ButtonType.CANCEL)).setId("cancel-button");
        ((Button) alert.getDialogPane().lookupButton(ButtonType.CANCEL)).setDefaultButton(true);
        ((Button) alert.getDialogPane().lookupButton(confirm)).setDefaultButton(false);
        return alert.showAndWait().filter(confirm::equals).isPresent();
    }

    /**
     * Asks to confirm an action and say why (the reason goes to the audit log). The reason field has id
     * {@code reason-field}; the confirm button ({@code confirm-button}, Enter) stays disabled while it is blank;
     * {@code cancel-button} (Esc) says no. Answers the reason, stripped, or empty when cancelled.
     */
    public static Optional<String> confirmWithReason(Window owner, String title, String text, String action) {
        Dialog<String> dialog = new Dialog<>();
        dialog.initOwner(owner);
        dialog.setTitle(title);
        dialog.setHeaderText(title);
        ButtonType confirm = new ButtonType(action, ButtonBar.ButtonData.OK_DONE);
        dialog.getDialogPane().getButtonTypes().addAll(confirm, ButtonType.CANCEL);
        Label explain = new Label(text);
        explain.setId("confirm-text");
        explain.setWrapText(true);
        explain.setMaxWidth(460);
        TextField reason = new TextField();
        reason.setId("reason-field");
        reason.setPromptText("Why? (recorded in the audit log)");
        Label reasonLabel = new Label("_Reason");
        reasonLabel.setMnemonicParsing(true);
        reasonLabel.setLabelFor(reason);
        dialog.getDialogPane().setContent(new VBox(10, explain, new VBox(4, reasonLabel, reason)));
        Button ok = (Button) dialog.getDialogPane().lookupButton(confirm);
        ok.setId("confirm-button");
        ok.setDefaultButton(true);
        ok.disableProperty().bind(Bindings.createBooleanBinding(() -> reason.getText().strip().isEmpty(),
                reason.textProperty()));
        ((Button) dialog.getDialogPane().lookupButton(ButtonType.CANCEL)).setId("cancel-button");
        dialog.setResultConverter(b -> b == confirm ? reason.getText().strip() : null);
        Platform.runLater(reason::requestFocus);
        return dialog.showAndWait();
    }
}
