package dev.patchbay.console;

import static dev.patchbay.console.FxLookups.label;
import static dev.patchbay.console.FxLookups.onFx;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.client.AuditEntry;
import dev.patchbay.client.PatchbayClient;
import dev.patchbay.domain.ChannelDraft;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/** Overview and Activity in the real console, headless, on the Local sandbox. */
class ActivityUserPathTest extends ConsoleUserPath {
    @Test
    void overviewShowsTheRolloutAndActivityFiltersTheLog(FxRobot robot) throws Exception {
        launchOnSandbox(robot, options());
        PatchbayClient client = app.connection().session().client();
        client.createApp("com.example.shop", "Shop");
        client.createChannel("com.example.shop", ChannelDraft.named("production").withDefaults());
        client.createChannel("com.example.shop", ChannelDraft.named("beta").withDefaults());
        dev.patchbay.console.overview.OverviewViewModelTest.startRollout(client, home.resolve("blobs"),
                "com.example.shop", 1250, null);

        // Overview: the app's card with the rollout at 12.50 %.
        robot.clickOn("#nav-overview");
        waitUntil(() -> robot.lookup("#overview-percent-production-com-example-shop").tryQuery().isPresent());
        assertEquals("12.50 %", label(robot, "#overview-percent-production-com-example-shop").getText());
        assertEquals("0 devices", label(robot, "#overview-devices-com-example-shop").getText());
        // Its channel link goes to the Channels page with the app chosen.
        robot.clickOn("#overview-rollout-production-com-example-shop");
        waitUntil(() -> robot.lookup("#channels-page").tryQuery().map(n -> n.getScene() != null).orElse(false));
        assertEquals("com.example.shop", onFx(() -> ((dev.patchbay.domain.App) robot.lookup("#channel-app")
                .queryAs(ComboBox.class).getValue()).id()));

        // Activity (Ctrl+9; API keys is Ctrl+0): the newest entries; the action filter narrows them; an entry reads in
        // full.
        robot.press(KeyCode.CONTROL).type(KeyCode.DIGIT9).release(KeyCode.CONTROL);
        waitUntil(() -> entries(robot).size() >= 6);
        assertEquals("rollout.start", entries(robot).get(0).action());
        robot.clickOn("#activity-action");
        robot.clickOn("channel.*");
        waitUntil(() -> entries(robot).stream().allMatch(e -> e.action().startsWith("channel.")));
        assertEquals(List.of("channel.create", "channel.create"), entries(robot).stream().map(AuditEntry::action).toList());
        robot.clickOn("com.example.shop/beta");
        waitUntil(() -> robot.lookup("#activity-detail").queryAs(TextArea.class).getText().contains("com.example.shop/beta"));
        robot.clickOn("#activity-action");
        robot.clickOn("rollout.*");
        waitUntil(() -> entries(robot).size() == 1 && entries(robot).get(0).action().equals("rollout.start"));
        assertEquals("rollout.", onFx(() -> robot.lookup("#activity-action").queryAs(ChoiceBox.class).getValue()));
        // One time rule (ADR 0106): local time, with the UTC instant beside it where text is read and copied; shares
        // in percent, not basis points.
        robot.interact(() -> ((TableView<?>) robot.lookup("#activity-table").query()).getSelectionModel().select(0));
        waitUntil(() -> robot.lookup("#activity-detail").queryAs(TextArea.class).getText().contains("rollout.start"));
        String detail = onFx(() -> robot.lookup("#activity-detail").queryAs(TextArea.class).getText());
        java.time.Instant at = entries(robot).get(0).at();
        assertTrue(detail.contains("Time:    " + dev.patchbay.console.common.Times.withUtc(at)), detail);
        assertTrue(detail.contains("share=12.50 %") && !detail.contains("bps="), detail);
    }

    @SuppressWarnings("unchecked")
    private static List<AuditEntry> entries(FxRobot robot) {
        return List.copyOf(((TableView<AuditEntry>) robot.lookup("#activity-table").query()).getItems());
    }

    private void waitUntil(Callable<Boolean> condition) throws Exception {
        try {
            WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> {
                WaitForAsyncUtils.waitForFxEvents();
                return onFx(condition);
            });
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("Condition not met in time; pages shown: " + onFx(() -> new FxRobot()
                    .lookup(".page").queryAll().stream().filter(n -> n.getScene() != null).map(javafx.scene.Node::getId)
                    .toList()) + ", labels: " + onFx(() -> new FxRobot().lookup(".label").queryAll().stream()
                    .filter(n -> n.getScene() != null).map(n -> n.getId() + "=" + ((Label) n).getText()).toList()), e);
        }
    }
}
