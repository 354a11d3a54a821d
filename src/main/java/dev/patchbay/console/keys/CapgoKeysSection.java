package dev.patchbay.console.keys;

import atlantafx.base.theme.Styles;
import dev.patchbay.console.common.Forms;
import java.io.File;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextArea;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import org.kordamp.ikonli.feather.Feather;

/** The Keys page's "Capgo key pair" section; binds to {@link CapgoKeysViewModel}. */
final class CapgoKeysSection {
    private CapgoKeysSection() {
    }

    static Node create(CapgoKeysViewModel vm) {
        Label title = new Label("Capgo key pair (reference updater plugin)");
        title.getStyleClass().add(Styles.TITLE_4);
        Label hint = new Label("For apps with Capgo-compatible delivery: bundles published for the reference plugin are"
                + " encrypted and signed with this RSA pair (AES-CBC without a MAC, one key per bundle: weaker than"
                + " Patchbay's own keys). Stored in the app's key folder under the passphrase of its Patchbay keys."
                + " Import the reference CLI's .capgo_key_v2 to keep the publicKey devices already have.");
        hint.setWrapText(true);
        hint.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);

        PasswordField pass = new PasswordField();
        pass.setId("keys-capgo-passphrase");
        pass.setPromptText("Passphrase of the app's keys");
        Button create = Forms.button("keys-capgo-create", "Create pair", Feather.PLUS,
                "Create an RSA-2048 pair for the reference plugin");
        create.disableProperty().bind(vm.workingProperty().or(vm.existsProperty()));
        create.setOnAction(e -> vm.create(read(pass)));
        Button importPem = Forms.button("keys-capgo-import", "Import PEM…", Feather.DOWNLOAD,
                "Import the reference CLI's private key (.capgo_key_v2); replaces a pair stored here");
        importPem.disableProperty().bind(vm.workingProperty());
        importPem.setOnAction(e -> {
            FileChooser chooser = new FileChooser();
            chooser.setTitle("Import the Capgo private key (.capgo_key_v2)");
            File f = chooser.showOpenDialog(importPem.getScene().getWindow());
            if (f != null) {
                vm.importPem(f.toPath(), read(pass));
            }
        });
        HBox row = new HBox(8, pass, create, importPem);
        VBox passBox = Forms.field("Passphrase", row, vm.passphraseErrorProperty());

        TextArea snippet = new TextArea();
        snippet.setId("keys-capgo-export");
        snippet.setEditable(false);
        snippet.setPrefRowCount(8);
        snippet.textProperty().bind(vm.exportTextProperty());
        snippet.visibleProperty().bind(vm.existsProperty());
        snippet.managedProperty().bind(snippet.visibleProperty());
        Button copy = Forms.button("keys-capgo-copy", "Copy", Feather.COPY, "Copy the capacitor.config snippet");
        copy.visibleProperty().bind(vm.existsProperty());
        copy.managedProperty().bind(copy.visibleProperty());
        copy.setOnAction(e -> {
            ClipboardContent c = new ClipboardContent();
            c.putString(vm.exportTextProperty().get());
            Clipboard.getSystemClipboard().setContent(c);
        });
        VBox box = new VBox(10, title, hint, passBox,
                Forms.message("keys-capgo-busy", vm.busyProperty(), Styles.TEXT_MUTED),
                Forms.message("keys-capgo-message", vm.messageProperty(), Styles.DANGER),
                Forms.message("keys-capgo-info", vm.infoProperty(), Styles.SUCCESS),
                snippet, copy);
        box.setId("keys-capgo");
        return box;
    }

    private static char[] read(PasswordField f) {
        String text = f.getText();
        char[] out = text == null ? new char[0] : text.toCharArray();
        f.clear();
        return out;
    }
}
