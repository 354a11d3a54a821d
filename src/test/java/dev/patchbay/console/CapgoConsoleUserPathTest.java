package dev.patchbay.console;

import static dev.patchbay.console.FxLookups.label;
import static dev.patchbay.console.FxLookups.onFx;
import static dev.patchbay.console.FxLookups.table;
import static dev.patchbay.console.FxLookups.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.client.CapgoClient;
import dev.patchbay.crypto.capgo.CapgoKeyFile;
import dev.patchbay.crypto.capgo.CapgoKeyPair;
import dev.patchbay.domain.App;
import dev.patchbay.domain.Bundle;
import java.nio.file.Files;
import java.nio.file.Path;
import javafx.scene.Node;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;

/**
 * Capgo-compatible delivery through the real console, headless (docs/capgo-compat.md, docs/console.md): switch the
 * mode on for an app (with the warning), create its Patchbay keys and then its Capgo key pair on the Keys page (the
 * capacitor.config snippet appears), publish a folder from the Bundles page — the form builds and uploads the
 * plugin's artifact too, encrypted for that pair — and see the bundle's Capgo badge; the server holds the artifact
 * under the same key id.
 */
class CapgoConsoleUserPathTest extends ConsoleUserPath {
    private static final String PASS = "horse-staple";
    private static final String APP = "com.example.shop";

    @TempDir
    Path work;

    /** Scrolls the page so that the node is in view, as a user would, before it is clicked. */
    private static FxRobot reveal(FxRobot robot, String id) {
        robot.interact(() -> {
            Node n = robot.lookup(id).query();
            Node p = n.getParent();
            while (p != null && !(p instanceof javafx.scene.control.ScrollPane)) {
                p = p.getParent();
            }
            javafx.scene.control.ScrollPane sp = (javafx.scene.control.ScrollPane) p;
            sp.layout();
            Node content = sp.getContent();
            double top = content.sceneToLocal(n.localToScene(n.getBoundsInLocal())).getMinY();
            double range = content.getBoundsInLocal().getHeight() - sp.getViewportBounds().getHeight();
            if (range > 0) {
                sp.setVvalue(Math.max(0, Math.min(1, (top - 20) / range)));
            }
        });
        return robot;
    }

