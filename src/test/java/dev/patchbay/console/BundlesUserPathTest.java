package dev.patchbay.console;

import static dev.patchbay.console.FxLookups.label;
import static dev.patchbay.console.FxLookups.onFx;
import static dev.patchbay.console.FxLookups.table;
import static dev.patchbay.console.FxLookups.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.domain.Bundle;
import dev.patchbay.domain.Channel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javafx.scene.Node;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;

/**
 * The release path through the real console, headless: create an app, create its keys, publish a folder (the
 * folder is handed to the view model, as a chooser or a drop would; version, passphrase and Publish are typed and
 * clicked), see the bundle listed, point production at it on the Channels page.
 */
class BundlesUserPathTest extends ConsoleUserPath {
    private static final String PASS = "horse-staple";

    @TempDir
    Path work;

    @Test
    void createKeysPublishAFolderAndPointProductionAtIt(FxRobot robot) throws Exception {
        launchOnSandbox(robot, fastKeyOptions());

        robot.clickOn("#nav-apps");
        robot.clickOn("#app-new");
        robot.clickOn("#app-id").write("com.example.shop");
        robot.clickOn("#app-name").write("Shop");
        robot.clickOn("#app-save");
        waitUntil(() -> table(robot, "#apps-table").getItems().size() == 1);

        // Keys (the length and confirmation checks are covered by KeysViewModelTest).
        robot.clickOn("#nav-keys");
        waitUntil(() -> robot.lookup("#keys-create-form").query().isVisible());
        robot.clickOn("#keys-passphrase").write(PASS);
        robot.clickOn("#keys-confirm").write(PASS);
        robot.clickOn("#keys-create");
        assertTrue(onFx(() -> robot.lookup("#keys-passphrase").queryTextInputControl().getText().isEmpty()),
                "the field is cleared once read");
        waitUntil(() -> label(robot, "#keys-root-id").getText().length() == 16 && robot.lookup("#keys-details").query().isVisible());
        assertTrue(onFx(() -> robot.lookup("#keys-export").queryTextInputControl().getText().contains("contentKey")));

        // Bundles: the folder comes from the view model (a chooser or a drop cannot be driven headless).
        Path dir = work.resolve("www");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("index.html"), "<!doctype html><title>Shop</title>");
        Files.writeString(dir.resolve("app.js"), "console.log('shop')");
        robot.clickOn("#nav-bundles");
        waitUntil(() -> label(robot, "#bundles-fetched-at").getText().startsWith("Fetched"));
        robot.interact(() -> app.bundles().publishForm().startPublish(dir));
        waitUntil(() -> robot.lookup("#bundle-form").query().isVisible());
        robot.doubleClickOn("#bundle-version").eraseText(10).write("1.2.3");
        robot.clickOn("#bundle-passphrase").write(PASS);
        robot.clickOn("#bundle-publish");
        waitUntil(() -> table(robot, "#bundles-table").getItems().size() == 1);
        Bundle b = (Bundle) table(robot, "#bundles-table").getItems().get(0);
        assertEquals("1.2.3", b.version());
        assertEquals(2, b.fileCount());
        assertTrue(onFx(() -> !robot.lookup("#bundle-form").query().isVisible()));

