package dev.patchbay.console.keys;

import atlantafx.base.theme.Styles;
import dev.patchbay.console.common.Forms;
import dev.patchbay.console.common.Times;
import dev.patchbay.console.shell.Page;
import dev.patchbay.console.common.AppSelector;
import dev.patchbay.domain.App;
import java.io.File;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import org.kordamp.ikonli.Ikon;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/** The Keys page: an app's signing and content keys. Binds to {@link KeysViewModel}. */
public final class KeysPage implements Page {
    private final KeysViewModel vm;
    private final Runnable refreshApps;
    private final BorderPane root = new BorderPane();

    /** @param refreshApps asks the server for the app list again (the app selector), e.g. the Apps view model's refresh */
    public KeysPage(KeysViewModel vm, Runnable refreshApps) {
        this.vm = vm;
        this.refreshApps = refreshApps;
        root.setId("keys-page");
        root.getStyleClass().add("page");
        root.setTop(header());
        ScrollPane scroll = new ScrollPane(body());
        scroll.setFitToWidth(true);
        root.setCenter(scroll);
    }

    private Node header() {
        ComboBox<App> app = AppSelector.create("keys-app", vm.apps(), vm.appProperty());
        Label appLabel = new Label("App");
        appLabel.setLabelFor(app);
        ProgressIndicator spinner = new ProgressIndicator();
        spinner.setPrefSize(18, 18);
        Label busy = Forms.message("keys-busy", vm.busyProperty(), Styles.TEXT_MUTED);
        spinner.visibleProperty().bind(busy.visibleProperty());
        spinner.managedProperty().bind(busy.visibleProperty());
        HBox bar = new HBox(8, appLabel, app, spinner, busy);
        bar.setAlignment(Pos.CENTER_LEFT);
        Label title = new Label("Keys");
        title.getStyleClass().add(Styles.TITLE_3);
        VBox top = new VBox(8, title, bar,
                Forms.message("keys-message", vm.messageProperty(), Styles.DANGER),
                Forms.message("keys-info", vm.infoProperty(), Styles.SUCCESS));
        top.getStyleClass().add("page-header");
        return top;
    }