    @Test
    void switchOnCreateTheCapgoPairPublishAndSeeTheBadge(FxRobot robot) throws Exception {
        launchOnSandbox(robot, fastKeyOptions());

        robot.clickOn("#nav-apps");
        robot.clickOn("#app-new");
        robot.clickOn("#app-id").write(APP);
        robot.clickOn("#app-name").write("Shop");
        robot.clickOn("#app-save");
        waitUntil(() -> table(robot, "#apps-table").getItems().size() == 1);
        robot.interact(() -> table(robot, "#apps-table").getSelectionModel().select(0));
        robot.clickOn("#app-capgo");
        waitUntil(() -> robot.lookup("#confirm-button").tryQuery().isPresent());
        robot.clickOn("#confirm-button");
        waitUntil(() -> ((App) table(robot, "#apps-table").getItems().get(0)).capgoCompat());

        // Keys: the Patchbay keys first, then the Capgo pair under the same passphrase.
        robot.clickOn("#nav-keys");
        waitUntil(() -> robot.lookup("#keys-create-form").query().isVisible());
        robot.clickOn("#keys-passphrase").write(PASS);
        robot.clickOn("#keys-confirm").write(PASS);
        robot.clickOn("#keys-create");
        waitUntil(() -> robot.lookup("#keys-details").query().isVisible());
        assertFalse(onFx(() -> robot.lookup("#keys-capgo-export").query().isVisible()), "no pair yet");
        reveal(robot, "#keys-capgo-passphrase").clickOn("#keys-capgo-passphrase").write("not-the-passphrase");
        reveal(robot, "#keys-capgo-create").clickOn("#keys-capgo-create");
        waitUntil(() -> robot.from(robot.lookup("#keys-capgo").<Node>query()).lookup(".label")
                .match((Node n) -> n instanceof javafx.scene.control.Labeled l && l.getText() != null
                        && l.getText().startsWith("Wrong passphrase") && n.isVisible()).tryQuery().isPresent());
        assertFalse(CapgoKeyFile.exists(home.resolve("keys").resolve(APP)), "nothing written");
        reveal(robot, "#keys-capgo-passphrase").clickOn("#keys-capgo-passphrase").write(PASS);
        reveal(robot, "#keys-capgo-create").clickOn("#keys-capgo-create");
        waitUntil(() -> robot.lookup("#keys-capgo-export").query().isVisible());
        String snippet = onFx(() -> robot.lookup("#keys-capgo-export").queryTextInputControl().getText());
        assertTrue(snippet.contains("\"CapacitorUpdater\"") && snippet.contains("BEGIN RSA PUBLIC KEY"), snippet);
        String keyId = CapgoKeyPair.keyId(CapgoKeyPair.publicFromPem(CapgoKeyFile.publicPem(
                home.resolve("keys").resolve(APP)), "capgo.pub"));
        assertTrue(snippet.contains(keyId), snippet);

        // Bundles: the form says it builds the plugin's artifact, encrypted; with per-file entries.
        Path dir = work.resolve("www");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("index.html"), "<!doctype html><title>Shop</title>");
        Files.writeString(dir.resolve("app.js"), "console.log('shop')");
        robot.clickOn("#nav-bundles");
        waitUntil(() -> label(robot, "#bundles-fetched-at").getText().startsWith("Fetched"));
        robot.interact(() -> app.bundles().publishForm().startPublish(dir));
        waitUntil(() -> robot.lookup("#bundle-form").query().isVisible());
        assertTrue(label(robot, "#bundle-capgo-note").getText().contains("encrypted with the app's Capgo key pair"));
        // The side form scrolls at the test's window size (the Capgo box and the K field make it tall).
        reveal(robot, "#bundle-capgo-manifest").clickOn("#bundle-capgo-manifest");
        reveal(robot, "#bundle-version").doubleClickOn("#bundle-version").eraseText(10).write("1.0.0");
        reveal(robot, "#bundle-passphrase").clickOn("#bundle-passphrase").write(PASS);
        reveal(robot, "#bundle-publish").clickOn("#bundle-publish");
        waitUntil(() -> table(robot, "#bundles-table").getItems().size() == 1
                && ((Bundle) table(robot, "#bundles-table").getItems().get(0)).capgo() != null);
        Bundle b = (Bundle) table(robot, "#bundles-table").getItems().get(0);
        assertTrue(b.capgo().encrypted());
        assertEquals(keyId, b.capgo().keyId());
        assertEquals(2, b.capgo().manifestFiles());
        waitUntil(() -> robot.lookup(".capgo-badge").match((Node n) -> n instanceof javafx.scene.control.Labeled l
                && "Capgo · encrypted".equals(l.getText())).tryQuery().isPresent());
        assertTrue(label(robot, "#bundles-info").getText().contains("Capgo artifact"),
                label(robot, "#bundles-info").getText());

        JsonNode artifact = new CapgoClient(app.connection().session().client()).artifact(APP, "1.0.0");
        assertEquals(keyId, artifact.path("keyId").asText(), artifact.toString());

        // Switched off: the next bundle has no artifact and no badge.
        robot.clickOn("#nav-apps");
        robot.interact(() -> table(robot, "#apps-table").getSelectionModel().select(0));
        robot.clickOn("#app-capgo");
        waitUntil(() -> robot.lookup("#confirm-button").tryQuery().isPresent());
        robot.clickOn("#confirm-button");
        waitUntil(() -> !((App) table(robot, "#apps-table").getItems().get(0)).capgoCompat());
        robot.clickOn("#nav-bundles");
        robot.interact(() -> app.bundles().publishForm().startPublish(dir));
        waitUntil(() -> robot.lookup("#bundle-form").query().isVisible());
        assertEquals("", label(robot, "#bundle-capgo-note").getText());
        assertFalse(onFx(() -> robot.lookup("#bundle-capgo-manifest").query().getParent().isVisible()));
        robot.clickOn("#bundle-passphrase").write(PASS);
        robot.clickOn("#bundle-publish");
        waitUntil(() -> table(robot, "#bundles-table").getItems().size() == 2);
        Bundle second = (Bundle) table(robot, "#bundles-table").getItems().get(0);
        assertEquals("1.0.1", second.version());
        assertNull(second.capgo());
    }
}
