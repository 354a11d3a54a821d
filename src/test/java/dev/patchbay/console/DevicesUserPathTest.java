package dev.patchbay.console;

import static dev.patchbay.console.FxLookups.label;
import static dev.patchbay.console.FxLookups.listCell;
import static dev.patchbay.console.FxLookups.onFx;
import static dev.patchbay.console.FxLookups.table;
import static dev.patchbay.console.FxLookups.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.patchbay.cache.DeviceColumn;
import dev.patchbay.cache.DeviceRow;
import dev.patchbay.client.PatchbayClient;
import dev.patchbay.console.devices.DevicesViewModel;
import dev.patchbay.domain.ChannelDraft;
import dev.patchbay.domain.Platform;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/**
 * The Devices page, headless: devices check in with the sandbox server, the page lists them after its sync, the
 * search narrows, the channel filter, a click on the Last seen header sorts (in SQL), selecting a row shows the
 * device's detail.
 */
class DevicesUserPathTest extends ConsoleUserPath {
    private static final String APP = "com.example.shop";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** An update check as a phone sends it (the server is not trusted: the answer fails, the device is recorded). */
    private void check(String url, String deviceId) throws Exception {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        String body = "{\"appId\":\"" + APP + "\",\"deviceId\":\"" + deviceId + "\",\"platform\":\"android\","
                + "\"osVersion\":\"14\",\"nativeVersion\":\"1.4.0\",\"nativeBuild\":140,\"runtimeVersion\":\"0.1.0\","
                + "\"currentBundle\":\"builtin\",\"currentSequence\":null,\"channel\":null,\"customId\":null,"
                + "\"isEmulator\":false,\"isProduction\":true,\"keyIds\":{\"root\":\"0123456789abcdef\","
                + "\"content\":\"0123456789abcdef\"},\"nonce\":\""
                + Base64.getUrlEncoder().withoutPadding().encodeToString(nonce) + "\"}";
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/updates"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
    }

    @Test
    void listsSyncedDevicesSearchesFiltersSortsAndShowsTheDetail(FxRobot robot) throws Exception {
        launchOnSandbox(robot, options());
        robot.clickOn("#nav-apps");
        robot.clickOn("#app-new");
        robot.clickOn("#app-id").write(APP);
        robot.clickOn("#app-name").write("Shop");
        robot.clickOn("#app-save");
        waitUntil(() -> table(robot, "#apps-table").getItems().size() == 1);

        PatchbayClient client = app.connection().session().client();
        String url = app.connection().serverUrlProperty().get();
        client.createChannel(APP, ChannelDraft.named("production").withDefaultFor(Set.of(Platform.ANDROID)));
        client.createChannel(APP, ChannelDraft.named("beta"));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            if (i % 6 == 0) {
                client.setChannelOverride(APP, id, "beta");
            }
            check(url, id);
        }

        robot.clickOn("#nav-devices");
        DevicesViewModel vm = app.devices();
        // The page synced when the app appeared (before the devices checked in): Sync now fetches them.
        waitUntil(() -> !vm.syncingProperty().get());
        robot.clickOn("#devices-sync");
        waitUntil(() -> table(robot, "#devices-table").getItems().size() == 30);
        waitUntil(() -> label(robot, "#devices-sync-status").getText().startsWith("Synced 30 devices"));
        assertEquals("1–30 of 30", label(robot, "#devices-count").getText());

        // Search: a prefix of one device id.
        robot.clickOn("#devices-search").write(ids.get(7).substring(0, 9));
        waitUntil(() -> table(robot, "#devices-table").getItems().size() == 1);
        assertEquals(ids.get(7), ((DeviceRow) table(robot, "#devices-table").getItems().get(0)).deviceId());
        robot.interact(() -> vm.searchProperty().set(""));
        waitUntil(() -> table(robot, "#devices-table").getItems().size() == 30);

        // Filter by channel.
        robot.clickOn("#devices-filter-channel");
        robot.clickOn(listCell(robot, "beta"));
        waitUntil(() -> table(robot, "#devices-table").getItems().size() == 5);
        assertEquals(List.of("beta"), onFx(() -> vm.rows().stream().map(DeviceRow::channel).distinct().toList()));

        // Sort by last seen: it is the default (newest first); a click on the header makes it oldest first.
        // At the default window the table scrolls sideways (whole header titles): scroll to the column first.
        robot.interact(() -> {
            javafx.scene.control.TableView<?> devices = table(robot, "#devices-table");
            List<String> columnIds = devices.getVisibleLeafColumns().stream().map(c -> c.getId()).toList();
            devices.scrollToColumnIndex(columnIds.indexOf("devices-col-last-seen"));
        });
        org.testfx.util.WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn("#devices-col-last-seen");
        waitUntil(() -> !vm.descendingProperty().get() && !vm.queryingProperty().get());
        assertEquals(DeviceColumn.LAST_SEEN, onFx(() -> vm.sortProperty().get()));
        List<DeviceRow> rows = onFx(() -> List.copyOf(vm.rows()));
        assertEquals(rows.stream().sorted(Comparator.comparing(DeviceRow::lastSeen)
                .thenComparing(DeviceRow::deviceId)).toList(), rows);

        // Select: the detail pane shows the device as the server knows it.
        robot.interact(() -> table(robot, "#devices-table").scrollToColumnIndex(0)); // back to the device ids
        org.testfx.util.WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn(rows.get(2).deviceId());
        waitUntil(() -> label(robot, "#device-id").getText().equals("Device " + rows.get(2).deviceId())
                && vm.detail().deviceProperty().get() != null);
        assertEquals("beta", onFx(() -> vm.detail().deviceProperty().get().channel()));
        // The detail's bundles table shows its column titles whole at the default window (see PageLayoutTest).
        waitUntil(() -> robot.lookup("#device-bundles .column-header").tryQuery().isPresent());
        org.testfx.util.WaitForAsyncUtils.waitForFxEvents();
        List<String> cutHeaders = onFx(() -> PageLayoutTest.truncated(robot.lookup("#main-window").query()).stream()
                .filter(f -> f.startsWith("column header")).toList());
        assertEquals(List.of(), cutHeaders);
        assertFalse(onFx(() -> vm.syncingProperty().get()));
    }
}
