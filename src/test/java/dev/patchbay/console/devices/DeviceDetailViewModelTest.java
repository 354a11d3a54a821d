package dev.patchbay.console.devices;

import static dev.patchbay.server.DeviceFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.console.ConsoleFixture;
import dev.patchbay.console.common.HeldTaskRunner;
import dev.patchbay.console.common.TaskRunner;
import dev.patchbay.console.connection.ConnectionState;
import dev.patchbay.console.devices.DeviceDetailViewModel.BundleRow;
import dev.patchbay.console.devices.DeviceDetailViewModel.TimelineRow;
import dev.patchbay.console.settings.SavedConnection;
import dev.patchbay.client.RolloutStart;
import dev.patchbay.domain.Json;
import dev.patchbay.domain.RolloutBucket;
import dev.patchbay.domain.rollout.RolloutDecision;
import dev.patchbay.server.DeviceFixture;
import dev.patchbay.server.RunningServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device detail against a real server on loopback: devices made through the real device protocol (checks and
 * event batches), read by the console's client, without a stage.
 */
class DeviceDetailViewModelTest {
    static final String APP = "com.example.shop";

    @TempDir
    Path dir;

    RunningServer server;
    DeviceFixture f;
    ConsoleFixture fx;
    final String phone = DeviceFixture.newDevice();
    final String old = DeviceFixture.newDevice();

    @BeforeEach
    void setUp() throws Exception {
        server = RunningServer.start(dir.resolve("server"));
        f = new DeviceFixture(server, APP).create().trustServer();
        f.publish("1.4.0", 4);
        f.publish("1.5.0", 5);
        f.channel("{\"name\":\"production\",\"defaultFor\":[\"android\"]}");
        f.patchChannel("production", "{\"bundle\":\"1.5.0\"}");
        f.channel("{\"name\":\"beta\"}");
        fx = new ConsoleFixture(dir.resolve("console"));
        connect(fx);
    }

    @AfterEach
    void tearDown() {
        fx.close();
        server.close();
    }

    /** Connects the console to the test server as a saved remote connection. */
    private void connect(ConsoleFixture c) throws Exception {
        c.settings.connections().add(new SavedConnection("remote-1", "Test server", server.url()));
        c.secrets.put("remote-1", server.adminKey);
        c.connection.connect("remote-1");
        assertEquals(ConnectionState.ONLINE, c.connection.stateProperty().get(), c.connection.detailProperty().get());
    }

    private DeviceDetailViewModel vm(TaskRunner tasks) {
        return new DeviceDetailViewModel(fx.connection, tasks, Clock.systemUTC(), ZoneOffset.UTC);
    }

    static ObjectNode event(String action, String bundle, String oldBundle, Map<String, String> details) {
        ObjectNode e = Json.mapper().createObjectNode();
        e.put("id", UUID.randomUUID().toString());
        e.put("action", action);
        e.put("bundle", bundle);
        e.put("oldBundle", oldBundle);
        e.put("at", "2026-11-22T18:00:00+01:00");
        ObjectNode d = e.putObject("details");
        details.forEach(d::put);
        return e;
    }

    private void send(String device, List<ObjectNode> events) throws Exception {
        ObjectNode b = Json.mapper().createObjectNode();
        b.put("appId", APP);
        b.put("deviceId", device);
        ArrayNode list = b.putArray("events");
        events.forEach(list::add);
        json(f.post("/stats", b.toString()));
    }

    /** A phone that checked (offered 1.5.0), then reports a life of downloads, failures and a rollback. */
    private void phoneLife() throws Exception {
        Map<String, Object> changes = new LinkedHashMap<>();
        changes.put("customId", "kiosk-7");
        changes.put("isEmulator", true);
        changes.put("isProduction", false);
        assertEquals("update", f.check(phone, changes).path("kind").asText());
        changes.put("channel", "beta");
        f.check(phone, changes);
        // Checks are recorded write-behind; a management read flushes them, so the events below come after them.
        json(server.json("GET", f.base + "/devices/" + phone, null));
        send(phone, List.of(
                event("download_start", "1.4.0", null, Map.of()),
                event("download_complete", "1.4.0", null, Map.of()),
                event("set", "1.4.0", "builtin", Map.of()),
                event("app_ready", "1.4.0", null, Map.of()),
                event("download_start", "1.5.0", null, Map.of()),
                event("download_progress", "1.5.0", null, Map.of("percent", "40")),
                event("download_complete", "1.5.0", null, Map.of()),
                event("set_next", "1.5.0", null, Map.of()),
                event("set", "1.5.0", "1.4.0", Map.of()),
                event("rollback", "1.5.0", null, Map.of("reason", "notifyAppReady was not called within 10000 ms",
                        "to", "1.4.0")),
                event("verify_fail", "1.6.0", null, Map.of("reason", "signature does not verify")),
                event("download_fail", "1.6.2", null, Map.of("reason", "HTTP 503")),
                event("channel_set", "1.4.0", null, Map.of("channel", "beta")),
                event("app_launch", "1.4.0", null, Map.of()),
                event("background", "1.4.0", null, Map.of()),
                event("stats_dropped", null, null, Map.of("count", "3")),
                event("download_progress", "1.6.1", null, Map.of("percent", "60")),
                event("download_complete", "1.6.3", null, Map.of()),
                event("set_next", "1.6.3", null, Map.of())));
    }

