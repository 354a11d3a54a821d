package dev.patchbay.console;

import static dev.patchbay.console.FxLookups.label;
import static dev.patchbay.console.FxLookups.onFx;
import static dev.patchbay.console.FxLookups.table;
import static dev.patchbay.console.FxLookups.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.cli.Cli;
import dev.patchbay.domain.Json;
import dev.patchbay.server.auth.AdminKeyFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import javafx.collections.ListChangeListener;
import javafx.scene.control.Spinner;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;

/**
 * Publishing twice from the console's Bundles page, headless (docs/console.md, bundle-format §5.4): the form shows
 * each step as it starts (reading, unlocking, checking, compressing and sealing with a bar, uploading with a bar,
 * committing), and the second release carries binary patches from the first, as `bundle publish` makes them —
 * `bundle diff` on the sandbox counts them.
 */
class PublishPatchesUserPathTest extends ConsoleUserPath {
    private static final String PASS = "horse-staple";
    private static final String APP = "com.example.shop";

    @TempDir
    Path work;

    /** A web build: index.html and six 60 KB scripts of JavaScript-like text, {@code edits} small edits in each. */
    private Path site(String name, int edits) throws Exception {
        Path dir = work.resolve(name);
        Files.createDirectories(dir.resolve("assets"));
        Files.writeString(dir.resolve("index.html"), "<!doctype html><title>Shop " + name
                + "</title><script src=assets/s0.js></script>");
        String[] words = {"function", "return", "const", "let", "this.state", "=>", "{", "}", "(", ")", "if",
            "else", "await", "render", "document", "window", "null", "map", "filter"};
        for (int i = 0; i < 6; i++) {
            Random r = new Random(i);
            StringBuilder s = new StringBuilder();
            while (s.length() < 60_000) {
                s.append(words[r.nextInt(words.length)]).append(r.nextInt(8) == 0 ? ";\n" : " ");
            }
            for (int e = 1; e <= edits; e++) {
                s.insert(e * 9_000, "/* edit " + e + " */ const v" + e + " = " + (e * 17) + ";\n");
            }
            Files.writeString(dir.resolve("assets/s" + i + ".js"), s);
        }
        return dir;
    }

    /** What the form showed: each step as it started, and the bar's value with the step it was shown under. */
    private record Seen(List<String> phases, List<String> bars) {
    }

    private Seen watch(FxRobot robot) {
        Seen seen = new Seen(new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>());
        robot.interact(() -> {
            var form = app.bundles().publishForm();
            form.phases().addListener((ListChangeListener<String>) c -> {
                while (c.next()) {
                    seen.phases().addAll(c.getAddedSubList());
                }
            });
            form.progressProperty().addListener((obs, old, now) -> {
                if (now.doubleValue() >= 0) {
                    seen.bars().add(form.phases().get(form.phases().size() - 1) + " " + now.doubleValue());
                }
            });
        });
        return seen;
    }

    private void publish(FxRobot robot, Path dir, String version) throws Exception {
        robot.interact(() -> app.bundles().publishForm().startPublish(dir));
        waitUntil(() -> robot.lookup("#bundle-form").query().isVisible());
        assertEquals(version, onFx(() -> robot.lookup("#bundle-version").queryTextInputControl().getText()));
        robot.clickOn("#bundle-passphrase").write(PASS);
        robot.clickOn("#bundle-publish");
        // From the first moment: the step is named and the progress box is shown (the FX thread did not wait).
        assertTrue(onFx(() -> robot.lookup("#bundle-progress").query().isVisible()));
        String phase = label(robot, "#bundle-phase").getText();
        assertTrue(phase.endsWith("…"), phase);
    }