    private Node body() {
        // Create: shown while the app has no keys.
        PasswordField pass = new PasswordField();
        pass.setId("keys-passphrase");
        pass.setPromptText("At least " + AppKeyStore.MIN_PASSPHRASE + " characters");
        PasswordField confirm = new PasswordField();
        confirm.setId("keys-confirm");
        confirm.setPromptText("The same passphrase again");
        Button create = Forms.button("keys-create", "Create keys", Feather.KEY, "Create the root, release and content keys");
        create.getStyleClass().add(Styles.ACCENT);
        create.disableProperty().bind(vm.workingProperty().or(vm.appProperty().isNull()));
        create.setOnAction(e -> {
            char[] p = read(pass);
            char[] c = read(confirm);
            vm.create(p, c);
        });
        Label createHint = new Label("The passphrase encrypts the key files; it cannot be recovered. "
                + "Keys are kept in the data folder under keys/<app id>/.");
        createHint.setWrapText(true);
        createHint.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        VBox createBox = new VBox(10, section("No keys for this app yet"), createHint,
                Forms.field("Passphrase", pass, vm.passphraseErrorProperty()),
                Forms.field("Confirm passphrase", confirm, vm.confirmErrorProperty()), create);
        createBox.setId("keys-create-form");
        createBox.setMaxWidth(420);
        createBox.visibleProperty().bind(vm.hasKeysProperty().not().and(vm.appProperty().isNotNull()));
        createBox.managedProperty().bind(createBox.visibleProperty());

        // Existing keys.
        GridPane ids = new GridPane();
        ids.setHgap(12);
        ids.setVgap(6);
        ids.addRow(0, new Label("Root key"), value("keys-root-id", vm.rootKeyIdProperty()));
        ids.addRow(1, new Label("Release key (current)"), value("keys-release-id", vm.releaseKeyIdProperty()));
        ids.addRow(2, new Label("Content key"), value("keys-content-id", vm.contentKeyIdProperty()));
        ids.addRow(3, new Label("Folder"), value("keys-folder", vm.keyFolderProperty()));
        Label serverTrust = new Label();
        serverTrust.setId("keys-server-trust");
        serverTrust.setWrapText(true);
        serverTrust.textProperty().bind(vm.serverTrustProperty());
        FontIcon trustIcon = new FontIcon();
        trustIcon.iconCodeProperty().bind(javafx.beans.binding.Bindings.when(vm.serverTrustedProperty())
                .then(Feather.CHECK_CIRCLE).otherwise(Feather.ALERT_TRIANGLE));
        serverTrust.setGraphic(trustIcon);
        // No bare ⚠: the icon only with the sentence that says what is wrong (or right).
        trustIcon.visibleProperty().bind(vm.serverTrustProperty().isNotEmpty());
        trustIcon.managedProperty().bind(trustIcon.visibleProperty());
        vm.serverTrustedProperty().addListener((obs, old, now) -> {
            serverTrust.getStyleClass().removeAll(Styles.SUCCESS, Styles.WARNING);
            serverTrust.getStyleClass().add(now ? Styles.SUCCESS : Styles.WARNING);
        });
        serverTrust.getStyleClass().add(Styles.WARNING);
        ids.addRow(4, new Label("This server"), serverTrust);

        TableView<KeysViewModel.CertRow> certs = new TableView<>(vm.certs());
        certs.setId("keys-certs");
        certs.setPrefHeight(160);
        certs.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        certs.getColumns().add(column("Release key", 150, r -> r.keyId() + (r.current() ? " (current)" : "")));
        certs.getColumns().add(column("Valid from", 140, r -> Times.format(r.notBefore())));
        certs.getColumns().add(column("Valid until", 140, r -> Times.format(r.notAfter())));
        certs.getColumns().add(column("Valid now", 80, r -> r.validNow() ? "yes" : "no"));
        certs.getColumns().add(column("Signed bundles", 200, r -> r.bundles().isEmpty() ? "–" : String.join(", ", r.bundles())));

        PasswordField unlockPass = new PasswordField();
        unlockPass.setId("keys-unlock-passphrase");
        unlockPass.setPromptText("Passphrase");
        Button unlock = Forms.button("keys-unlock", "Unlock", Feather.UNLOCK, "Decrypt the keys to export the app snippet");
        unlock.disableProperty().bind(vm.workingProperty());
        unlock.setOnAction(e -> vm.unlock(read(unlockPass)));
        unlockPass.setOnAction(e -> unlock.fire());
        Button rotate = Forms.button("keys-rotate", "Rotate release key", Feather.REFRESH_CW,
                "A new release key and certificate (needs the passphrase)");
        rotate.disableProperty().bind(vm.workingProperty());
        rotate.setOnAction(e -> vm.rotate(read(unlockPass)));
        Button register = Forms.button("keys-register", "Register trust with server", Feather.UPLOAD_CLOUD,
                "Send trust.json (public keys and certificates) to the server");
        register.disableProperty().bind(vm.workingProperty().or(vm.connection().readOnlyProperty()));
        register.setOnAction(e -> vm.registerTrust());
        vm.rootUnlockedProperty().addListener((obs, old, now) -> register.getTooltip().setText(registerTip(now)));
        register.getTooltip().setText(registerTip(vm.rootUnlockedProperty().get()));
        Button trustServer = Forms.button("keys-trust-server", "Trust this server", Feather.SHIELD,
                "Certify the server's freshness key with the root key (needs the passphrase unless the keys were "
                        + "created this session), so devices accept its update answers");
        trustServer.disableProperty().bind(vm.workingProperty().or(vm.connection().readOnlyProperty()));
        trustServer.setOnAction(e -> vm.trustServer(read(unlockPass)));
        HBox actions = new HBox(8, unlockPass, unlock, rotate, register, trustServer);
        actions.setAlignment(Pos.TOP_LEFT);
        actions.setId("keys-unlock-row");
        VBox passBox = Forms.field("Passphrase (unlock, rotate or trust the server)", actions, vm.passphraseErrorProperty());

        TextArea snippet = new TextArea();
        snippet.setId("keys-export");
        snippet.setEditable(false);
        snippet.setPrefRowCount(9);
        snippet.textProperty().bind(vm.exportTextProperty());
        Button copy = Forms.button("keys-copy", "Copy", Feather.COPY, "Copy the snippet to the clipboard");
        copy.disableProperty().bind(vm.exportTextProperty().isEmpty());
        copy.setOnAction(e -> {
            ClipboardContent c = new ClipboardContent();
            c.putString(vm.exportTextProperty().get());
            Clipboard.getSystemClipboard().setContent(c);
        });
        Button save = Forms.button("keys-save", "Save as…", Feather.SAVE, "Save the snippet as a JSON file");
        save.disableProperty().bind(vm.exportTextProperty().isEmpty().or(vm.workingProperty()));
        save.setOnAction(e -> {
            FileChooser chooser = new FileChooser();
            chooser.setTitle("Save trust material");
            chooser.setInitialFileName("patchbay-" + vm.appProperty().get().id() + ".json");
            chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("JSON", "*.json"));
            File f = chooser.showSaveDialog(root.getScene().getWindow());
            if (f != null) {
                vm.saveExport(f.toPath());
            }
        });
        Label exportHint = new Label("capacitor.config.json snippet (unlock to show it; it holds the content key, which "
                + "ships inside the app)");
        exportHint.setWrapText(true);
        exportHint.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        VBox keysBox = new VBox(10, section("Keys"), ids, section("Release key certificates"), certs, passBox,
                section("Export trust material"), exportHint, snippet, new HBox(8, copy, save),
                CapgoKeysSection.create(vm.capgo()));
        keysBox.setId("keys-details");
        keysBox.visibleProperty().bind(vm.hasKeysProperty());
        keysBox.managedProperty().bind(keysBox.visibleProperty());