    private static String sentence(DeviceDetailViewModel vm, String action) {
        return vm.timeline().stream().filter(r -> r.action().equals(action)).map(TimelineRow::sentence).findFirst()
                .orElseThrow(() -> new AssertionError("no " + action + " in " + vm.timeline()));
    }

    private static BundleRow bundle(DeviceDetailViewModel vm, String version) {
        return vm.bundles().stream().filter(b -> b.bundle().equals(version)).findFirst()
                .orElseThrow(() -> new AssertionError("no bundle " + version + " in " + vm.bundles()));
    }

    @Test
    void showsWhatTheServerKnowsInWords() throws Exception {
        phoneLife();
        DeviceDetailViewModel vm = vm(fx.tasks);
        vm.show(APP, phone);

        assertEquals("", vm.messageProperty().get());
        assertFalse(vm.loadingProperty().get());
        assertEquals(phone, vm.deviceProperty().get().deviceId());
        assertEquals("kiosk-7", vm.customIdProperty().get());
        assertEquals("Android 14", vm.platformProperty().get());
        assertEquals("1.4.0 (build 140)", vm.nativeVersionProperty().get());
        assertEquals("0.1.0", vm.runtimeVersionProperty().get());
        assertEquals("emulator, development build", vm.flagsProperty().get());
        assertTrue(vm.lastSeenProperty().get().matches("(just now|\\d+ s ago) \\(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\)"),
                vm.lastSeenProperty().get());
        assertEquals("1.4.0", vm.runsNowProperty().get());
        assertEquals("1.6.3 at the next start", vm.nextProperty().get());
        assertTrue(vm.lastCheckProperty().get().startsWith("update"), vm.lastCheckProperty().get());

        assertEquals("production", vm.channelProperty().get());
        assertEquals("default", vm.channelSourceProperty().get());
        assertEquals("production: the app's default channel for Android (it asked for beta)",
                vm.channelExplanationProperty().get());
        assertEquals("asked for channel 'beta', which does not allow self-assignment", vm.channelReasonProperty().get());
        assertEquals("", vm.channelOverrideProperty().get());
        assertNull(vm.rolloutProperty().get());
        assertEquals("No rollout on this device's channel.", vm.rolloutSummaryProperty().get());
        assertEquals(List.of("beta", "production"), List.copyOf(vm.channelChoices()));

        assertEquals("success", bundle(vm, "1.4.0").stateText());
        assertEquals("runs now", bundle(vm, "1.4.0").role());
        assertEquals("error: rollback: notifyAppReady was not called within 10000 ms", bundle(vm, "1.5.0").stateText());
        assertEquals("error: verify_fail: signature does not verify", bundle(vm, "1.6.0").stateText());
        assertEquals("downloading 60 %", bundle(vm, "1.6.1").stateText());
        assertEquals(60, bundle(vm, "1.6.1").percent());
        assertEquals("error: download_fail: HTTP 503", bundle(vm, "1.6.2").stateText());
        assertEquals("pending", bundle(vm, "1.6.3").stateText());
        assertEquals("next", bundle(vm, "1.6.3").role());

        fx.connection.connect("remote-1");   // a new session: another server may not know this device
        assertNull(vm.deviceProperty().get());
        assertTrue(vm.bundles().isEmpty());
    }

