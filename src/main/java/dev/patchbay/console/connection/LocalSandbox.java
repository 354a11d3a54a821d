package dev.patchbay.console.connection;

import dev.patchbay.server.PatchbayServer;
import dev.patchbay.server.ServerConfig;
import java.io.IOException;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The update server run inside the console on 127.0.0.1, with its database and blobs in {@code <data>/sandbox}.
 * It listens on the preferred port (7300, where emulated devices and the CLI look) or, if that is taken, on any free one.
 */
public final class LocalSandbox implements SandboxHost {
    private static final Logger LOG = LoggerFactory.getLogger(LocalSandbox.class);
    public static final int PREFERRED_PORT = 7300;

    private final Path dataDir;
    private final int preferredPort;
    private PatchbayServer server;

    public LocalSandbox(Path dataDir, int preferredPort) {
        this.dataDir = dataDir;
        this.preferredPort = preferredPort;
    }

    @Override
    public synchronized Endpoint start() throws IOException {
        if (server == null) {
            server = startOn(preferredPort);
        }
        String key = Files.readString(server.adminApiKeyFile(), StandardCharsets.UTF_8).strip();
        return new Endpoint(server.url(), key);
    }

    private PatchbayServer startOn(int port) throws IOException {
        try {
            return PatchbayServer.start(new ServerConfig("127.0.0.1", port, dataDir));
        } catch (IOException e) {
            if (port == 0 || !isPortTaken(e)) {
                throw e;
            }
            LOG.info("Port {} is taken; the sandbox takes a free port instead", port);
            return PatchbayServer.start(new ServerConfig("127.0.0.1", 0, dataDir));
        }
    }

    private static boolean isPortTaken(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
