package dev.patchbay.console.channels;

import dev.patchbay.console.devices.DeviceDetailView;
import dev.patchbay.console.devices.DeviceDetailViewModel;
import javafx.scene.Scene;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import javafx.stage.Window;

/** One window, reused, showing the device detail of a device picked from a rollout's failed-devices list. */
final class DeviceWindow {
    private final DeviceDetailViewModel vm;
    private Stage stage;

    DeviceWindow(DeviceDetailViewModel vm) {
        this.vm = vm;
    }

    void open(Window owner, String appId, String deviceId) {
        if (stage == null) {
            stage = new Stage();
            stage.initOwner(owner);
            Scene scene = new Scene(new DeviceDetailView(vm), 760, 680);
            scene.getStylesheets().addAll(owner.getScene().getStylesheets());
            scene.setOnKeyPressed(e -> {
                if (e.getCode() == KeyCode.ESCAPE) {
                    stage.hide();
                }
            });
            stage.setScene(scene);
        }
        stage.setTitle("Device " + deviceId + " – " + appId);
        vm.show(appId, deviceId);
        stage.show();
        stage.toFront();
    }
}
