package dev.patchbay.console.bundles;

import atlantafx.base.theme.Styles;
import dev.patchbay.client.ServerPatchBases;
import dev.patchbay.console.common.Forms;
import dev.patchbay.console.common.Times;
import dev.patchbay.console.shell.Page;
import dev.patchbay.console.common.AppSelector;
import dev.patchbay.domain.App;
import dev.patchbay.domain.Bundle;
import dev.patchbay.console.common.Dialogs;
import java.io.File;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.PasswordField;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.input.DragEvent;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import org.kordamp.ikonli.Ikon;
import org.kordamp.ikonli.feather.Feather;

/**
 * The Bundles page: pick an app, see its published bundles, publish a folder or zip (buttons, or drop it onto the
 * page), and look into a bundle's manifest and its diff against another. Binds to {@link BundlesViewModel}.
 */
public final class BundlesPage implements Page {
    private final BundlesViewModel vm;
    private final PublishFormViewModel form;
    private final Runnable refreshApps;
    private final BundleDeleter deleter;
    private final BundleRetentionViewModel retention;
    private final BorderPane root = new BorderPane();
    private final TableView<Bundle> table = new TableView<>();

    /** @param refreshApps asks the server for the app list again (the app selector), e.g. the Apps view model's refresh */
    @Override
    public void deleteSelected() {
        Bundle b = vm.selectedProperty().get();
        if (b == null || !deleter.canDelete()) {
            return;
        }
        if (Dialogs.confirm(root.getScene().getWindow(), "Delete bundle " + b.version() + "?",
                "This deletes bundle " + b.version() + " from the server and frees the blobs no other bundle uses."
                        + " The server refuses while a channel serves it or an active rollout uses it.",
                "Delete bundle")) {
            deleter.deleteSelected();
        }
    }

    public BundlesPage(BundlesViewModel vm, Runnable refreshApps, BundleDeleter deleter,
                       BundleRetentionViewModel retention) {
        this.vm = vm;
        this.retention = retention;
        this.form = vm.publishForm();
        this.deleter = deleter;
        this.refreshApps = refreshApps;
        root.setId("bundles-page");
        root.getStyleClass().add("page");
        root.setTop(toolbar());
        SplitPane split = new SplitPane(table(), detail());
        split.setOrientation(javafx.geometry.Orientation.VERTICAL);
        split.setDividerPositions(0.5);
        BorderPane.setMargin(split, new Insets(0, 12, 12, 12));
        root.setCenter(split);
        root.setRight(form());
        root.setOnDragOver(this::dragOver);
        root.setOnDragDropped(this::dropped);
    }

    private void dragOver(DragEvent e) {
        if (e.getDragboard().hasFiles() && e.getDragboard().getFiles().size() == 1 && !form.cannotPublishProperty().get()) {
            e.acceptTransferModes(TransferMode.COPY);
        }
        e.consume();
    }

    private void dropped(DragEvent e) {
        List<File> files = e.getDragboard().hasFiles() ? e.getDragboard().getFiles() : List.of();
        boolean ok = files.size() == 1 && !form.cannotPublishProperty().get();
        if (ok) {
            form.startPublish(files.get(0).toPath());
        }
        e.setDropCompleted(ok);
        e.consume();
    }

