package dev.patchbay.console;

import static dev.patchbay.console.FxLookups.label;
import static dev.patchbay.console.FxLookups.onFx;
import static dev.patchbay.console.FxLookups.table;
import static dev.patchbay.console.FxLookups.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.client.FailureBucket;
import dev.patchbay.client.PatchbayClient;
import dev.patchbay.client.RolloutChange;
import dev.patchbay.crypto.AppKeys;
import dev.patchbay.crypto.BlobRef;
import dev.patchbay.crypto.BundleInput;
import dev.patchbay.crypto.BundleSealer;
import dev.patchbay.crypto.KeyFileOptions;
import dev.patchbay.crypto.SealedBundle;
import dev.patchbay.crypto.TrustRoot;
import dev.patchbay.domain.ChannelDraft;
import dev.patchbay.domain.Platform;
import dev.patchbay.domain.RolloutBucket;
import dev.patchbay.domain.Json;
import dev.patchbay.domain.rollout.Rollout;
import dev.patchbay.domain.rollout.RolloutState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.control.ScrollPane;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Label;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * A staged rollout through the real console on the Local sandbox, headless: production serves 1.0.0 (published with
 * the console's keys, which are locked), Start rollout… of 1.1.0 on a manual plan whose first stage is 10 % (the
 * passphrase unlocks the keys, the console builds and attaches the rollback release), 25 % with a reason, pause,
 * resume, promote — the server's rollout checked after each step. Between, devices report failures of 1.1.0 through
 * the device protocol's {@code POST /stats}; clicking their bar lists them.
 */
class RolloutUserPathTest extends ConsoleUserPath {
    private static final String APP = "com.example.shop";
    private static final String PASS = "horse-staple";

    @TempDir
    Path work;

    private TrustRoot trust;

