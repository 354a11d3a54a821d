package dev.patchbay.console;

import static dev.patchbay.console.FxLookups.waitUntil;
import static dev.patchbay.server.DeviceFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.cache.LocalCache;
import dev.patchbay.console.common.FxTaskRunner;
import dev.patchbay.console.connection.ConnectionManager;
import dev.patchbay.console.connection.ConnectionState;
import dev.patchbay.console.connection.LocalSandbox;
import dev.patchbay.console.devices.DeviceDetailView;
import dev.patchbay.console.devices.DeviceDetailViewModel;
import dev.patchbay.console.settings.SavedConnection;
import dev.patchbay.console.settings.SecretStore;
import dev.patchbay.console.settings.Settings;
import dev.patchbay.server.DeviceFixture;
import dev.patchbay.server.RunningServer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.input.Clipboard;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The device detail in a stage (headless), against a real server: read a device, pin it to a channel, unpin it. */
@ExtendWith(ApplicationExtension.class)
class DeviceDetailViewTest {
    static {
        FastRobot.configure();
    }

    static final String APP = "com.example.shop";

    @TempDir
    Path dir;

    private RunningServer server;
    private DeviceFixture f;
    private LocalCache cache;
    private FxTaskRunner tasks;
    private DeviceDetailViewModel vm;
    private final String phone = DeviceFixture.newDevice();

    @Start
    void start(Stage stage) {
    }

    @BeforeEach
    void setUp() throws Exception {
        server = RunningServer.start(dir.resolve("server"));
        f = new DeviceFixture(server, APP).create().trustServer();
        f.publish("1.5.0", 5);
        f.channel("{\"name\":\"production\",\"defaultFor\":[\"android\"]}");
        f.patchChannel("production", "{\"bundle\":\"1.5.0\"}");
        f.channel("{\"name\":\"beta\"}");
        f.check(phone, Map.of("customId", "kiosk-7"));

        Settings settings = new Settings();
        settings.connections().add(new SavedConnection("remote-1", "Test server", server.url()));
        SecretStore secrets = SecretStore.load(dir.resolve("console"));
        secrets.put("remote-1", server.adminKey);
        cache = LocalCache.open(dir.resolve("console/cache"));
        tasks = new FxTaskRunner();
        ConnectionManager connection = new ConnectionManager(settings, secrets,
                new LocalSandbox(dir.resolve("console/sandbox"), 0), tasks, Clock.systemUTC());
        FxToolkit.setupStage(stage -> {
            connection.connect("remote-1");
            vm = new DeviceDetailViewModel(connection, tasks);
            stage.setScene(new Scene(new DeviceDetailView(vm), 900, 700));
            stage.show();
        });
        waitUntil(() -> connection.stateProperty().get() == ConnectionState.ONLINE);
    }

    @AfterEach
    void tearDown() throws Exception {
        FxToolkit.cleanupStages();
        tasks.shutdown();
        cache.close();
        server.close();
    }

    @Test
    void showsADeviceAndPinsItToAChannelAndBack(FxRobot robot) throws Exception {
        robot.interact(() -> vm.show(APP, phone));
        waitUntil(() -> text("#device-custom-id").equals("kiosk-7"));
        assertEquals("Device " + phone, text("#device-id"));
        assertEquals("the builtin assets", text("#device-runs-now"));
        assertEquals("production: the app's default channel for Android", text("#device-channel"));
        assertEquals("Update check: offered 1.5.0 (channel production, default)",
                robot.lookup("#device-timeline").queryAs(ListView.class).getItems().stream()
                        .map(r -> ((DeviceDetailViewModel.TimelineRow) r).sentence()).findFirst().orElseThrow());
        assertTrue(robot.lookup("Update check: offered 1.5.0 (channel production, default)").tryQuery().isPresent(),
                "the timeline cell shows the sentence");
        assertTrue(button(robot, "#device-clear-override").isDisabled(), "no override yet");

        robot.clickOn("#device-copy-id");
        assertEquals(phone, WaitForAsyncUtils.asyncFx(() -> Clipboard.getSystemClipboard().getString()).get());

        // Choose beta with the mouse, pin with the keyboard, confirm.
        robot.clickOn("#device-override-channel");
        waitUntil(() -> robot.lookup(".list-cell").match(n -> "beta".equals(((javafx.scene.control.Labeled) n).getText())).tryQuery()
                .isPresent());
        robot.clickOn(robot.lookup(".list-cell").match(n -> "beta".equals(((javafx.scene.control.Labeled) n).getText())).queryLabeled());
        waitUntil(() -> !button(robot, "#device-set-override").isDisabled());
        robot.interact(() -> button(robot, "#device-set-override").requestFocus());
        robot.type(KeyCode.SPACE);
        waitUntil(() -> robot.lookup("#confirm-button").tryQuery().isPresent());
        robot.clickOn("#confirm-button");
        waitUntil(() -> text("#device-channel-override").equals("Override: beta"));
        assertEquals("beta", serverDevice().path("channelOverride").asText());

        // Clear it with the keyboard: Space on the button, Enter on the confirm button.
        waitUntil(() -> !button(robot, "#device-clear-override").isDisabled());
        robot.interact(() -> button(robot, "#device-clear-override").requestFocus());
        robot.type(KeyCode.SPACE);
        waitUntil(() -> robot.lookup("#confirm-button").tryQuery().isPresent());
        robot.interact(() -> button(robot, "#confirm-button").requestFocus());
        robot.type(KeyCode.ENTER);
        waitUntil(() -> serverDevice().path("channelOverride").isNull());
        waitUntil(() -> text("#device-channel-override").isEmpty());
        assertTrue(button(robot, "#device-clear-override").isDisabled());
    }

    private JsonNode serverDevice() throws Exception {
        return json(server.json("GET", f.base + "/devices/" + phone, null));
    }

    private static Button button(FxRobot robot, String query) {
        return robot.lookup(query).queryButton();
    }

    private String text(String query) throws Exception {
        return WaitForAsyncUtils.asyncFx(() -> new FxRobot().lookup(query).queryAs(Label.class).getText())
                .get(5, TimeUnit.SECONDS);
    }
}