    private Node toolbar() {
        ComboBox<App> app = AppSelector.create("bundle-app", vm.apps(), vm.appProperty());

        Button folder = Forms.button("bundle-publish-folder", "Publish folder…", Feather.FOLDER_PLUS,
                "Publish a web build folder (or drop a folder or zip onto the page) (Ctrl+N)");
        folder.disableProperty().bind(form.cannotPublishProperty());
        folder.setOnAction(e -> chooseFolder());
        Button zip = Forms.button("bundle-publish-zip", "Publish zip…", Feather.ARCHIVE, "Publish a zip of a web build");
        zip.disableProperty().bind(form.cannotPublishProperty());
        zip.setOnAction(e -> {
            FileChooser chooser = new FileChooser();
            chooser.setTitle("Publish a zip");
            chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("Zip files", "*.zip"));
            File f = chooser.showOpenDialog(root.getScene().getWindow());
            if (f != null) {
                form.startPublish(f.toPath());
            }
        });
        Button refresh = Forms.button("bundle-refresh", "Refresh", Feather.REFRESH_CW, "Ask the server again (F5 or Ctrl+R)");
        refresh.setOnAction(e -> vm.reload());
        Button delete = Forms.button("bundle-delete", "Delete…", Feather.TRASH_2,
                "Delete the selected bundle if no channel or active rollout uses it (Delete)");
        delete.disableProperty().bind(vm.selectedProperty().isNull().or(vm.connection().readOnlyProperty())
                .or(form.publishingProperty()));
        delete.setOnAction(e -> deleteSelected());
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        Label fetched = new Label();
        fetched.setId("bundles-fetched-at");
        fetched.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        fetched.textProperty().bind(Bindings.createStringBinding(() -> vm.fetchedAtProperty().get() == null ? ""
                : "Fetched " + Times.format(vm.fetchedAtProperty().get()), vm.fetchedAtProperty()));
        Label appLabel = new Label("App");
        appLabel.setLabelFor(app);
        javafx.scene.layout.FlowPane bar = new javafx.scene.layout.FlowPane(8, 6, appLabel, app, folder, zip, delete, refresh, spacer, fetched);
        bar.setAlignment(Pos.CENTER_LEFT);
        Label title = new Label("Bundles");
        title.getStyleClass().add(Styles.TITLE_3);
        Label hint = new Label("Drop a web build folder or zip onto this page to publish it.");
        hint.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        Label readOnly = Forms.message("bundles-read-only", Bindings.when(vm.connection().readOnlyProperty())
                .then(vm.connection().readOnlyReasonProperty()).otherwise(""), Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        VBox top = new VBox(8, title, bar, hint, BundleRetentionBar.create(retention), readOnly,
                Forms.message("bundles-message", vm.messageProperty(), Styles.DANGER),
                Forms.message("bundles-info", vm.infoProperty(), Styles.SUCCESS));
        top.getStyleClass().add("page-header");
        return top;
    }

    private void chooseFolder() {
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle("Publish a web build folder");
        File f = chooser.showDialog(root.getScene().getWindow());
        if (f != null) {
            form.startPublish(f.toPath());
        }
    }

    private Node table() {
        table.setId("bundles-table");
        table.setItems(vm.bundles());
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        Label placeholder = new Label();
        placeholder.textProperty().bind(Bindings.createStringBinding(() -> vm.appProperty().get() == null
                        ? AppSelector.noAppText(vm.connection().readOnlyProperty().get())
                        : vm.connection().readOnlyProperty().get() ? "Bundles are shown only while connected."
                        : vm.fetchedAtProperty().get() != null ? "No bundles yet. Next step: publish a folder or zip (Ctrl+N, or drop one here); the app needs its keys first (Keys page)."
                        : "Loading…",
                vm.appProperty(), vm.fetchedAtProperty(), vm.connection().readOnlyProperty()));
        table.setPlaceholder(placeholder);
        table.getColumns().add(column("Version", 100, Bundle::version));
        table.getColumns().add(column("Created", 140, b -> Times.format(b.createdAt())));
        table.getColumns().add(column("Size", 90, b -> Sizes.bytes(b.totalBytes())));
        table.getColumns().add(column("Files", 60, b -> Integer.toString(b.fileCount())));
        table.getColumns().add(column("Key", 150, Bundle::releaseKeyId));
        table.getColumns().add(compatColumn());
        table.getColumns().add(column("Channels", 160, b -> b.channels() == null || b.channels().isEmpty() ? "–"
                : String.join(", ", b.channels())));
        table.getSelectionModel().selectedItemProperty().addListener((obs, old, now) -> vm.selectedProperty().set(now));
        vm.selectedProperty().addListener((obs, old, now) -> {
            if (table.getSelectionModel().getSelectedItem() != now) {
                table.getSelectionModel().select(now);
            }
        });
        return table;
    }

