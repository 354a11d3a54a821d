package dev.patchbay.console.common;

import javafx.scene.control.Alert;
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
}
