package dev.patchbay.console.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.cache.DeviceColumn;
import dev.patchbay.cache.DeviceRow;
import dev.patchbay.client.Device;
import dev.patchbay.client.PatchbayClient;
import dev.patchbay.console.ConsoleFixture;
import dev.patchbay.console.common.ManualTaskRunner;
import dev.patchbay.console.settings.Settings;
import dev.patchbay.domain.App;
import dev.patchbay.server.DeviceRows;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Devices view model against a real sandbox server and a real file cache, without a stage. */
class DevicesViewModelTest {
    static final String APP = "com.example.shop";

    @TempDir
    Path home;
    ConsoleFixture fx;
    PatchbayClient client;
    App app;

    @BeforeEach
    void setUp() {
        fx = new ConsoleFixture(home).online();
        client = fx.connection.session().client();
        app = client.createApp(APP, "Shop");
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    /** A device the server learns of from a stats batch (no keys needed). */
    String deviceSays(String deviceId) throws Exception {
        String body = "{\"appId\":\"" + APP + "\",\"deviceId\":\"" + deviceId + "\",\"events\":[{\"id\":\""
                + UUID.randomUUID() + "\",\"action\":\"app_launch\",\"bundle\":\"builtin\",\"oldBundle\":null,"
                + "\"at\":\"2026-11-22T18:00:00Z\",\"details\":{}}]}";
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(fx.connection.serverUrlProperty().get() + "/stats"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return deviceId;
    }

    DevicesViewModel vm(dev.patchbay.console.common.TaskRunner tasks, ObservableList<App> apps) {
        return new DevicesViewModel(fx.connection, tasks, apps, fx.cache.devices(), Clock.systemUTC(),
                new DeviceDetailViewModel(fx.connection, tasks));
    }

    @Test
    void syncsTheServersDevicesSearchesAndShowsTheSelectedOne() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            ids.add(deviceSays(DeviceRows.deviceId(i)));
        }
        DevicesViewModel vm = vm(fx.tasks, FXCollections.observableArrayList(app));
        assertEquals(APP, vm.appProperty().get().id());
        assertEquals(25, vm.rows().size());
        assertEquals("1–25 of 25", vm.countTextProperty().get());
        assertTrue(vm.syncStatusProperty().get().startsWith("Synced 25 devices · "), vm.syncStatusProperty().get());
        assertFalse(vm.syncingProperty().get());

        vm.searchProperty().set(ids.get(3).substring(0, 8));
        assertEquals(List.of(ids.get(3)), vm.rows().stream().map(DeviceRow::deviceId).toList());
        vm.selectedProperty().set(vm.rows().get(0));
        assertEquals(ids.get(3), vm.detail().deviceIdProperty().get());
        assertEquals(ids.get(3), vm.detail().deviceProperty().get().deviceId(), "the detail asked the server");

        // A device checks in later: Sync now fetches it alone.
        deviceSays(DeviceRows.deviceId(99));
        vm.searchProperty().set("");
        vm.syncNow();
        assertEquals(26, vm.rows().size());
        assertEquals(26, vm.syncStateProperty().get().devices());
        assertEquals(ids.get(3), vm.selectedProperty().get().deviceId(), "the selection survives a refresh");
    }

    @Test
    void staleQueryResultsAreDroppedAndNothingRunsOnTheCallersThread() {
        // 450 devices in the cache already (an earlier sync), the server has none of them: syncs receive nothing.
        List<Device> devices = new ArrayList<>();
        List<DeviceRow> cached = new ArrayList<>();
        for (int i = 0; i < 450; i++) {
            devices.add(DeviceRows.device(APP, i));
            cached.add(DeviceRows.row(i));
        }
        fx.cache.devices().applyPage(Settings.SANDBOX_ID, APP, cached, null);
        ManualTaskRunner tasks = new ManualTaskRunner();
        DevicesViewModel vm = vm(tasks, FXCollections.observableArrayList(app));
        assertTrue(vm.rows().isEmpty(), "nothing was read on the caller's thread");
        assertEquals(List.of("Reading cached devices of " + APP, "Querying cached devices", "Syncing devices of " + APP),
                tasks.pending());

        // The user types while the first query is still running: one more query waits, the first's result is dropped.
        vm.channelProperty().set("beta");
        vm.channelProperty().set("canary");
        assertEquals(1, tasks.pending().stream().filter(n -> n.startsWith("Querying")).count());
        tasks.run("Querying");
        assertTrue(vm.rows().isEmpty(), "the result of a query that is no longer current is not shown");
        assertTrue(tasks.run("Querying"), "the newest query ran after the stale one");
        assertFalse(vm.rows().isEmpty());
        assertTrue(vm.rows().stream().allMatch(r -> r.channel().equals("canary")));
        long canary = devices.stream().filter(d -> d.channel().equals("canary")).count();
        assertEquals(canary, vm.resultProperty().get().total());
        tasks.runAll();

        vm.channelProperty().set(null);
        tasks.runAll();
        assertEquals("1–200 of 450", vm.countTextProperty().get());
        assertTrue(vm.hasNextProperty().get());
        assertFalse(vm.hasPreviousProperty().get());
        vm.nextPage();
        tasks.runAll();
        assertEquals("201–400 of 450", vm.countTextProperty().get());
        vm.nextPage();
        tasks.runAll();
        assertEquals("401–450 of 450", vm.countTextProperty().get());
        assertFalse(vm.hasNextProperty().get());

        vm.sortBy(DeviceColumn.DEVICE_ID);
        tasks.runAll();
        assertEquals("1–200 of 450", vm.countTextProperty().get(), "a new sort starts at the first page");
        assertEquals(devices.stream().map(Device::deviceId).sorted().limit(200).toList(),
                vm.rows().stream().map(DeviceRow::deviceId).toList());
        vm.sortBy(DeviceColumn.DEVICE_ID);
        tasks.runAll();
        assertTrue(vm.descendingProperty().get());
        assertEquals(devices.stream().map(Device::deviceId).sorted(java.util.Comparator.reverseOrder()).findFirst()
                .orElseThrow(), vm.rows().get(0).deviceId());
        assertEquals(List.of("beta", "canary", "production", "staging"), vm.channelChoices());
    }
}
