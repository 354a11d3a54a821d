package dev.patchbay.console;

import static dev.patchbay.console.FxLookups.onFx;
import static dev.patchbay.console.FxLookups.table;
import static dev.patchbay.console.FxLookups.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.cache.DeviceRow;
import dev.patchbay.console.devices.DevicesViewModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import javafx.scene.control.Hyperlink;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/**
 * Rolled-back devices are visible: three phones roll 1.1.0 back and one confirms it; the Overview's red failure count
 * is a link that opens the Devices page on that app with the "rolled_back" state filter, listing exactly the three,
 * each "rolled back from 1.1.0".
 */
class RolledBackDevicesUserPathTest extends ConsoleUserPath {
    private static final String APP = "com.example.shop";

    @Test
    void theOverviewFailureCountOpensTheRolledBackDevices(FxRobot robot) throws Exception {
        launchOnSandbox(robot, options());
        app.connection().session().client().createApp(APP, "Shop");
        String url = app.connection().serverUrlProperty().get().replaceAll("/+$", "");
        Set<String> rolledBack = new TreeSet<>();
        for (int i = 0; i < 3; i++) {
            String id = UUID.randomUUID().toString();
            rolledBack.add(id);
            stats(url, id, "rollback");
        }
        stats(url, UUID.randomUUID().toString(), "app_ready");

        robot.clickOn("#nav-overview");
        String link = "#overview-failures-com-example-shop";
        waitUntil(() -> robot.lookup(link).tryQuery().isPresent()
                && robot.lookup(link).queryAs(Hyperlink.class).getText().startsWith("3 failed"));
        robot.clickOn(link);

        DevicesViewModel vm = app.devices();
        waitUntil(() -> robot.lookup("#devices-table").tryQuery().isPresent()
                && table(robot, "#devices-table").getItems().size() == 3);
        assertEquals("rolled_back", onFx(() -> vm.stateProperty().get()));
        assertEquals(APP, onFx(() -> vm.appProperty().get().id()));
        List<DeviceRow> rows = onFx(() -> List.copyOf(vm.rows()));
        assertEquals(rolledBack, new TreeSet<>(rows.stream().map(DeviceRow::deviceId).toList()));
        assertTrue(rows.stream().allMatch(r -> r.state().equals("rolled_back") && r.lastError().equals("from 1.1.0")),
                rows.toString());
        waitUntil(() -> robot.lookup(".table-cell").match((javafx.scene.Node n) -> n instanceof javafx.scene.control.Labeled l
                && "rolled back from 1.1.0".equals(l.getText())).tryQuery().isPresent());
    }

    /** A rollback (or app_ready) of 1.1.0 reported as a phone reports it (device-protocol §5). */
    private static void stats(String url, String device, String action) throws Exception {
        String details = action.equals("rollback") ? "{\"reason\":\"app_ready_timeout\",\"to\":\"builtin\"}" : "{}";
        String body = "{\"appId\":\"" + APP + "\",\"deviceId\":\"" + device + "\",\"events\":[{\"id\":\""
                + UUID.randomUUID() + "\",\"action\":\"" + action + "\",\"bundle\":\"1.1.0\",\"at\":\"" + Instant.now()
                + "\",\"details\":" + details + "}]}";
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/stats"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
    }
}