    @Test
    void startChangePauseResumePromoteAndListFailedDevices(FxRobot robot) throws Exception {
        // Keys in the console's key folder (made as the Keys page makes them; locked when the console starts).
        AppKeys keys = AppKeys.create(APP, home.resolve("keys").resolve(APP), PASS.toCharArray(), KeyFileOptions.FAST);
        launchOnSandbox(robot, fastKeyOptions());
        PatchbayClient client = app.connection().session().client();
        client.createApp(APP, "Shop");
        client.registerTrust(APP, keys.exportTrust());
        publish(client, keys, "1.0.0", 1);
        publish(client, keys, "1.1.0", 2);
        // Android devices land on production by default: the failing devices below check in before they report.
        client.createChannel(APP, new ChannelDraft("production", null, Set.of(Platform.ANDROID), null, null, null, null));
        trust = keys.trust();
        // ... and get answers they can trust: the app certifies the sandbox's freshness key (Keys page, "Register trust").
        client.putFreshnessCert(APP, keys.certifyFreshnessKey(
                dev.patchbay.crypto.Codec.unb64(client.freshnessKey().publicKey(), 32, "publicKey"),
                java.time.Instant.now().minusSeconds(60), java.time.Instant.now().plus(Duration.ofDays(30))));
        client.setChannelBundle(APP, "production", "1.0.0");
        keys.close();

        robot.clickOn("#nav-channels");
        assertEquals("Channels & Rollouts", label(robot, "#channels-page .title-3").getText());
        robot.clickOn("#channel-refresh");
        waitUntil(() -> table(robot, "#channels-table").getItems().size() == 1);
        robot.clickOn(robot.lookup("#channels-table .table-cell").match((Node n) -> n instanceof javafx.scene.control.Labeled x
                && "production".equals(x.getText())).<Node>query());
        waitUntil(() -> !robot.lookup("#rollout-start").queryButton().isDisabled());

        // Start: the plan 10 → 50 → 100 %, advanced by hand.
        click(robot, "#rollout-start");
        waitUntil(() -> "1.1.0".equals(app.rollouts().forms().targetProperty().get()));
        assertTrue(label(robot, "#rollout-keys-status").getText().contains("locked"));
        click(robot, "#rollout-stage-remove-0");
        waitUntil(() -> robot.lookup("#rollout-stage-percent-0").queryTextInputControl().getText().equals("10"));
        click(robot, "#rollout-plan-auto");
        click(robot, "#rollout-form-reason").write("canary of 1.1.0");
        click(robot, "#rollout-form-submit");
        waitUntil(() -> !label(robot, "#rollout-passphrase-error").getText().isEmpty());
        click(robot, "#rollout-passphrase").write(PASS);
        click(robot, "#rollout-form-submit");
        waitUntil(() -> app.rollouts().rolloutProperty().get() != null
                && state(app) == RolloutState.RUNNING);
        Rollout r = client.rollout(APP, "production");
        assertEquals(RolloutState.RUNNING, r.state());
        assertEquals(1000, r.bps());
        assertEquals("1.1.0", r.targetBundle());
        assertEquals("1.0.0", r.stableBundle());
        assertEquals(List.of(1000, 5000, 10000), r.plan().stages().stream().map(s -> s.bps()).toList());
        assertEquals(false, r.plan().auto());
        assertNotNull(r.rollbackBundle(), "the console built and attached the rollback release");
        assertTrue(r.startedBy().endsWith(" as " + ConsoleApp.actor()), r.startedBy());
        assertEquals("10", robot.lookup("#rollout-percent").queryTextInputControl().getText());
        assertEquals("RUNNING", label(robot, "#rollout-state").getText());
        assertTrue(robot.lookup("#rollout-stage-0").queryAs(Label.class).getStyleClass().contains("current-stage"));

        // 25 % with a reason.
        reveal(robot, "#rollout-percent");
        robot.doubleClickOn("#rollout-percent").eraseText(4).write("25");
        assertEquals(25.0, app.rollouts().sliderPercentProperty().get(), 1e-9, "the slider follows the field");
        click(robot, "#rollout-apply");
        robot.clickOn("#reason-field").write("no crash reports at 10 %");
        robot.clickOn("#confirm-button");
        waitUntil(() -> app.rollouts().rolloutProperty().get().bps() == 2500);
        r = client.rollout(APP, "production");
        assertEquals(2500, r.bps());
        assertEquals("no crash reports at 10 %", r.reason());
        List<RolloutChange> history = client.rolloutHistory(APP, r.id());
        assertTrue(history.stream().anyMatch(h -> h.toBps() == 2500 && h.fromBps() != null && h.fromBps() == 1000
                && "no crash reports at 10 %".equals(h.reason())), history.toString());

        // Three devices fail on 1.1.0, one is fine: the failure chart shows a bar as wide as its minute.
        // Only devices the server offered 1.1.0 count for its health (ADR 0094): each is a device the 25 % selects, and
        // checks for updates first.
        Set<String> failed = new TreeSet<>();
        for (int i = 0; i < 3; i++) {
            String device = offeredDevice(r.id(), r.bps());
            failed.add(device);
            stats(device, i == 0 ? "rollback" : "download_fail");
        }
        stats(offeredDevice(r.id(), r.bps()), "app_ready");
        AtomicReference<Node> bar = new AtomicReference<>(failureBar(robot, 3));
        reveal(robot, bar.get());
        double x = onFx(() -> bar.get().getBoundsInParent().getMinX());
        double width = onFx(() -> bar.get().getBoundsInParent().getWidth());
        assertTrue(width >= 20, "a minute of a fresh rollout is a bar a person can click: " + width + " px");

        // The keyboard's way: choose the step; refreshes (every 3 s on the page) keep the choice and the bar in place.
        robot.clickOn("#rollout-failure-step");
        robot.clickOn(robot.lookup(".list-cell").match((Node n) -> n instanceof javafx.scene.control.Labeled l
                && l.getText() != null && l.getText().contains("3 of 4 devices failed")).<Node>query());
        FailureBucket chosen = onFx(() -> app.rollouts().charts().chosenProperty().get());
        assertEquals(3, chosen.failures());
        for (int i = 0; i < 3; i++) {
            Thread.sleep(300);
            robot.interact(() -> app.rollouts().poll());
            WaitForAsyncUtils.waitForFxEvents();
            waitUntil(() -> !app.rollouts().polling());
            WaitForAsyncUtils.waitForFxEvents();
        }
        // A refresh applies its reading on the FX thread after polling() turns false: wait for that, then the
        // chooser must show the same step again (a lost choice times out here).
        waitUntil(() -> {
            FailureBucket shown = onFx(() -> robot.lookup("#rollout-failure-step")
                    .<javafx.scene.control.ComboBox<FailureBucket>>query().getValue());
            return shown != null && chosen.from().equals(shown.from());
        });
        assertTrue(onFx(() -> robot.from(robot.lookup("#rollout-failure-step").<Node>query()).lookup(".list-cell")
                .match((Node n) -> n instanceof javafx.scene.control.Labeled l && l.getText() != null
                        && l.getText().contains("3 of 4 devices failed")).tryQuery().isPresent()), "shown in the chooser");
        assertTrue(onFx(() -> bar.get().getScene() != null && dataOf(robot, bar.get()) != null),
                "the same bar, its numbers changed in place");
        assertEquals(x, onFx(() -> bar.get().getBoundsInParent().getMinX()), 0.01, "the bar did not move");
        assertEquals(width, onFx(() -> bar.get().getBoundsInParent().getWidth()), 0.01);
        click(robot, "#rollout-failure-devices");
        assertDevicesPageShows(robot, failed, "failed 1.1.0 on production, ");

        // Clicking the bar itself opens the same devices on the Devices page.
        robot.clickOn("#nav-channels");
        waitUntil(() -> robot.lookup("#rollout-failure-chart").tryQuery().isPresent()
                && robot.lookup("#rollout-failure-chart").query().getScene() != null);
        onFx(() -> {
            app.devices().pickProperty().set(null);
            return null;
        });
        Node again = failureBar(robot, 3);
        reveal(robot, again);
        robot.clickOn(again);
        assertDevicesPageShows(robot, failed, "failed 1.1.0 on production, ");

        // Per stage: one bar per stage that ran (10 %, then 25 % set by hand); the 25 % one holds the three failures,
        // and a click opens them. The choice of chart is a setting, kept for the next session.
        robot.clickOn("#nav-channels");
        waitUntil(() -> robot.lookup("#rollout-failures-by-stage").tryQuery().isPresent()
                && robot.lookup("#rollout-failures-by-stage").query().getScene() != null);
        click(robot, "#rollout-failures-by-stage");
        Node stageBar = stageBar(robot, "25 %", 3);
        assertEquals(2, onFx(() -> app.rollouts().charts().stages().size()), "10 % and 25 %");
        assertEquals(0L, onFx(() -> app.rollouts().charts().stages().get(0).failures()), "none failed at 10 %");
        reveal(robot, stageBar);
        robot.clickOn(stageBar);
        assertDevicesPageShows(robot, failed, "failed 1.1.0 on production, 25 %");
        waitUntil(() -> Files.readString(home.resolve("settings.json")).contains("\"failuresByStage\" : true"));

        // The Overview: devices per bundle, the rollout's health, and its failures as a link to those devices.
        robot.clickOn("#nav-overview");
        String failures = "#overview-rollout-failures-production-com-example-shop";
        waitUntil(() -> robot.lookup(failures).tryQuery().isPresent()
                && robot.lookup("#overview-bundle-builtin-com-example-shop").tryQuery().isPresent());
        assertTrue(label(robot, "#overview-bundle-builtin-com-example-shop").getText().startsWith("builtin: "));
        assertTrue(label(robot, "#overview-bundles-counted-com-example-shop").getText().startsWith(
                "Devices per bundle, counted "), "the count's time (the server keeps it a minute)");
        assertTrue(label(robot, "#overview-health-production-com-example-shop").getText().matches(
                "healthy|failing|insufficient data|health not read yet"));
        // Its rollout line and bundles show whole at the default window (see PageLayoutTest).
        assertEquals(List.of(), onFx(() -> PageLayoutTest.truncated(robot.lookup("#main-window").query())));
        robot.clickOn(failures);
        assertDevicesPageShows(robot, failed, "failed 1.1.0 on production since the rollout started");
        robot.clickOn("#devices-pick-clear");
        waitUntil(() -> label(robot, "#devices-pick").getText().isEmpty() && onFx(() -> app.devices().rows().size()) >= 4);
        robot.clickOn("#nav-channels");
        waitUntil(() -> robot.lookup("#rollout-pause").tryQuery().isPresent()
                && robot.lookup("#rollout-pause").query().getScene() != null);

        // Pause (by keyboard: the mnemonic), resume, promote.
        robot.press(KeyCode.ALT).type(KeyCode.A).release(KeyCode.ALT);
        robot.clickOn("#reason-field").write("waiting for the crash triage");
        robot.type(KeyCode.ENTER);
        waitUntil(() -> state(app) == RolloutState.PAUSED);
        assertEquals(RolloutState.PAUSED, client.rollout(APP, "production").state());
        waitUntil(() -> robot.lookup("#rollout-pause").queryButton().isDisabled()
                && !robot.lookup("#rollout-resume").queryButton().isDisabled());

        click(robot, "#rollout-resume");
        // The confirmation gives the health reading of the rollout it sends to more devices again.
        assertTrue(label(robot, "#confirm-text").getText().contains("\n\nHealth"), label(robot, "#confirm-text").getText());
        robot.clickOn("#reason-field").write("triage done: network flake");
        robot.clickOn("#confirm-button");
        waitUntil(() -> state(app) == RolloutState.RUNNING);
        assertEquals(RolloutState.RUNNING, client.rollout(APP, "production").state());

        click(robot, "#rollout-promote");
        robot.clickOn("#cancel-button");
        assertEquals(RolloutState.RUNNING, client.rollout(APP, "production").state(), "cancel changes nothing");
        click(robot, "#rollout-promote");
        robot.clickOn("#reason-field").write("healthy at 25 %");
        robot.clickOn("#confirm-button");
        waitUntil(() -> state(app) == RolloutState.COMPLETED);
        r = client.rollout(APP, "production");
        assertEquals(RolloutState.COMPLETED, r.state());
        assertEquals(10000, r.bps());
        assertEquals("1.1.0", client.getChannel(APP, "production").bundle());
        waitUntil(() -> !robot.lookup("#rollout-start").queryButton().isDisabled());
        waitUntil(() -> "1.1.0".equals(((dev.patchbay.domain.Channel) table(robot, "#channels-table").getItems().get(0))
                .bundle()));
        List<String> actions = client.rolloutHistory(APP, r.id()).stream().map(RolloutChange::action).toList();
        assertTrue(actions.containsAll(List.of("rollout.start", "rollout.set", "rollout.pause", "rollout.resume",
                "rollout.promote")), actions.toString());
    }

