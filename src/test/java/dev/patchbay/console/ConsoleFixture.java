package dev.patchbay.console;

import dev.patchbay.cache.LocalCache;
import dev.patchbay.console.common.CurrentThreadTaskRunner;
import dev.patchbay.console.connection.ConnectionManager;
import dev.patchbay.console.connection.ConnectionState;
import dev.patchbay.console.connection.LocalSandbox;
import dev.patchbay.console.data.ServerData;
import dev.patchbay.console.settings.SecretStore;
import dev.patchbay.console.settings.Settings;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The console's non-visual parts wired as ConsoleApp wires them, with a synchronous task runner and a real Local
 * sandbox (a real server on a free port, real H2) in a temporary data folder. For view model tests without a stage.
 */
public final class ConsoleFixture implements AutoCloseable {
    public final Path home;
    public final Settings settings = new Settings();
    public final SecretStore secrets;
    public final LocalCache cache;
    public final LocalSandbox sandbox;
    public final CurrentThreadTaskRunner tasks = new CurrentThreadTaskRunner();
    public final ConnectionManager connection;
    public final ServerData data;

    public ConsoleFixture(Path home) {
        this.home = home;
        this.secrets = SecretStore.load(home);
        this.cache = LocalCache.open(home.resolve("cache"));
        this.sandbox = new LocalSandbox(home.resolve("sandbox"), 0);
        this.connection = new ConnectionManager(settings, secrets, sandbox, tasks, Clock.systemUTC());
        this.data = new ServerData(cache, Clock.systemUTC());
    }

    /** Connects to the sandbox and checks the console is online. */
    public ConsoleFixture online() {
        connection.connect(Settings.SANDBOX_ID);
        if (connection.stateProperty().get() != ConnectionState.ONLINE) {
            throw new IllegalStateException("Sandbox did not come online: " + connection.detailProperty().get());
        }
        return this;
    }

    @Override
    public void close() {
        sandbox.close();
        cache.close();
    }
}
