package dev.patchbay.console.channels;

import atlantafx.base.theme.Styles;
import dev.patchbay.console.common.Forms;
import java.util.function.Supplier;
import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;

/**
 * The start form's Preflight section: devices and starting point, Preflight / Cancel, progress, then one line per
 * device (confirmed or not, its errors, a thumbnail of its screenshot) and "Start anyway" after a failure.
 */
final class PreflightPane {
    static final double THUMB_WIDTH = 103;
    static final double THUMB_HEIGHT = 195;

    private final VBox root = new VBox(6);

    /** {@code passphrase} reads the form's passphrase field (the preflight devices embed the app's content key). */
    PreflightPane(PreflightViewModel vm, Supplier<char[]> passphrase) {
        root.setId("preflight-pane");
        Label title = new Label("Preflight");
        title.getStyleClass().add(Styles.TEXT_BOLD);
        Label hint = new Label("Boot the bundle in emulated Android devices (real WebView) before real devices get it.");
        hint.setWrapText(true);
        hint.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);

        TextField devices = new TextField();
        devices.setId("preflight-devices");
        devices.setPrefColumnCount(3);
        devices.textProperty().bindBidirectional(vm.devicesProperty());
        TextField from = new TextField();
        from.setId("preflight-from");
        from.setPromptText("what the channel serves");
        from.setPrefColumnCount(12);
        from.textProperty().bindBidirectional(vm.fromProperty());
        javafx.beans.property.ReadOnlyStringProperty none = new javafx.beans.property.SimpleStringProperty("");
        HBox options = new HBox(8, Forms.field("Devices (1–" + PreflightViewModel.MAX_DEVICES + ")", devices, none),
                Forms.field("From (version or builtin)", from, none));
        options.disableProperty().bind(vm.runningProperty());

        Button run = new Button("Pre_flight");
        run.setId("preflight-run");
        run.setMnemonicParsing(true);
        run.setTooltip(new Tooltip("Boot the bundle in emulated devices before starting (Alt+F)"));
        run.disableProperty().bind(vm.runningProperty());
        run.setOnAction(e -> vm.run(passphrase.get()));
        Button cancel = new Button("Cancel preflight");
        cancel.setId("preflight-cancel");
        cancel.visibleProperty().bind(vm.runningProperty());
        cancel.managedProperty().bind(cancel.visibleProperty());
        cancel.setOnAction(e -> vm.cancel());
        ProgressIndicator spinner = new ProgressIndicator();
        spinner.setPrefSize(18, 18);
        spinner.visibleProperty().bind(vm.runningProperty());
        spinner.managedProperty().bind(spinner.visibleProperty());
        Label status = new Label();
        status.setId("preflight-status");
        status.setWrapText(true);
        status.textProperty().bind(vm.progressProperty());
        status.styleProperty().bind(Bindings.when(vm.failedProperty()).then("-fx-text-fill: -color-danger-fg;")
                .otherwise(""));
        HBox actions = new HBox(8, run, cancel, spinner, status);
        actions.setAlignment(Pos.CENTER_LEFT);
        Label error = Forms.message("preflight-error", vm.errorProperty(), Styles.DANGER);

        VBox results = new VBox(6);
        results.setId("preflight-results");
        vm.rows().addListener((ListChangeListener<PreflightViewModel.DeviceRow>) c -> {
            results.getChildren().clear();
            int i = 0;
            for (PreflightViewModel.DeviceRow r : vm.rows()) {
                results.getChildren().add(row(i++, r));
            }
        });
        CheckBox force = new CheckBox("Start anyway (the preflight failure and the reason go to the audit log)");
        force.setId("preflight-force");
        force.selectedProperty().bindBidirectional(vm.forceProperty());
        force.visibleProperty().bind(vm.failedProperty());
        force.managedProperty().bind(force.visibleProperty());
        root.getChildren().addAll(title, hint, options, actions, error, results, force);
    }

    private static HBox row(int i, PreflightViewModel.DeviceRow r) {
        ImageView shot = new ImageView();
        shot.setId("preflight-shot-" + i);
        shot.setFitWidth(THUMB_WIDTH);
        shot.setFitHeight(THUMB_HEIGHT);
        shot.setPreserveRatio(true);
        if (r.screenshot() != null) {
            // loaded in the background: the FX thread never reads the disk
            shot.setImage(new Image(r.screenshot().toUri().toString(), THUMB_WIDTH, THUMB_HEIGHT, true, true, true));
        }
        Label summary = new Label(r.summary());
        summary.setId("preflight-device-" + i);
        summary.getStyleClass().add(r.confirmed() ? Styles.SUCCESS : Styles.DANGER);
        VBox text = new VBox(2, summary);
        int j = 0;
        for (String p : r.problems()) {
            Label l = new Label(p);
            l.setId("preflight-problem-" + i + "-" + j++);
            l.setWrapText(true);
            l.getStyleClass().add(Styles.TEXT_SMALL);
            text.getChildren().add(l);
        }
        HBox box = new HBox(8, shot, text);
        box.setAlignment(Pos.TOP_LEFT);
        return box;
    }

    VBox root() {
        return root;
    }
}