    /** The failure bar with {@code failures} failed devices, once a poll shows it. */
    private Node failureBar(FxRobot robot, int failures) throws Exception {
        AtomicReference<Node> bar = new AtomicReference<>();
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> {
            robot.interact(() -> app.rollouts().poll());
            WaitForAsyncUtils.waitForFxEvents();
            return onFx(() -> {
                for (Node n : robot.lookup("#rollout-failure-chart .failure-bar").queryAll()) {
                    XYChart.Data<?, ?> d = dataOf(robot, n);
                    if (d != null && d.getExtraValue() instanceof FailureBucket b && b.failures() == failures) {
                        bar.set(n);
                        return true;
                    }
                }
                return false;
            });
        });
        return bar.get();
    }

    /** The bar of the stage named {@code stage} once a poll shows it with {@code failures} failed devices. */
    private Node stageBar(FxRobot robot, String stage, int failures) throws Exception {
        AtomicReference<Node> bar = new AtomicReference<>();
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> {
            robot.interact(() -> app.rollouts().poll());
            WaitForAsyncUtils.waitForFxEvents();
            return onFx(() -> {
                for (Object s : robot.lookup("#rollout-stage-chart").queryAs(XYChart.class).getData()) {
                    for (Object o : ((XYChart.Series<?, ?>) s).getData()) {
                        XYChart.Data<?, ?> d = (XYChart.Data<?, ?>) o;
                        if (d.getExtraValue() instanceof dev.patchbay.console.channels.RolloutStages.StageFailures f
                                && f.span().label().equals(stage) && f.failures() == failures && d.getNode() != null) {
                            bar.set(d.getNode());
                            return true;
                        }
                    }
                }
                return false;
            });
        });
        return bar.get();
    }

    /** The Devices page is in front, limited to exactly {@code expected}, and says so. */
    private void assertDevicesPageShows(FxRobot robot, Set<String> expected, String label) throws Exception {
        waitUntil(() -> robot.lookup("#devices-table").tryQuery().isPresent()
                && robot.lookup("#devices-table").query().getScene() != null
                && table(robot, "#devices-table").getItems().size() == expected.size());
        Set<String> shown = new TreeSet<>();
        for (Object o : table(robot, "#devices-table").getItems()) {
            shown.add(((dev.patchbay.cache.DeviceRow) o).deviceId());
        }
        assertEquals(expected, shown);
        String pick = label(robot, "#devices-pick").getText();
        assertTrue(pick.startsWith("Showing only: " + label) && pick.endsWith("· 3 devices"), pick);
        assertEquals(APP, onFx(() -> app.devices().appProperty().get().id()));
    }

    /** Scrolls the rollout panel so the node shows, as a user would, and clicks it. */
    private static org.testfx.api.FxRobotInterface click(FxRobot robot, String query) {
        reveal(robot, robot.lookup(query).query());
        return robot.clickOn(query);
    }

    private static void reveal(FxRobot robot, String query) {
        reveal(robot, robot.lookup(query).<Node>query());
    }

    private static void reveal(FxRobot robot, Node n) {
        robot.interact(() -> {
            ScrollPane sp = robot.lookup("#rollout-scroll").queryAs(ScrollPane.class);
            Node content = sp.getContent();
            Bounds b = content.sceneToLocal(n.localToScene(n.getBoundsInLocal()));
            double room = content.getBoundsInLocal().getHeight() - sp.getViewportBounds().getHeight();
            if (room > 0) {
                sp.setVvalue(Math.max(0, Math.min(1, (b.getMinY() - 20) / room)));
            }
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    private static RolloutState state(ConsoleApp app) {
        Rollout r = app.rollouts().rolloutProperty().get();
        return r == null ? null : r.state();
    }

    private static XYChart.Data<?, ?> dataOf(FxRobot robot, Node bar) {
        for (Object s : robot.lookup("#rollout-failure-chart").queryAs(XYChart.class).getData()) {
            for (Object d : ((XYChart.Series<?, ?>) s).getData()) {
                if (((XYChart.Data<?, ?>) d).getNode() == bar) {
                    return (XYChart.Data<?, ?>) d;
                }
            }
        }
        return null;
    }

    /** Seals {@code version} with the keys and uploads it, as the Bundles page does. */
    private void publish(PatchbayClient client, AppKeys keys, String version, long sequence) throws Exception {
        Path dir = work.resolve("www-" + version);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("index.html"), "<!doctype html><title>Shop " + version + "</title>");
        Path tmp = Files.createTempDirectory(work, "sealed-");
        try (BundleInput input = BundleInput.open(dir)) {
            SealedBundle sealed = BundleSealer.seal(input, BundleSealer.Request.of(keys, version, sequence, null, null), tmp);
            Map<String, BlobRef> all = new LinkedHashMap<>();
            all.put(sealed.manifestBlob().sha256(), sealed.manifestBlob());
            sealed.blobs().forEach(b -> all.put(b.sha256(), b));
            client.newPublish(APP, version, sealed.envelope(), tmp, new ArrayList<>(all.values()), (done, total) -> { })
                    .run();
        }
    }

    /** A new device the rollout selects, after an update check in which the server offered it the target 1.1.0. */
    private String offeredDevice(String rolloutId, int bps) throws Exception {
        String device = UUID.randomUUID().toString();
        while (RolloutBucket.of(rolloutId, device) >= bps) {
            device = UUID.randomUUID().toString();
        }
        ObjectNode check = Json.mapper().createObjectNode();
        check.put("appId", APP);
        check.put("deviceId", device);
        check.put("platform", "android");
        check.put("osVersion", "14");
        check.put("nativeVersion", "1.0.0");
        check.put("nativeBuild", 100);
        check.put("runtimeVersion", "0.1.0");
        check.put("currentBundle", "builtin");
        check.put("isEmulator", false);
        check.put("isProduction", true);
        ObjectNode ids = check.putObject("keyIds");
        ids.put("root", trust.rootKeyId());
        ids.put("content", trust.contentKeyId());
        check.put("nonce", "AAAAAAAAAAAAAAAAAAAAAA");
        JsonNode answer = Json.mapper().readTree(post("/updates", check).body());
        assertEquals("1.1.0", answer.path("release").path("release").path("version").asText(), answer.toString());
        return device;
    }

    private HttpResponse<String> post(String path, ObjectNode body) throws Exception {
        String url = app.connection().serverUrlProperty().get().replaceAll("/+$", "") + path;
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** One event of {@code device} about bundle 1.1.0, through the device protocol (device-protocol §5). */
    private void stats(String device, String action) throws Exception {
        ObjectNode batch = Json.mapper().createObjectNode();
        batch.put("appId", APP);
        batch.put("deviceId", device);
        ArrayNode events = batch.putArray("events");
        ObjectNode e = events.addObject();
        e.put("id", UUID.randomUUID().toString());
        e.put("action", action);
        e.put("bundle", "1.1.0");
        e.putNull("oldBundle");
        e.put("at", Instant.now().toString());
        ObjectNode details = e.putObject("details");
        if (!action.equals("app_ready")) {
            details.put("reason", action.equals("rollback") ? "app_ready_timeout" : "timeout");
        }
        HttpResponse<String> r = post("/stats", batch);
        assertEquals(200, r.statusCode(), r.body());
    }
}
