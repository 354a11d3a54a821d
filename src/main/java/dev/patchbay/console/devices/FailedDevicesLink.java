package dev.patchbay.console.devices;

import dev.patchbay.cache.DeviceQuery;
import dev.patchbay.client.FailedDevice;
import dev.patchbay.console.common.TaskRunner;
import dev.patchbay.console.connection.ConnectionManager;
import dev.patchbay.console.connection.Session;
import dev.patchbay.console.data.Problems;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Opens a rollout's failed devices of a time range on the Devices page (a failure bar, the Overview's rollout line):
 * the ids come from the server's {@code failed-devices} (distinct devices the target failed on, docs/rollouts.md §5),
 * read off the FX thread; the page then shows only those, from its cache, with the detail pane beside them.
 */
public final class FailedDevicesLink {
    /** What a failure bar or an Overview line calls. */
    @FunctionalInterface
    public interface Opener {
        void open(String appId, String rolloutId, Instant from, Instant to, String label);
    }

    private final ConnectionManager connection;
    private final TaskRunner tasks;
    private final DevicesViewModel devices;
    private final Runnable showPage;

    /** @param showPage brings the Devices page to the front */
    public FailedDevicesLink(ConnectionManager connection, TaskRunner tasks, DevicesViewModel devices, Runnable showPage) {
        this.connection = connection;
        this.tasks = tasks;
        this.devices = devices;
        this.showPage = showPage;
    }

    /** Reads the rollout's devices that failed in {@code [from, to)} and shows them (a null bound: open). */
    public void open(String appId, String rolloutId, Instant from, Instant to, String label) {
        Session s = connection.session();
        if (s == null || s.client() == null) {
            return;
        }
        tasks.create("Reading failed devices", () -> s.client().rolloutFailedDevices(appId, rolloutId, from, to,
                        DeviceQuery.MAX_IDS))
                .onSuccess(list -> show(appId, new DevicePick(label, list.stream().map(FailedDevice::deviceId).toList(),
                        list.size() >= DeviceQuery.MAX_IDS ? String.format(Locale.ROOT, "the newest %,d",
                                DeviceQuery.MAX_IDS) : "")))
                .onError(e -> show(appId, new DevicePick(label, List.of(), "cannot read them: " + Problems.message(e))))
                .run();
    }

    private void show(String appId, DevicePick pick) {
        devices.open(appId, pick);
        showPage.run();
    }
}
