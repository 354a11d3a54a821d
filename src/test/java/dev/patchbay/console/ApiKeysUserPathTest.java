package dev.patchbay.console;

import static dev.patchbay.console.FxLookups.onFx;
import static dev.patchbay.console.FxLookups.table;
import static dev.patchbay.console.FxLookups.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.client.ApiKey;
import dev.patchbay.client.PatchbayClient;
import dev.patchbay.client.UnauthorizedException;
import javafx.scene.control.TextField;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/** The API keys page in the real console, headless, on the Local sandbox: create a key, use it, revoke it. */
class ApiKeysUserPathTest extends ConsoleUserPath {
    @Test
    void createAViewerKeyCopyItsSecretAndRevokeIt(FxRobot robot) throws Exception {
        launchOnSandbox(robot, options());
        PatchbayClient admin = app.connection().session().client();

        robot.clickOn("#nav-api-keys");
        waitUntil(() -> table(robot, "#api-keys-table").getItems().size() == 1);
        robot.clickOn("#api-key-new");
        robot.clickOn("#api-key-name").write("support");
        onFx(() -> {
            robot.lookup("#api-key-role").queryAs(javafx.scene.control.ChoiceBox.class).setValue("viewer");
            return null;
        });
        robot.clickOn("#api-key-expires").write("30d");
        robot.clickOn("#api-key-save");
        waitUntil(() -> !robot.lookup("#api-key-secret").queryAs(TextField.class).getText().isEmpty());
        String secret = onFx(() -> robot.lookup("#api-key-secret").queryAs(TextField.class).getText());
        waitUntil(() -> table(robot, "#api-keys-table").getItems().size() == 2);
        PatchbayClient support = PatchbayClient.connect(admin.baseUrl(), secret);
        assertEquals("support", support.whoami().name());

        // Revoke it: selected in the table, Revoke, confirmed.
        onFx(() -> {
            table(robot, "#api-keys-table").getSelectionModel().select(1);
            return null;
        });
        assertEquals("support", onFx(() -> ((ApiKey) table(robot, "#api-keys-table").getSelectionModel()
                .getSelectedItem()).name()));
        robot.clickOn("#api-key-revoke");
        robot.clickOn("#confirm-button");
        waitUntil(() -> table(robot, "#api-keys-table").getItems().size() == 1);
        assertThrows(UnauthorizedException.class, support::whoami);
        assertTrue(admin.apiKeys().list().stream().anyMatch(k -> k.name().equals("support") && !k.active()));
    }
}