    /**
     * The Capgo badge: bundles that devices running the reference plugin can get (docs/capgo-compat.md §5), and
     * whether that artifact is encrypted (the plugin's weaker model: see the Apps page).
     */
    private static TableColumn<Bundle, String> compatColumn() {
        TableColumn<Bundle, String> c = column("Capgo", 110, b -> b.capgo() == null ? ""
                : b.capgo().encrypted() ? "Capgo · encrypted" : "Capgo · plain");
        c.setCellFactory(col -> new TableCell<>() {
            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                Bundle b = empty || getTableRow() == null ? null : getTableRow().getItem();
                if (b == null || b.capgo() == null) {
                    setText(null);
                    setGraphic(null);
                    setTooltip(null);
                    return;
                }
                Label badge = new Label(item);
                badge.getStyleClass().addAll("capgo-badge", b.capgo().encrypted() ? Styles.ACCENT : Styles.WARNING);
                setText(null);
                setGraphic(badge);
                setTooltip(new Tooltip(b.capgo().encrypted()
                        ? "Served to the reference plugin, encrypted for key " + b.capgo().keyId()
                        + (b.capgo().manifestFiles() > 0 ? ", " + b.capgo().manifestFiles() + " manifest files" : "")
                        + ". The plugin checks no freshness and no anti-rollback."
                        : "Served to the reference plugin UNENCRYPTED (the app had no Capgo key pair)."
                        + " The plugin checks no freshness and no anti-rollback."));
            }
        });
        return c;
    }

    private static <T> TableColumn<T, String> column(String title, double width, Function<T, String> value) {
        TableColumn<T, String> c = new TableColumn<>(title);
        c.setCellValueFactory(cell -> new ReadOnlyStringWrapper(value.apply(cell.getValue())));
        c.setPrefWidth(width);
        return c;
    }

    private Node detail() {
        Label heading = new Label();
        heading.getStyleClass().add(Styles.TITLE_4);
        heading.textProperty().bind(Bindings.createStringBinding(() -> vm.selectedProperty().get() == null
                ? "Select a bundle to see its files" : "Files of " + vm.selectedProperty().get().version(),
                vm.selectedProperty()));
        PasswordField pass = new PasswordField();
        pass.setId("bundle-detail-passphrase");
        pass.setPromptText("Passphrase");
        Button unlock = Forms.button("bundle-detail-unlock", "Unlock", Feather.UNLOCK, "Decrypt the manifest with the content key");
        unlock.disableProperty().bind(vm.unlockingProperty());
        unlock.setOnAction(e -> vm.unlockDetail(read(pass)));
        pass.setOnAction(e -> unlock.fire());
        Label unlocking = Forms.message("bundle-detail-unlocking",
                Bindings.when(vm.unlockingProperty()).then("Unlocking…").otherwise(""), Styles.TEXT_MUTED);
        HBox unlockRow = new HBox(8, pass, unlock, unlocking);
        unlockRow.setId("bundle-detail-unlock-row");
        VBox unlockBox = Forms.field("Passphrase", unlockRow, vm.detailPassphraseErrorProperty());
        unlockBox.visibleProperty().bind(vm.needsUnlockProperty().and(vm.selectedProperty().isNotNull()));
        unlockBox.managedProperty().bind(unlockBox.visibleProperty());

        ComboBox<Bundle> other = new ComboBox<>(vm.bundles());
        other.setId("bundle-compare");
        other.setPromptText("Compare with…");
        other.setCellFactory(l -> new VersionCell());
        other.setButtonCell(new VersionCell());
        other.valueProperty().bindBidirectional(vm.compareToProperty());
        Label diff = Forms.message("bundle-diff", vm.diffTextProperty());
        HBox compare = new HBox(8, new Label("Diff against"), other, diff);
        compare.setAlignment(Pos.CENTER_LEFT);

        TableView<BundlesViewModel.ManifestRow> files = new TableView<>(vm.manifest());
        files.setId("bundle-manifest");
        files.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        files.setPlaceholder(new Label(""));
        files.getColumns().add(column("Path", 260, BundlesViewModel.ManifestRow::path));
        files.getColumns().add(column("Size", 90, r -> Sizes.bytes(r.size())));
        files.getColumns().add(column("SHA-256", 300, BundlesViewModel.ManifestRow::sha256));
        VBox.setVgrow(files, Priority.ALWAYS);
        VBox box = new VBox(8, heading, Forms.message("bundle-manifest-message", vm.manifestMessageProperty(), Styles.TEXT_MUTED),
                unlockBox, compare, files);
        box.setPadding(new Insets(8, 0, 0, 0));
        box.setId("bundle-detail");
        return box;
    }

    private static final class VersionCell extends ListCell<Bundle> {
        @Override
        protected void updateItem(Bundle item, boolean empty) {
            super.updateItem(item, empty);
            setText(empty || item == null ? null : item.version());
        }
    }

    /**
     * K of the publish (the CLI's --patches): type a number or use Up/Down; digits only, 0 to the limit (a larger
     * number is taken as the limit, an empty field as the default).
     */
    private Spinner<Integer> patchesSpinner() {
        SpinnerValueFactory.IntegerSpinnerValueFactory values = new SpinnerValueFactory.IntegerSpinnerValueFactory(0,
                PublishFormViewModel.MAX_PATCH_RELEASES, ServerPatchBases.DEFAULT_RELEASES);
        values.valueProperty().bindBidirectional(form.patchReleasesProperty());
        Spinner<Integer> spinner = new Spinner<>(values);
        spinner.setId("bundle-patches");
        spinner.setEditable(true);
        spinner.setPrefWidth(90);
        spinner.getEditor().setTextFormatter(new javafx.scene.control.TextFormatter<String>(
                c -> c.getControlNewText().matches("\\d{0,2}") ? c : null));
        values.setConverter(new javafx.util.StringConverter<>() {
            @Override
            public String toString(Integer v) {
                return v == null ? "" : v.toString();
            }

            @Override
            public Integer fromString(String text) {
                return text == null || text.isBlank() ? ServerPatchBases.DEFAULT_RELEASES
                        : Math.min(PublishFormViewModel.MAX_PATCH_RELEASES, Integer.parseInt(text.strip()));
            }
        });
        spinner.disableProperty().bind(form.publishingProperty());
        spinner.setTooltip(new javafx.scene.control.Tooltip("Changed files also travel as binary patches from up to"
                + " this many earlier releases (the chosen channel's bundle first, then the newest); a device fetches"
                + " the smallest. 0: no patches."));
        return spinner;
    }

    private static Node patchesField(Spinner<Integer> patches) {
        Label title = new Label("Binary patches from earlier releases (K, 0: none)");
        title.setLabelFor(patches);
        title.setWrapText(true);
        return new VBox(4, title, patches);
    }

    /** Shown when the app has Capgo-compatible delivery on: what is built for the plugin, and the manifest option. */
    private Node capgoBox() {
        Label note = Forms.message("bundle-capgo-note", form.capgoNoteProperty(), Styles.TEXT_SMALL);
        CheckBox manifest = new CheckBox("Per-file manifest entries for the plugin");
        manifest.setId("bundle-capgo-manifest");
        manifest.selectedProperty().bindBidirectional(form.capgoManifestProperty());
        manifest.disableProperty().bind(form.publishingProperty());
        VBox box = new VBox(4, note, manifest);
        box.visibleProperty().bind(form.capgoNoteProperty().isNotEmpty());
        box.managedProperty().bind(box.visibleProperty());
        return box;
    }

    private Node form() {
        Label heading = new Label("Publish a bundle");
        heading.getStyleClass().add(Styles.TITLE_4);
        Label source = new Label();
        source.setId("bundle-source");
        source.setWrapText(true);
        source.textProperty().bind(Bindings.createStringBinding(() -> {
            Path p = form.sourceProperty().get();
            return p == null ? "No folder or zip chosen" : p.toString();
        }, form.sourceProperty()));
        Button change = Forms.button("bundle-source-change", "Change…", Feather.FOLDER, "Choose another folder");
        change.setOnAction(e -> chooseFolder());
        change.disableProperty().bind(form.publishingProperty());
        TextField version = new TextField();
        version.setId("bundle-version");
        version.setPromptText("1.4.0");
        version.textProperty().bindBidirectional(form.versionProperty());
        version.disableProperty().bind(form.publishingProperty());
        ComboBox<String> channel = new ComboBox<>(form.channelChoices());
        channel.setId("bundle-channel");
        channel.setMaxWidth(Double.MAX_VALUE);
        channel.setPromptText("(none)");
        channel.setCellFactory(l -> new ChannelCell());
        channel.setButtonCell(new ChannelCell());
        channel.valueProperty().bindBidirectional(form.channelProperty());
        channel.disableProperty().bind(form.publishingProperty());
        Spinner<Integer> patches = patchesSpinner();
        PasswordField pass = new PasswordField();
        pass.setId("bundle-passphrase");
        pass.setPromptText("Passphrase of the app's keys");
        pass.disableProperty().bind(form.publishingProperty());

        ProgressBar bar = new ProgressBar();
        bar.setId("bundle-progress");
        bar.setMaxWidth(Double.MAX_VALUE);
        bar.progressProperty().bind(form.progressProperty());
        Label phase = Forms.message("bundle-phase", form.phaseProperty(), Styles.TEXT_MUTED);
        Label progressText = Forms.message("bundle-progress-text", form.progressTextProperty(), Styles.TEXT_SMALL);
        VBox progress = new VBox(4, phase, bar, progressText);
        progress.visibleProperty().bind(form.publishingProperty());
        progress.managedProperty().bind(progress.visibleProperty());

        Button publish = Forms.button("bundle-publish", "Publish", Feather.UPLOAD_CLOUD, "Seal and upload (Enter)");
        publish.setDefaultButton(true);
        publish.getStyleClass().add(Styles.ACCENT);
        publish.disableProperty().bind(form.cannotPublishProperty());
        publish.setOnAction(e -> {
            patches.commitValue(); // a number typed and not yet confirmed counts
            form.publish(read(pass));
        });
        Button cancel = Forms.button("bundle-cancel", "Cancel", Feather.X, "Stop the upload, or close the form (Esc)");
        cancel.setCancelButton(true);
        cancel.setOnAction(e -> {
            if (form.publishingProperty().get()) {
                form.cancelPublish();
            } else {
                form.closeForm();
            }
        });

        VBox box = new VBox(12, heading,
                Forms.field("Folder or zip", sourceBox(source, change), form.sourceErrorProperty()),
                Forms.field("Version", version, form.versionErrorProperty()),
                new VBox(4, new Label("Then point channel (optional)"), channel),
                patchesField(patches),
                capgoBox(),
                Forms.field("Passphrase", pass, form.passphraseErrorProperty()),
                progress,
                Forms.message("bundle-form-error", form.formErrorProperty(), Styles.DANGER),
                new HBox(8, publish, cancel));
        box.setId("bundle-form");
        box.getStyleClass().add("side-form");
        box.setPrefWidth(320);
        box.visibleProperty().bind(form.formOpenProperty());
        box.managedProperty().bind(box.visibleProperty());
        form.formOpenProperty().addListener((obs, old, now) -> {
            if (now) {
                version.requestFocus();
            }
        });
        return box;
    }

    private static VBox sourceBox(Label source, Button change) {
        VBox box = new VBox(4, source, change);
        box.setId("bundle-source-box");
        return box;
    }

    private static final class ChannelCell extends ListCell<String> {
        @Override
        protected void updateItem(String item, boolean empty) {
            super.updateItem(item, empty);
            setText(empty || item == null ? null : item.isEmpty() ? "(none)" : item);
        }
    }

    private static char[] read(PasswordField f) {
        String text = f.getText();
        char[] out = text == null ? new char[0] : text.toCharArray();
        f.clear();
        return out;
    }

    @Override
    public String id() {
        return "bundles";
    }

    @Override
    public String title() {
        return "Bundles";
    }

    @Override
    public Ikon icon() {
        return Feather.PACKAGE;
    }

    @Override
    public Node view() {
        return root;
    }

    @Override
    public ReadOnlyObjectProperty<Instant> dataFetchedAtProperty() {
        return vm.fetchedAtProperty();
    }

    @Override
    public void newItem() {
        if (!form.cannotPublishProperty().get()) {
            chooseFolder();
        }
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
