package dev.patchbay.console.emulator;

import dev.patchbay.client.Device;
import dev.patchbay.client.NotFoundException;
import dev.patchbay.console.common.TaskRunner;
import dev.patchbay.console.common.Times;
import dev.patchbay.console.connection.ConnectionManager;
import dev.patchbay.console.connection.Session;
import dev.patchbay.console.data.Problems;
import java.util.function.Supplier;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * What the connected server knows about the Emulator's selected device (its record under the device's id): asked one
 * request at a time; a refresh asked for meanwhile runs after the one in flight.
 */
public final class ServerView {
    private final ConnectionManager connection;
    private final TaskRunner tasks;
    private final Supplier<DeviceItem> selected;

    private final ObjectProperty<Device> device = new SimpleObjectProperty<>(this, "device");
    private final StringProperty status = new SimpleStringProperty(this, "status", "");
    private final StringProperty channel = new SimpleStringProperty(this, "channel", "");
    private final StringProperty bundle = new SimpleStringProperty(this, "bundle", "");
    private final StringProperty lastCheck = new SimpleStringProperty(this, "lastCheck", "");
    private final StringProperty bundles = new SimpleStringProperty(this, "bundles", "");
    private boolean loading;
    private boolean again;

    ServerView(ConnectionManager connection, TaskRunner tasks, Supplier<DeviceItem> selected) {
        this.connection = connection;
        this.tasks = tasks;
        this.selected = selected;
    }

    /** Asks the server about the selected device. */
    public void refresh() {
        DeviceItem d = selected.get();
        Session s = connection.session();
        if (d == null) {
            show(null, "");
            return;
        }
        if (s == null || s.client() == null || !s.connectionId().equals(d.connectionId())) {
            show(null, "Not connected to the server this device talks to.");
            return;
        }
        if (loading) {
            again = true;
            return;
        }
        loading = true;
        tasks.create("Asking the server about " + d.deviceId(), () -> lookUp(s, d))
                .onSuccess(r -> {
                    if (selected.get() == d) {
                        show(r.device(), r.status());
                    }
                })
                .onError(e -> {
                    if (selected.get() == d) {
                        status.set("Cannot ask " + s.label() + ": " + Problems.message(e));
                    }
                })
                .andFinally(() -> {
                    loading = false;
                    if (again) {
                        again = false;
                        refresh();
                    }
                })
                .run();
    }

    private record Lookup(Device device, String status) {
    }

    private static Lookup lookUp(Session s, DeviceItem d) {
        String id = d.deviceId();
        try {
            Device device = s.client().device(d.appId(), id);
            return new Lookup(device, "Device " + id + ", last seen " + Times.format(device.lastSeen()) + ".");
        } catch (NotFoundException e) {
            return new Lookup(null, "The server has not heard from device " + id + " yet: cold start it.");
        }
    }

    /** Shows {@code d} (null: nothing known) with {@code text} as the status line. */
    void show(Device d, String text) {
        device.set(d);
        status.set(text);
        if (d == null) {
            channel.set("");
            bundle.set("");
            lastCheck.set("");
            bundles.set("");
            return;
        }
        channel.set(d.channel() == null ? "none"
                : d.channel() + (d.channelSource() == null ? "" : " (" + d.channelSource() + ")")
                + (d.channelReason() == null ? "" : "; " + d.channelReason()));
        bundle.set((d.currentBundle() == null ? "unknown" : d.currentBundle())
                + (d.nextBundle() == null ? "" : ", next " + d.nextBundle()));
        lastCheck.set(d.lastOutcome() == null ? "none yet" : d.lastOutcome()
                + (d.lastError() == null ? "" : ": " + d.lastError())
                + (d.lastMessage() == null ? "" : " – " + d.lastMessage()));
        bundles.set(d.bundles().isEmpty() ? "none" : String.join(", ", d.bundles().stream()
                .map(b -> b.bundle() + " " + b.state() + (b.percent() == null ? "" : " " + b.percent() + " %")
                        + (b.reason() == null ? "" : " (" + b.reason() + ")")).toList()));
    }

    /** The server's record of the selected device (null when it has none or while unknown). */
    public ObjectProperty<Device> deviceProperty() {
        return device;
    }

    public StringProperty statusProperty() {
        return status;
    }

    public StringProperty channelProperty() {
        return channel;
    }

    public StringProperty bundleProperty() {
        return bundle;
    }

    public StringProperty lastCheckProperty() {
        return lastCheck;
    }

    public StringProperty bundlesProperty() {
        return bundles;
    }
}