    @Test
    void publishTwiceTheSecondReleaseHasBinaryPatchesAndEveryStepIsShown(FxRobot robot) throws Exception {
        launchOnSandbox(robot, fastKeyOptions());

        robot.clickOn("#nav-apps");
        robot.clickOn("#app-new");
        robot.clickOn("#app-id").write(APP);
        robot.clickOn("#app-name").write("Shop");
        robot.clickOn("#app-save");
        waitUntil(() -> table(robot, "#apps-table").getItems().size() == 1);
        robot.clickOn("#nav-keys");
        waitUntil(() -> robot.lookup("#keys-create-form").query().isVisible());
        robot.clickOn("#keys-passphrase").write(PASS);
        robot.clickOn("#keys-confirm").write(PASS);
        robot.clickOn("#keys-create");
        waitUntil(() -> robot.lookup("#keys-details").query().isVisible());
        robot.clickOn("#nav-bundles");
        waitUntil(() -> label(robot, "#bundles-fetched-at").getText().startsWith("Fetched"));

        Seen first = watch(robot);
        publish(robot, site("a", 1), "1.0.0");
        waitUntil(() -> table(robot, "#bundles-table").getItems().size() == 1);
        assertEquals(List.of("Reading", "Unlocking keys", "Checking the server", "Compressing and sealing",
                "Uploading", "Committing"), first.phases());
        assertTrue(first.bars().contains("Compressing and sealing 1.0"), first.bars().toString());
        assertTrue(first.bars().contains("Uploading 1.0"), first.bars().toString());
        String info = label(robot, "#bundles-info").getText();
        assertTrue(info.startsWith("Published 1.0.0.") && !info.contains("patch"), info);

        Seen second = watch(robot);
        publish(robot, site("b", 2), "1.0.1");
        waitUntil(() -> table(robot, "#bundles-table").getItems().size() == 2);
        assertEquals(List.of("Reading", "Unlocking keys", "Checking the server",
                "Reading earlier releases for binary patches", "Compressing and sealing", "Making binary patches",
                "Uploading", "Committing"), second.phases());
        assertTrue(second.bars().contains("Making binary patches 1.0"), second.bars().toString());
        info = label(robot, "#bundles-info").getText();
        assertTrue(info.startsWith("Published 1.0.1, with 6 binary patches from 1.0.0."), info);

        // What the server holds, read as the CLI reads it: a device on 1.0.0 fetches the six patches.
        String url = app.connection().session().client().baseUrl();
        String key = Files.readString(AdminKeyFile.in(home.resolve("sandbox"))).strip();
        JsonNode diff = cli(Map.of("PATCHBAY_SERVER", url, "PATCHBAY_API_KEY", key, "PATCHBAY_KEY_PASSPHRASE", PASS),
                "bundle", "diff", "1.0.0", "1.0.1", "--app", APP, "--keys", home.resolve("keys").resolve(APP)
                        .toString(), "--json");
        assertEquals(7, diff.path("changed").size(), diff.toString());
        assertEquals(6, diff.path("patchedFiles").asInt(), diff.toString());
        assertTrue(diff.path("downloadBytes").asLong() * 5 < diff.path("fullBytes").asLong(), diff.toString());

        // K, from the keyboard: the form starts at the CLI's default 2; typing 1 and Down makes it 0 (no patches).
        Path c = site("c", 3);
        robot.interact(() -> app.bundles().publishForm().startPublish(c));
        waitUntil(() -> robot.lookup("#bundle-form").query().isVisible());
        Spinner<?> k = robot.lookup("#bundle-patches").queryAs(Spinner.class);
        assertEquals("2", onFx(() -> k.getEditor().getText()));
        robot.clickOn(k.getEditor()).press(KeyCode.CONTROL, KeyCode.A).release(KeyCode.A, KeyCode.CONTROL)
                .write("x1"); // not a digit: refused
        assertEquals("1", onFx(() -> k.getEditor().getText()));
        robot.type(KeyCode.TAB); // leaving the field takes the number
        waitUntil(() -> Integer.valueOf(1).equals(app.bundles().publishForm().patchReleasesProperty().get()));
        robot.clickOn(k.getEditor()).type(KeyCode.DOWN);
        waitUntil(() -> "0".equals(k.getEditor().getText()));
        robot.clickOn("#bundle-passphrase").write(PASS);
        Seen third = watch(robot);
        robot.clickOn("#bundle-publish");
        waitUntil(() -> table(robot, "#bundles-table").getItems().size() == 3);
        assertEquals(List.of("Reading", "Unlocking keys", "Checking the server", "Compressing and sealing",
                "Uploading", "Committing"), third.phases());
        info = label(robot, "#bundles-info").getText();
        assertTrue(info.startsWith("Published 1.0.2.") && !info.contains("patch"), info);
        diff = cli(Map.of("PATCHBAY_SERVER", url, "PATCHBAY_API_KEY", key, "PATCHBAY_KEY_PASSPHRASE", PASS),
                "bundle", "diff", "1.0.1", "1.0.2", "--app", APP, "--keys", home.resolve("keys").resolve(APP)
                        .toString(), "--json");
        assertEquals(7, diff.path("changed").size(), diff.toString());
        assertEquals(0, diff.path("patchedFiles").asInt(), diff.toString());
        // The next publish starts at the K chosen last.
        Path d = site("d", 4);
        robot.interact(() -> app.bundles().publishForm().startPublish(d));
        waitUntil(() -> robot.lookup("#bundle-form").query().isVisible());
        assertEquals("0", onFx(() -> k.getEditor().getText()));
        robot.type(KeyCode.ESCAPE);
        waitUntil(() -> !robot.lookup("#bundle-form").query().isVisible());
    }

    private static JsonNode cli(Map<String, String> env, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env);
        assertEquals(0, code, String.join(" ", args) + "\n" + err.toString(StandardCharsets.UTF_8));
        return Json.mapper().readTree(out.toString(StandardCharsets.UTF_8));
    }
}
