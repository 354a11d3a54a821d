package dev.patchbay.console.bundles;

import atlantafx.base.theme.Styles;
import dev.patchbay.console.common.Forms;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.feather.Feather;

/** The Bundles page's retention row (binds to {@link BundleRetentionViewModel}); wraps on a narrow window. */
final class BundleRetentionBar {
    private BundleRetentionBar() {
    }

    static Node create(BundleRetentionViewModel vm) {
        CheckBox on = new CheckBox("Delete old unused bundles, keeping the newest");
        on.setId("bundle-retention-on");
        on.selectedProperty().bindBidirectional(vm.enabledProperty());
        on.setTooltip(new Tooltip("Unused: no channel serves it, no active rollout uses it, no device runs it."
                + " Applied when saved and after each publish."));
        TextField keep = new TextField();
        keep.setId("bundle-retention-keep");
        keep.setPrefColumnCount(4);
        keep.textProperty().bindBidirectional(vm.keepProperty());
        keep.disableProperty().bind(vm.enabledProperty().not());
        Button save = Forms.button("bundle-retention-save", "Save rule", Feather.SAVE,
                "Save the retention rule of this app; the server applies it at once");
        save.disableProperty().bind(vm.cannotSave());
        save.setOnAction(e -> vm.save());
        keep.setOnAction(e -> vm.save());
        Label status = Forms.message("bundle-retention-status", vm.statusProperty(), Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        FlowPane row = new FlowPane(8, 6, on, keep, save);
        row.setAlignment(Pos.CENTER_LEFT);
        return new VBox(4, row, status, Forms.message("bundle-retention-error", vm.errorProperty(), Styles.DANGER));
    }
}