    @Test
    void everyKindOfEventReadsAsASentence() throws Exception {
        phoneLife();
        String tooOld = DeviceFixture.newDevice();
        f.check(tooOld, Map.of("nativeVersion", "0.9.0"));
        DeviceDetailViewModel vm = vm(fx.tasks);
        vm.show(APP, phone);

        List<String> checks = vm.timeline().stream().filter(r -> r.action().equals("update_check"))
                .map(TimelineRow::sentence).toList();
        assertEquals(List.of("Update check: offered 1.5.0 (channel production, default); asked for channel 'beta',"
                        + " which does not allow self-assignment",
                "Update check: offered 1.5.0 (channel production, default)"), checks);
        assertEquals("Started downloading 1.5.0", sentence(vm, "download_start"));
        assertEquals("Downloaded 60 % of 1.6.1", sentence(vm, "download_progress"));
        assertTrue(vm.timeline().stream().anyMatch(r -> r.sentence().equals("Downloaded 40 % of 1.5.0")));
        assertEquals("Downloaded 1.6.3 completely", sentence(vm, "download_complete"));
        assertEquals("1.6.3 will be used at the next start", sentence(vm, "set_next"));
        assertEquals("Switched to 1.5.0 from 1.4.0", sentence(vm, "set"));
        assertEquals("Installed 1.4.0: the app called notifyAppReady", sentence(vm, "app_ready"));
        assertEquals("Rolled back from 1.5.0 to 1.4.0 because notifyAppReady was not called within 10000 ms",
                sentence(vm, "rollback"));
        assertEquals("Verification failed for 1.6.0: signature does not verify", sentence(vm, "verify_fail"));
        assertEquals("Download of 1.6.2 failed: HTTP 503", sentence(vm, "download_fail"));
        assertEquals("Asked for channel beta", sentence(vm, "channel_set"));
        assertEquals("App started on 1.4.0", sentence(vm, "app_launch"));
        assertEquals("App went to the background", sentence(vm, "background"));
        assertEquals("Dropped 3 events (the device's queue was full)", sentence(vm, "stats_dropped"));

        assertEquals(DeviceEventText.Kind.ROLLBACK, row(vm, "rollback").kind());
        assertEquals(DeviceEventText.Kind.FAILURE, row(vm, "verify_fail").kind());
        assertEquals(DeviceEventText.Kind.INSTALLED, row(vm, "app_ready").kind());
        // Newest first: the last event sent comes first; both times are shown (device clock in the console's zone).
        assertEquals("set_next", vm.timeline().get(0).action());
        assertTrue(vm.timeline().indexOf(row(vm, "rollback")) < vm.timeline().indexOf(row(vm, "app_ready")));
        assertEquals("2026-11-22 17:00:00", row(vm, "rollback").deviceTime());
        assertTrue(row(vm, "rollback").serverTime().matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d"));

        vm.show(APP, tooOld);
        assertEquals(List.of("Update check: blocked (native too old) (channel production, default)"),
                vm.timeline().stream().map(TimelineRow::sentence).toList());
    }

    private static TimelineRow row(DeviceDetailViewModel vm, String action) {
        return vm.timeline().stream().filter(r -> r.action().equals(action)).findFirst().orElseThrow();
    }

    @Test
    void theTimelineIsPagedWithLoadOlder() throws Exception {
        List<ObjectNode> many = new ArrayList<>();
        for (int i = 0; i < DeviceDetailViewModel.PAGE + 10; i++) {
            many.add(event("download_progress", "1.5.0", null, Map.of("percent", Integer.toString(i))));
        }
        send(phone, many);
        DeviceDetailViewModel vm = vm(fx.tasks);
        vm.show(APP, phone);
        assertEquals(DeviceDetailViewModel.PAGE, vm.timeline().size());
        assertEquals("Downloaded 59 % of 1.5.0", vm.timeline().get(0).sentence());
        assertTrue(vm.hasOlderProperty().get());
        vm.loadOlder();
        assertEquals(DeviceDetailViewModel.PAGE + 10, vm.timeline().size());
        assertEquals("Downloaded 0 % of 1.5.0", vm.timeline().get(vm.timeline().size() - 1).sentence());
        assertFalse(vm.hasOlderProperty().get());
    }

    @Test
    void theNewestRequestWins() throws Exception {
        phoneLife();
        f.check(old, Map.of("customId", "old-tablet"));
        HeldTaskRunner held = new HeldTaskRunner();
        DeviceDetailViewModel vm = vm(held);

        vm.show(APP, phone);
        assertTrue(vm.loadingProperty().get());
        vm.show(APP, old);
        assertNull(vm.deviceProperty().get(), "nothing of the first device is shown while the second loads");
        assertEquals(2, held.size());
        held.run(1);   // the second device's answer arrives first
        assertEquals("old-tablet", vm.customIdProperty().get());
        assertFalse(vm.loadingProperty().get());
        held.run(0);   // then the first one's, late: dropped
        assertEquals(old, vm.deviceProperty().get().deviceId());
        assertEquals("old-tablet", vm.customIdProperty().get());
        assertTrue(vm.bundles().isEmpty());

        // Same the other way round: the first answer comes while the second is still on its way.
        vm.show(APP, phone);
        vm.show(APP, old);
        held.run(0);
        assertNull(vm.deviceProperty().get());
        assertTrue(vm.loadingProperty().get(), "still loading the device asked for last");
        held.run(0);
        assertEquals("old-tablet", vm.customIdProperty().get());
    }

    @Test
    void errorsAreShownInPlace() throws Exception {
        DeviceDetailViewModel vm = vm(fx.tasks);
        String unknown = DeviceFixture.newDevice();
        vm.show(APP, unknown);
        assertEquals("The server knows no device " + unknown + " of app " + APP + ".", vm.messageProperty().get());
        assertNull(vm.deviceProperty().get());
        assertFalse(vm.loadingProperty().get());

        f.check(phone, Map.of());
        vm.show(APP, phone);
        assertEquals("", vm.messageProperty().get());
        server.close();
        vm.refresh();
        assertTrue(vm.messageProperty().get().startsWith("Could not load device " + phone + ": "),
                vm.messageProperty().get());
        assertEquals(phone, vm.deviceProperty().get().deviceId(), "what was shown stays, with the error above it");
        assertEquals(ConnectionState.OFFLINE, fx.connection.stateProperty().get());
    }

    @Test
    void anOverrideIsSetAndClearedOnTheServer() throws Exception {
        f.check(phone, Map.of());
        DeviceDetailViewModel vm = vm(fx.tasks);
        vm.show(APP, phone);
        assertTrue(vm.cannotSetOverrideProperty().get(), "no channel chosen yet");
        assertTrue(vm.cannotClearOverrideProperty().get(), "no override to clear");

        vm.overrideChoiceProperty().set("beta");
        assertFalse(vm.cannotSetOverrideProperty().get());
        vm.setOverride();
        assertEquals("", vm.overrideMessageProperty().get());
        assertEquals("beta", serverDevice().path("channelOverride").asText());
        assertEquals("beta", vm.channelOverrideProperty().get(), "the device was read again");
        assertFalse(vm.cannotClearOverrideProperty().get());

        // At its next check the device is on beta, by the override.
        f.check(phone, Map.of());
        vm.refresh();
        assertEquals("beta", vm.channelProperty().get());
        assertEquals("override", vm.channelSourceProperty().get());
        assertEquals("beta: pinned to it from the console (override)", vm.channelExplanationProperty().get());

        vm.clearOverride();
        assertTrue(serverDevice().path("channelOverride").isNull());
        assertEquals("", vm.channelOverrideProperty().get());
        assertTrue(vm.cannotClearOverrideProperty().get());
    }

    @Test
    void theRolloutSectionSaysWhyTheDeviceGotItsBundle() throws Exception {
        f.patchChannel("production", "{\"bundle\":\"1.4.0\"}");
        var rollout = fx.connection.session().client().startRollout(APP, "production",
                new RolloutStart("1.5.0", 2500, null, null, null, "first quarter"));
        f.check(phone, Map.of());
        DeviceDetailViewModel vm = vm(fx.tasks);
        vm.show(APP, phone);

        RolloutDecision d = vm.rolloutProperty().get();
        int bucket = RolloutBucket.of(rollout.id(), phone);
        boolean selected = bucket < 2500;
        assertEquals(rollout.id(), d.id());
        assertEquals(bucket, d.bucket());
        assertEquals(selected, d.selected());
        assertEquals("Rollout " + rollout.id() + " on production: running, 1.4.0 → 1.5.0", vm.rolloutSummaryProperty().get());
        assertEquals("25.00 %", vm.rolloutPercentageProperty().get());
        assertEquals(bucket + " of 10000", vm.rolloutBucketProperty().get());
        assertEquals(selected ? "selected: gets 1.5.0" : "not selected: stays on 1.4.0", vm.rolloutSelectedProperty().get());
        assertTrue(vm.rolloutExplanationProperty().get().contains(Integer.toString(bucket)),
                vm.rolloutExplanationProperty().get());
        String check = vm.timeline().get(0).sentence();
        assertEquals("Update check: offered " + (selected ? "1.5.0" : "1.4.0") + " (channel production, default); rollout"
                + " 25.00 %, bucket " + bucket + (selected ? ": selected" : ": not selected"), check);
    }

    private JsonNode serverDevice() throws Exception {
        return json(server.json("GET", f.base + "/devices/" + phone, null));
    }
}
