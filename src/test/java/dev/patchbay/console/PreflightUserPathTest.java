package dev.patchbay.console;

import static dev.patchbay.console.FxLookups.label;
import static dev.patchbay.console.FxLookups.onFx;
import static dev.patchbay.console.FxLookups.table;
import static dev.patchbay.console.FxLookups.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.client.AuditQuery;
import dev.patchbay.client.FreshnessKeyInfo;
import dev.patchbay.client.PatchbayClient;
import dev.patchbay.crypto.AppKeys;
import dev.patchbay.crypto.BlobRef;
import dev.patchbay.crypto.BundleInput;
import dev.patchbay.crypto.BundleSealer;
import dev.patchbay.crypto.Codec;
import dev.patchbay.crypto.Ed25519;
import dev.patchbay.crypto.KeyFileOptions;
import dev.patchbay.crypto.SealedBundle;
import dev.patchbay.domain.ChannelDraft;
import dev.patchbay.domain.rollout.Rollout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.control.ScrollPane;
import javafx.scene.image.ImageView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The rollout start form's Preflight through the real console on the Local sandbox, headless: production serves
 * 1.0.0; the preflight of 1.1.0 (whose page throws and never confirms) runs in the background on a real WebView
 * device (a first run is cancelled and cleans up), shows it NOT confirmed with its JS error and a screenshot thumbnail, and blocks Start until "Start anyway";
 * the forced start's audit entry keeps the preflight failure and the reason.
 */
class PreflightUserPathTest extends ConsoleUserPath {
    private static final String APP = "com.example.shop";
    private static final String PASS = "horse-staple";

    @TempDir
    Path work;

    @Test
    void aFailedPreflightShowsWhyAndBlocksStartUntilForced(FxRobot robot) throws Exception {
        AppKeys keys = AppKeys.create(APP, home.resolve("keys").resolve(APP), PASS.toCharArray(), KeyFileOptions.FAST);
        launchOnSandbox(robot, fastKeyOptions());
        PatchbayClient client = app.connection().session().client();
        client.createApp(APP, "Shop");
        client.registerTrust(APP, keys.exportTrust());
        FreshnessKeyInfo fk = client.freshnessKey();
        Instant now = Instant.now();
        client.putFreshnessCert(APP, keys.certifyFreshnessKey(Codec.unb64(fk.publicKey(), Ed25519.KEY_LENGTH,
                "publicKey"), now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofDays(1))));
        publish(client, keys, "1.0.0", 1, "<script>Capacitor.Plugins.CapacitorUpdater.notifyAppReady();</script>");
        publish(client, keys, "1.1.0", 2, "<h1 style='color:#c00'>Shop 1.1.0</h1>"
                + "<script>throw new Error('boom in 1.1.0');</script>");
        client.createChannel(APP, ChannelDraft.named("production"));
        client.setChannelBundle(APP, "production", "1.0.0");
        keys.close();

        robot.clickOn("#nav-channels");
        robot.clickOn("#channel-refresh");
        waitUntil(() -> table(robot, "#channels-table").getItems().size() == 1);
        robot.clickOn(robot.lookup("#channels-table .table-cell").match((Node n) -> n instanceof javafx.scene.control.Labeled x
                && "production".equals(x.getText())).<Node>query());
        waitUntil(() -> !robot.lookup("#rollout-start").queryButton().isDisabled());
        click(robot, "#rollout-start");
        waitUntil(() -> "1.1.0".equals(app.rollouts().forms().targetProperty().get()));

