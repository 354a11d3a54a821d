package dev.patchbay.console;

import static dev.patchbay.console.FxLookups.label;
import static dev.patchbay.console.FxLookups.table;
import static dev.patchbay.console.FxLookups.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.patchbay.console.devices.DevicesViewModel;
import dev.patchbay.domain.Channel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;
import javafx.scene.Node;
import javafx.scene.control.Labeled;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/**
 * A QA channel for emulators with development builds only (ADR 0105): made on the Channels page with the "Physical
 * devices" and "Production builds" switches off; the table says "emulators only" / "dev only"; a phone with a store
 * build that checks is refused, and its detail on the Devices page says why.
 */
class ChannelSwitchesUserPathTest extends ConsoleUserPath {
    private static final String APP = "com.example.shop";

    @Test
    void aChannelForEmulatorsWithDevelopmentBuildsRefusesAStorePhoneAndSaysWhy(FxRobot robot) throws Exception {
        launchOnSandbox(robot, fastKeyOptions());
        robot.clickOn("#nav-apps");
        robot.clickOn("#app-new");
        robot.clickOn("#app-id").write(APP);
        robot.clickOn("#app-name").write("Shop");
        robot.clickOn("#app-save");
        waitUntil(() -> table(robot, "#apps-table").getItems().size() == 1);
        // Keys: creating them trusts the Local sandbox, without which devices get no decision at all.
        robot.clickOn("#nav-keys");
        waitUntil(() -> robot.lookup("#keys-create-form").query().isVisible());
        robot.clickOn("#keys-passphrase").write("horse-staple");
        robot.clickOn("#keys-confirm").write("horse-staple");
        robot.clickOn("#keys-create");
        waitUntil(() -> robot.lookup("#keys-details").query().isVisible());

        robot.clickOn("#nav-channels");
        waitUntil(() -> robot.lookup("#channel-new").tryQuery().isPresent()
                && !robot.lookup("#channel-new").queryButton().isDisabled());
        robot.clickOn("#channel-new");
        robot.clickOn("#channel-name").write("qa");
        FxLookups.reveal(robot, "#channel-physical-devices");
        robot.clickOn("#channel-physical-devices");
        FxLookups.reveal(robot, "#channel-production-builds");
        robot.clickOn("#channel-production-builds");
        FxLookups.reveal(robot, "#channel-save");
        robot.clickOn("#channel-save");
        waitUntil(() -> table(robot, "#channels-table").getItems().size() == 1);
        Channel qa = (Channel) table(robot, "#channels-table").getItems().get(0);
        assertFalse(qa.allowPhysicalDevices());
        assertFalse(qa.allowProductionBuilds());
        waitUntil(() -> cell(robot, "emulators only") && cell(robot, "dev only"));

        String phone = UUID.randomUUID().toString();
        check(app.connection().serverUrlProperty().get().replaceAll("/+$", ""), phone);

        robot.clickOn("#nav-devices");
        DevicesViewModel vm = app.devices();
        waitUntil(() -> !vm.syncingProperty().get());
        robot.clickOn("#devices-sync");
        waitUntil(() -> table(robot, "#devices-table").getItems().size() == 1);
        robot.clickOn(phone);
        waitUntil(() -> label(robot, "#device-last-check").getText().contains("physical device disabled"));
        assertEquals("blocked (physical device disabled): Channel 'qa' does not update physical devices (emulators"
                + " only)", label(robot, "#device-last-check").getText());
    }

    private static boolean cell(FxRobot robot, String text) {
        return robot.from(robot.lookup("#channels-table").<Node>query()).lookup(".table-cell")
                .match((Node n) -> n instanceof Labeled l && text.equals(l.getText())).tryQuery().isPresent();
    }

    /** A check of a phone (not an emulator) running a production build, as device-protocol §3 describes it. */
    private static void check(String url, String deviceId) throws Exception {
        byte[] nonce = new byte[16];
        new SecureRandom().nextBytes(nonce);
        String body = "{\"appId\":\"" + APP + "\",\"deviceId\":\"" + deviceId + "\",\"platform\":\"android\","
                + "\"osVersion\":\"14\",\"nativeVersion\":\"1.4.0\",\"currentBundle\":\"builtin\","
                + "\"isEmulator\":false,\"isProduction\":true,\"nonce\":\""
                + Base64.getUrlEncoder().withoutPadding().encodeToString(nonce) + "\"}";
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/updates"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
    }
}