        VBox body = new VBox(16, createBox, keysBox);
        body.setPadding(new Insets(0, 12, 12, 12));
        return body;
    }

    private static String registerTip(boolean rootUnlocked) {
        return rootUnlocked ? "Send trust.json to the server and certify the server's freshness key (the root key is "
                + "unlocked: keys created this session)" : "Send trust.json (public keys and certificates) to the server";
    }

    /** Reads a password field once into a char[] and clears the field. */
    private static char[] read(PasswordField f) {
        String text = f.getText();
        char[] out = text == null ? new char[0] : text.toCharArray();
        f.clear();
        return out;
    }

    private static Label section(String text) {
        Label l = new Label(text);
        l.getStyleClass().add(Styles.TITLE_4);
        return l;
    }

    private static Label value(String id, javafx.beans.value.ObservableStringValue text) {
        Label l = new Label();
        l.setId(id);
        l.getStyleClass().add(Styles.TEXT_BOLD);
        l.textProperty().bind(text);
        return l;
    }

    private static TableColumn<KeysViewModel.CertRow, String> column(String title, double width,
                                                                     Function<KeysViewModel.CertRow, String> value) {
        TableColumn<KeysViewModel.CertRow, String> c = new TableColumn<>(title);
        c.setCellValueFactory(cell -> new ReadOnlyStringWrapper(value.apply(cell.getValue())));
        c.setPrefWidth(width);
        return c;
    }

    @Override
    public String id() {
        return "keys";
    }

    @Override
    public String title() {
        return "Keys";
    }

    @Override
    public Ikon icon() {
        return Feather.KEY;
    }

    @Override
    public Node view() {
        return root;
    }

    @Override
    public void refresh() {
        refreshApps.run();
        vm.reload();
    }

    @Override
    public void shown() {
        refresh();
    }
}
