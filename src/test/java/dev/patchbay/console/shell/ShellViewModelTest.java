package dev.patchbay.console.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.console.common.CurrentThreadTaskRunner;
import dev.patchbay.console.connection.ConnectionManager;
import dev.patchbay.console.connection.SandboxHost;
import dev.patchbay.console.settings.SecretStore;
import dev.patchbay.console.settings.Settings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShellViewModelTest {
    @TempDir
    Path home;

    private final Settings settings = new Settings();

    private ShellViewModel shell(SandboxHost sandbox) {
        ConnectionManager connection = new ConnectionManager(settings, SecretStore.load(home), sandbox,
                new CurrentThreadTaskRunner(), Clock.systemUTC());
        ShellViewModel vm = new ShellViewModel(settings, connection, new CurrentThreadTaskRunner(),
                List.of("connections", "apps", "channels"));
        connection.connectActive();
        return vm;
    }

    private static SandboxHost unavailable() {
        return new SandboxHost() {
            @Override
            public Endpoint start() throws IOException {
                throw new IOException("Port 7300 on 127.0.0.1 is already in use");
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void pagesSwitchByIndexAndAnUnknownLastPageFallsBackToApps() {
        settings.lastPageProperty().set("rollouts");
        ShellViewModel vm = shell(unavailable());
        assertEquals("apps", vm.selectedPageProperty().get());
        vm.selectPage(2);
        assertEquals("channels", settings.lastPageProperty().get());
        vm.selectPage(7);
        assertEquals("channels", settings.lastPageProperty().get());
    }

    @Test
    void themeToggles() {
        ShellViewModel vm = shell(unavailable());
        vm.toggleTheme();
        assertEquals(Settings.DARK, settings.themeProperty().get());
        vm.toggleTheme();
        assertEquals(Settings.LIGHT, settings.themeProperty().get());
    }

    @Test
    void offlineStatusNamesTheCachedTimeAndTheNoticeSaysWhatToDo() {
        ShellViewModel vm = shell(unavailable());
        assertTrue(vm.offlineProperty().get());
        assertTrue(vm.needsReconnect());
        assertTrue(vm.statusTextProperty().get().startsWith("Offline since"), vm.statusTextProperty().get());
        assertTrue(vm.statusTextProperty().get().endsWith("no cached data for this page"));
        vm.pageFetchedAtProperty().set(Instant.parse("2026-01-02T03:04:05Z"));
        assertTrue(vm.statusTextProperty().get().contains("showing cached data from 2026-01-02"), vm.statusTextProperty().get());
        String notice = vm.offlineNoticeProperty().get();
        assertTrue(notice.contains("Local sandbox cannot be reached"), notice);
        assertTrue(notice.contains("already in use"), notice);
        assertTrue(notice.contains("F5"), notice);
    }

    @Test
    void aServerThatDoesNotAnswerIsOfflineButRetryable() {
        SandboxHost fine = new SandboxHost() {
            @Override
            public Endpoint start() {
                return new Endpoint("http://127.0.0.1:1", "k");
            }

            @Override
            public void close() {
            }
        };
        ShellViewModel vm = shell(fine);
        // Nothing listens on port 1: the health probe fails, so this is offline too, but with a client to retry.
        assertFalse(vm.needsReconnect());
        assertTrue(vm.offlineProperty().get());
    }
}
