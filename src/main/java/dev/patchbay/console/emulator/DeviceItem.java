package dev.patchbay.console.emulator;

import dev.patchbay.console.common.TaskRunner;
import dev.patchbay.harness.DeviceState;
import dev.patchbay.harness.EmulatedDevice;
import dev.patchbay.harness.LogEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * One emulated device of the Emulator page: the harness device (named by its device id), the connection it was made
 * for, and its state and log as observable values. The device reports from its own threads; {@link TaskRunner#post}
 * brings each report to the FX thread (log lines in batches, so a chatty device does not flood it).
 */
public final class DeviceItem {
    /** Lines kept in the page's log pane per device (the device itself keeps more). */
    static final int LOG_LINES = 2000;

    private final EmulatedDevice device;
    private final String connectionId;
    private final String appId;
    private final String channelAsked;
    private final boolean generatedAssets;
    private final Setup setup;
    private final ObjectProperty<DeviceState> state = new SimpleObjectProperty<>(this, "state");
    private final ObservableList<LogEntry> log = FXCollections.observableArrayList();
    private final Queue<LogEntry> incoming = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean flushQueued = new AtomicBoolean();
    private final List<Runnable> unsubscribe = new ArrayList<>();
    private final TaskRunner tasks;
    /** The faults the page set on this device (the toggles show them when it is selected). */
    volatile FaultSet faults = FaultSet.NONE;

    /** How the device was made (kept in its emulator.json). */
    record Setup(EmulatorViewModel.WebLayer layer, boolean reportsEmulator) {
    }

    DeviceItem(EmulatedDevice device, String connectionId, String appId, String channelAsked, boolean generatedAssets,
            Setup setup, TaskRunner tasks) {
        this.device = device;
        this.setup = setup;
        this.generatedAssets = generatedAssets;
        this.connectionId = connectionId;
        this.appId = appId;
        this.channelAsked = channelAsked;
        this.tasks = tasks;
    }

    /** Subscribes to the device's state and log: call before its first lifecycle step, so no line is missed. */
    void attach() {
        unsubscribe.add(device.onState(s -> tasks.post(() -> state.set(s))));
        unsubscribe.add(device.onLog(this::logged));
    }

    private void logged(LogEntry e) {
        incoming.add(e);
        if (flushQueued.compareAndSet(false, true)) {
            tasks.post(this::flush);
        }
    }

    private void flush() {
        flushQueued.set(false);
        List<LogEntry> batch = new ArrayList<>();
        for (LogEntry e; (e = incoming.poll()) != null; ) {
            batch.add(e);
        }
        if (batch.isEmpty()) {
            return;
        }
        log.addAll(batch);
        if (log.size() > LOG_LINES) {
            log.remove(0, log.size() - LOG_LINES);
        }
    }

    /** Stops listening and closes the device (its app process, web server and threads). Not on the FX thread. */
    void close() {
        unsubscribe.forEach(Runnable::run);
        device.close();
    }

    public EmulatedDevice device() {
        return device;
    }

    /**
     * The device's one name: the id its runtime reports (the Devices page's "Device id"), also its folder name and
     * the harness serial.
     */
    public String deviceId() {
        return device.serial();
    }

    Setup setup() {
        return setup;
    }

    public String connectionId() {
        return connectionId;
    }

    public String appId() {
        return appId;
    }

    /** The channel the device asks for, or null for the app's default. */
    public String channelAsked() {
        return channelAsked;
    }

    /** The builtin web assets are the console's generated page (a native upgrade generates the new version's). */
    public boolean generatedAssets() {
        return generatedAssets;
    }

    public ReadOnlyObjectProperty<DeviceState> stateProperty() {
        return state;
    }

    public DeviceState state() {
        return state.get();
    }

    /** The device's log, oldest first (newest {@value #LOG_LINES} lines). */
    public ObservableList<LogEntry> log() {
        return log;
    }

    @Override
    public String toString() {
        return deviceId() + " (" + appId + ")";
    }
}