        // Preflight without the passphrase: asked for; then one device, in the background.
        click(robot, "#preflight-run");
        waitUntil(() -> label(robot, "#preflight-error").getText().contains("passphrase"));
        click(robot, "#rollout-passphrase").write(PASS);
        robot.interact(() -> robot.lookup("#preflight-devices").queryTextInputControl().setText("1"));
        // Cancel while the device runs: stopped, said so, the temporary channel removed.
        click(robot, "#preflight-run");
        waitUntil(() -> label(robot, "#preflight-status").getText().contains("moving to 1.1.0"));
        // the device's WebView window lies over the console while it runs: press the button itself
        robot.interact(() -> robot.lookup("#preflight-cancel").queryButton().fire());
        waitUntil(() -> !app.rollouts().forms().preflight().runningProperty().get());
        assertEquals("Preflight cancelled", label(robot, "#preflight-error").getText(), () -> {
            try {
                return onFx(() -> label(robot, "#preflight-status").getText() + " / rows "
                        + app.rollouts().forms().preflight().rows() + " / report " + app.rollouts().forms().preflight()
                        .reportProperty().get());
            } catch (Exception e) {
                return e.toString();
            }
        });
        waitUntil(() -> client.listChannels(APP).stream().noneMatch(c -> c.name().startsWith("preflight-")));
        click(robot, "#preflight-run");
        waitUntil(() -> app.rollouts().forms().preflight().runningProperty().get());
        assertTrue(robot.lookup("#preflight-cancel").queryButton().isVisible());
        assertTrue(robot.lookup("#rollout-form-submit").queryButton().isDisabled(), "no Start while it runs");
        WaitForAsyncUtils.waitFor(90, TimeUnit.SECONDS, () -> onFx(() ->
                !app.rollouts().forms().preflight().runningProperty().get()));
        waitUntil(() -> label(robot, "#preflight-device-0").getText().contains("NOT confirmed"));
        assertTrue(label(robot, "#preflight-status").getText().startsWith("FAILED: 0 of 1"),
                label(robot, "#preflight-status").getText());
        String problems = onFx(() -> robot.lookup(".label").queryAllAs(javafx.scene.control.Label.class).stream()
                .filter(l -> l.getId() != null && l.getId().startsWith("preflight-problem-0-"))
                .map(javafx.scene.control.Label::getText).toList()).toString();
        assertTrue(problems.contains("boom in 1.1.0"), problems);
        assertTrue(problems.contains("notifyAppReady"), problems);
        waitUntil(() -> {
            ImageView shot = robot.lookup("#preflight-shot-0").queryAs(ImageView.class);
            return shot.getImage() != null && shot.getImage().getProgress() >= 1 && !shot.getImage().isError()
                    && shot.getImage().getWidth() > 0;
        });

        // Blocked until "Start anyway"; the forced start carries the failure to the audit log.
        click(robot, "#rollout-form-reason").write("hotfix, splash only");
        assertTrue(robot.lookup("#rollout-form-submit").queryButton().isDisabled(), "a failed preflight blocks Start");
        click(robot, "#preflight-force");
        click(robot, "#rollout-form-submit");
        waitUntil(() -> app.rollouts().rolloutProperty().get() != null && app.rollouts().rolloutProperty().get()
                .active());
        Rollout r = client.rollout(APP, "production");
        assertEquals("1.1.0", r.targetBundle());
        String detail = client.audit(new AuditQuery(APP, null, "rollout.start", null, null, null, 10, null)).items()
                .get(0).detail();
        assertTrue(detail.contains("preflight=FAILED (started anyway in the console): 0 of 1 devices confirmed 1.1.0"
                + " from 1.0.0"), detail);
        assertTrue(detail.contains("reason=hotfix, splash only"), detail);
        assertTrue(client.listChannels(APP).stream().noneMatch(c -> c.name().startsWith("preflight-")),
                "the temporary channel is gone");
    }

    private static org.testfx.api.FxRobotInterface click(FxRobot robot, String query) {
        Node n = robot.lookup(query).query();
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
        return robot.clickOn(query);
    }

    private void publish(PatchbayClient client, AppKeys keys, String version, long sequence, String body)
            throws Exception {
        Path dir = Files.createDirectories(work.resolve("www-" + version));
        Files.writeString(dir.resolve("index.html"), "<!doctype html><html><head><title>Shop " + version
                + "</title></head><body>" + body + "</body></html>");
        Path tmp = Files.createTempDirectory(work, "sealed-");
        try (BundleInput input = BundleInput.open(dir)) {
            SealedBundle sealed = BundleSealer.seal(input, BundleSealer.Request.of(keys, version, sequence, null, null),
                    tmp);
            Map<String, BlobRef> all = new LinkedHashMap<>();
            all.put(sealed.manifestBlob().sha256(), sealed.manifestBlob());
            sealed.blobs().forEach(b -> all.put(b.sha256(), b));
            client.newPublish(APP, version, sealed.envelope(), tmp, new ArrayList<>(all.values()), (done, total) -> { })
                    .run();
        }
    }
}