        // Channels: a production channel serving the bundle.
        robot.clickOn("#nav-channels");
        waitUntil(() -> table(robot, "#channels-table").getItems().isEmpty()
                && robot.lookup("#channel-new").query() != null && !robot.lookup("#channel-new").queryButton().isDisabled());
        robot.clickOn("#channel-new");
        robot.clickOn("#channel-name").write("production");
        FxLookups.reveal(robot, "#channel-bundle"); // the side form scrolls on a 720 px window
        robot.clickOn("#channel-bundle");
        waitUntil(() -> robot.lookup(".list-cell").match((Node n) -> n instanceof javafx.scene.control.Labeled l
                && "1.2.3".equals(l.getText())).tryQuery().isPresent());
        robot.clickOn(robot.lookup(".list-cell").match((Node n) -> n instanceof javafx.scene.control.Labeled l
                && "1.2.3".equals(l.getText())).<Node>query());
        robot.clickOn("#channel-save");
        waitUntil(() -> table(robot, "#channels-table").getItems().size() == 1
                && "1.2.3".equals(((Channel) table(robot, "#channels-table").getItems().get(0)).bundle()));
        waitUntil(() -> robot.from(robot.lookup("#channels-table").<Node>query()).lookup(".table-cell")
                .match((Node n) -> n instanceof javafx.scene.control.Labeled l && "1.2.3".equals(l.getText()))
                .tryQuery().isPresent());
        assertEquals(List.of("production"), app.connection().session().client().getBundle("com.example.shop", "1.2.3")
                .channels());

        // Delete on the Bundles page: refused with the reason while production serves 1.2.3; once the channel
        // serves the builtin assets again, the bundle goes.
        robot.clickOn("#nav-bundles");
        waitUntil(() -> table(robot, "#bundles-table").getItems().size() == 1);
        robot.interact(() -> table(robot, "#bundles-table").getSelectionModel().select(0));
        robot.clickOn("#bundle-delete");
        waitUntil(() -> robot.lookup("#confirm-button").tryQuery().isPresent());
        robot.clickOn("#confirm-button");
        waitUntil(() -> label(robot, "#bundles-message").getText().contains("channel 'production' serves it"));
        app.connection().session().client().setChannelBundle("com.example.shop", "production", null);
        robot.interact(() -> table(robot, "#bundles-table").getSelectionModel().select(0));
        robot.clickOn("#bundle-delete");
        waitUntil(() -> robot.lookup("#confirm-button").tryQuery().isPresent());
        robot.clickOn("#confirm-button");
        waitUntil(() -> table(robot, "#bundles-table").getItems().isEmpty()
                && label(robot, "#bundles-info").getText().startsWith("Deleted bundle 1.2.3"));

        // Retention: two more bundles, then "keep the newest 1 unused" deletes the older one at once, and the next
        // publish deletes the one before it.
        waitUntil(() -> label(robot, "#bundle-retention-status").getText().equals("Every bundle is kept."));
        publish(robot, dir, "1.3.0");
        publish(robot, dir, "1.4.0");
        robot.clickOn("#bundle-retention-on");
        robot.doubleClickOn("#bundle-retention-keep").eraseText(3).write("1");
        robot.clickOn("#bundle-retention-save");
        waitUntil(() -> label(robot, "#bundle-retention-status").getText().contains("Deleted 1.3.0")
                && table(robot, "#bundles-table").getItems().size() == 1);
        assertTrue(label(robot, "#bundle-retention-status").getText().startsWith(
                "Unused bundles beyond the newest 1 are deleted after each publish."));
        publish(robot, dir, "1.5.0");
        waitUntil(() -> table(robot, "#bundles-table").getItems().size() == 1
                && "1.5.0".equals(((Bundle) table(robot, "#bundles-table").getItems().get(0)).version()));
    }

    private void publish(FxRobot robot, Path source, String version) throws Exception {
        Files.writeString(source.resolve("app.js"), "console.log('shop " + version + "')");
        robot.interact(() -> app.bundles().publishForm().startPublish(source));
        waitUntil(() -> robot.lookup("#bundle-form").query().isVisible());
        robot.doubleClickOn("#bundle-version").eraseText(10).write(version);
        if (robot.lookup("#bundle-passphrase").query().isVisible()) {
            robot.clickOn("#bundle-passphrase").write(PASS);
        }
        robot.clickOn("#bundle-publish");
        waitUntil(() -> table(robot, "#bundles-table").getItems().stream()
                .anyMatch(b -> version.equals(((Bundle) b).version())));
    }
}
