package dev.patchbay.harness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The emulated device's ports on their own: preferences, files, kill switch, disk space. */
class DevicePortsTest {
    @TempDir
    Path dir;
    final KillSwitch killSwitch = new KillSwitch();
    final DiskSpace disk = new DiskSpace();
    final AppProcess process = new AppProcess(1, killSwitch, reason -> { });

    @Test
    void preferencesAreAndroidXmlAndSurviveANewProcess() throws IOException {
        SharedPrefsFile prefs = new SharedPrefsFile(dir, "CapacitorUpdater", process, disk);
        prefs.commit(Map.of("current", "abc", "bundle.abc", "{\"v\":\"<1&2>\"}"), Set.of());
        prefs.remove("current");
        String xml = Files.readString(dir.resolve("CapacitorUpdater.xml"));
        assertTrue(xml.contains("<map>"), xml);
        assertTrue(xml.contains("<string name=\"bundle.abc\">{\"v\":\"&lt;1&amp;2&gt;\"}</string>"), xml);
        SharedPrefsFile again = new SharedPrefsFile(dir, "CapacitorUpdater",
                new AppProcess(2, killSwitch, r -> { }), disk);
        assertEquals(Map.of("bundle.abc", "{\"v\":\"<1&2>\"}"), again.all());
    }

    @Test
    void aKillAtACommitLeavesTheOldFileAndTheProcessDead() {
        SharedPrefsFile prefs = new SharedPrefsFile(dir, "p", process, disk);
        prefs.put("a", "1");
        killSwitch.armAt(1);
        assertThrows(ProcessKilled.class, () -> prefs.put("a", "2"));
        assertFalse(process.alive());
        assertThrows(ProcessKilled.class, () -> prefs.get("a"));
        assertEquals(Map.of("a", "1"), SharedPrefsFile.load(dir.resolve("p.xml")));
    }

    @Test
    void aFullDiskFailsACommitAndChangesNothing() {
        SharedPrefsFile prefs = new SharedPrefsFile(dir, "p", process, disk);
        prefs.put("a", "1");
        disk.setFree(0);
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> prefs.put("b", "2"));
        assertTrue(e.getMessage().contains(DiskSpace.ENOSPC), e.getMessage());
        assertEquals(Map.of("a", "1"), prefs.all());
        assertEquals(Map.of("a", "1"), SharedPrefsFile.load(dir.resolve("p.xml")));
    }

    @Test
    void filesAreRelativeSyncedAndCounted() throws IOException {
        DeviceFileStore files = new DeviceFileStore(dir.resolve("files"), process, disk);
        killSwitch.startTrace();
        try (OutputStream out = files.create("versions/x.partial/index.html")) {
            out.write("<html>".getBytes(StandardCharsets.UTF_8));
        }
        try (OutputStream out = files.append("versions/x.partial/index.html")) {
            out.write("</html>".getBytes(StandardCharsets.UTF_8));
        }
        files.move("versions/x.partial", "versions/x");
        assertEquals(13, files.size("versions/x/index.html"));
        assertEquals(List.of("x"), files.list("versions"));
        try (InputStream in = files.open("versions/x/index.html")) {
            assertArrayEquals("<html></html>".getBytes(StandardCharsets.UTF_8), in.readAllBytes());
        }
        files.deleteRecursively("versions/x");
        assertFalse(files.exists("versions/x"));
        assertEquals(List.of("close versions/x.partial/index.html", "close versions/x.partial/index.html",
                "move versions/x.partial -> versions/x", "delete versions/x"), killSwitch.trace());
        for (String bad : List.of("../x", "/etc/passwd", "a/../../b", "a\\b", "")) {
            assertThrows(IOException.class, () -> files.create(bad), bad);
        }
    }

    @Test
    void aFullDiskFailsAnyWrite() throws IOException {
        DeviceFileStore files = new DeviceFileStore(dir.resolve("files"), process, disk);
        disk.setFree(10);
        OutputStream out = files.create("downloads/a.part");
        out.write(new byte[8]);
        IOException e = assertThrows(IOException.class, () -> out.write(new byte[8]));
        assertEquals(DiskSpace.ENOSPC, e.getMessage());
        out.close();
        assertEquals(8, files.size("downloads/a.part"));
        assertTrue(files.usableSpace() <= 2);
        files.deleteRecursively("downloads");
        assertEquals(10, disk.free());
    }

    @Test
    void aKillAtAMoveLeavesTheSourceAndEndsTheProcess() throws IOException {
        DeviceFileStore files = new DeviceFileStore(dir.resolve("files"), process, disk);
        files.create("a/f").close();
        killSwitch.armAt(1);
        assertThrows(ProcessKilled.class, () -> files.move("a", "b"));
        assertTrue(Files.exists(dir.resolve("files/a/f")));
        assertFalse(Files.exists(dir.resolve("files/b")));
        assertThrows(ProcessKilled.class, () -> files.exists("a"));
    }

    @Test
    void virtualTimeRunsTimersInOrderWhenAdvanced() {
        VirtualTime time = new VirtualTime(java.time.Instant.parse("2026-01-01T00:00:00Z"));
        StringBuilder order = new StringBuilder();
        time.schedule(java.time.Duration.ofSeconds(2), () -> order.append('b'));
        time.schedule(java.time.Duration.ofSeconds(1), () -> order.append('a'));
        var c = time.schedule(java.time.Duration.ofSeconds(1), () -> order.append('x'));
        c.cancel();
        time.advance(java.time.Duration.ofMillis(1500));
        assertEquals("a", order.toString());
        time.advance(java.time.Duration.ofSeconds(1));
        assertEquals("ab", order.toString());
        assertEquals(java.time.Instant.parse("2026-01-01T00:00:02.500Z"), time.now());
    }
}
