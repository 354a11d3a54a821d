package dev.patchbay.console.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.console.ConsoleFixture;
import dev.patchbay.console.common.CurrentThreadTaskRunner;
import dev.patchbay.console.settings.SavedConnection;
import dev.patchbay.console.settings.SecretStore;
import dev.patchbay.console.settings.Settings;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectionManagerTest {
    @TempDir
    Path home;

    @Test
    void startsTheSandboxAndComesOnline() {
        try (ConsoleFixture fx = new ConsoleFixture(home)) {
            fx.connection.connectActive();
            assertEquals(ConnectionState.ONLINE, fx.connection.stateProperty().get());
            assertTrue(fx.connection.describe(null).startsWith("Connected to Local sandbox (http://127.0.0.1:"));
            assertTrue(home.resolve("sandbox").resolve("admin-api-key").toFile().isFile());
        }
    }

    @Test
    void theSandboxTakesAnotherPortWhenItsPortIsTaken() throws IOException {
        try (ServerSocket busy = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             LocalSandbox sandbox = new LocalSandbox(home.resolve("sandbox"), busy.getLocalPort())) {
            SandboxHost.Endpoint endpoint = sandbox.start();
            assertTrue(endpoint.url().startsWith("http://127.0.0.1:"));
            assertTrue(!endpoint.url().endsWith(":" + busy.getLocalPort()), endpoint.url());
            assertTrue(!endpoint.apiKey().isBlank());
        }
    }

    @Test
    void aSandboxThatCannotStartMeansOfflineWithTheReason() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
        SandboxHost broken = new SandboxHost() {
            @Override
            public Endpoint start() throws IOException {
                throw new IOException("The data folder is in use by another Patchbay server");
            }

            @Override
            public void close() {
            }
        };
        ConnectionManager m = new ConnectionManager(new Settings(), SecretStore.load(home), broken,
                new CurrentThreadTaskRunner(), clock);
        m.connectActive();
        assertEquals(ConnectionState.OFFLINE, m.stateProperty().get());
        assertEquals(Instant.parse("2026-11-22T10:00:00Z"), m.offlineSinceProperty().get());
        assertTrue(m.detailProperty().get().contains("in use by another"), m.detailProperty().get());
        assertNull(m.session().client());
        assertTrue(m.readOnlyProperty().get());
        assertTrue(m.describe(null).startsWith("Offline since"));
        assertTrue(m.describe(null).endsWith("no cached data for this page"));
    }

    @Test
    void aRemoteWithAWrongKeySaysSoInsteadOfLookingFine() throws Exception {
        try (ConsoleFixture fx = new ConsoleFixture(home)) {
            fx.connection.connectActive();
            String url = fx.connection.serverUrlProperty().get();
            fx.settings.connections().add(new SavedConnection("remote-1", "Staging", url));
            fx.secrets.put("remote-1", "pbk_not-the-key");
            fx.connection.connect("remote-1");
            assertEquals(ConnectionState.ONLINE, fx.connection.stateProperty().get(), "the server itself answers");
            String status = fx.connection.describe(null);
            assertTrue(status.startsWith("Connected to Staging (" + url + ") – API key rejected: "), status);
        }
    }

    @Test
    void anUnknownActiveConnectionFallsBackToTheSandbox() {
        try (ConsoleFixture fx = new ConsoleFixture(home)) {
            fx.settings.activeConnectionProperty().set("remote-gone");
            fx.connection.connectActive();
            assertEquals(Settings.SANDBOX_ID, fx.connection.session().connectionId());
            assertNotNull(fx.connection.session().client());
        }
    }
}
