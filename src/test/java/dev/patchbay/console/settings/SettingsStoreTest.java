package dev.patchbay.console.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsStoreTest {
    @TempDir
    Path home;

    @Test
    void changesAreSavedAfterTheDebounceAndReadBack() throws Exception {
        SettingsStore store = new SettingsStore(home, Duration.ofMillis(100));
        Settings s = store.load();
        store.watch(s);
        s.themeProperty().set(Settings.DARK);
        s.lastPageProperty().set("channels");
        s.windowProperty().set(new WindowBounds(10, 20, 900, 600, true));
        s.activeConnectionProperty().set("remote-1");
        assertFalse(Files.exists(home.resolve(SettingsStore.FILE)), "not written at once (debounced)");
        s.connections().add(new SavedConnection("remote-1", "Prod", "https://updates.example.com"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!Files.exists(home.resolve(SettingsStore.FILE)) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(Files.exists(home.resolve(SettingsStore.FILE)));
        assertFalse(Files.exists(home.resolve(SettingsStore.FILE + ".tmp")));
        store.close();

        Settings again = new SettingsStore(home, Duration.ofMillis(100)).load();
        assertEquals(Settings.DARK, again.themeProperty().get());
        assertEquals("channels", again.lastPageProperty().get());
        assertEquals(new WindowBounds(10, 20, 900, 600, true), again.windowProperty().get());
        assertEquals(List.of(new SavedConnection("remote-1", "Prod", "https://updates.example.com")), again.connections());
        assertEquals("remote-1", again.activeConnectionProperty().get());
    }

    @Test
    void aNewConnectionIsSavedAtOnceNotAfterTheDebounce() throws Exception {
        // A debounce far longer than the test: only the immediate save can put the connection on disk.
        SettingsStore store = new SettingsStore(home, Duration.ofHours(1));
        Settings s = store.load();
        store.watch(s);
        s.themeProperty().set(Settings.DARK);
        SavedConnection prod = new SavedConnection("remote-1", "Prod", "https://updates.example.com");
        s.connections().add(prod);
        s.windowProperty().set(new WindowBounds(1, 2, 800, 600, false)); // must not postpone the connection's save
        Path file = home.resolve(SettingsStore.FILE);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!Files.exists(file) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        // Read the file as the next start would (no close, no flush: as after a kill).
        Settings onDisk = new SettingsStore(home, Duration.ofHours(1)).load();
        assertEquals(List.of(prod), onDisk.connections());
        assertEquals(Settings.DARK, onDisk.themeProperty().get(), "the newest state is written with it");
        s.connections().remove(prod);
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!new SettingsStore(home, Duration.ofHours(1)).load().connections().isEmpty()
                && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(List.of(), new SettingsStore(home, Duration.ofHours(1)).load().connections(), "removal too");
        store.close();
    }

    @Test
    void closeFlushesAPendingChange() {
        SettingsStore store = new SettingsStore(home, Duration.ofSeconds(30));
        Settings s = store.load();
        store.watch(s);
        s.themeProperty().set(Settings.DARK);
        store.close();
        assertEquals(Settings.DARK, new SettingsStore(home, Duration.ofSeconds(1)).load().themeProperty().get());
    }

    @Test
    void aBrokenFileGivesTheDefaults() throws Exception {
        Files.writeString(home.resolve(SettingsStore.FILE), "{ not json");
        Settings s = new SettingsStore(home, Duration.ofMillis(10)).load();
        assertEquals(Settings.LIGHT, s.themeProperty().get());
        assertEquals(Settings.SANDBOX_ID, s.activeConnectionProperty().get());
    }

    @Test
    void apiKeysLiveInAnOwnerOnlyFile() throws Exception {
        SecretStore secrets = SecretStore.load(home);
        secrets.put("remote-1", "pbk_secret");
        Path file = home.resolve(SecretStore.FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("pbk_secret", SecretStore.load(home).apiKey("remote-1").orElseThrow());
        secrets.remove("remote-1");
        assertTrue(SecretStore.load(home).apiKey("remote-1").isEmpty());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }
}
