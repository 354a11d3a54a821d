package dev.patchbay.server;

import java.nio.file.Path;

/**
 * Where a Patchbay server listens and keeps its data.
 *
 * @param host    interface to bind, {@code 127.0.0.1} for loopback only
 * @param port    TCP port, 0 for any free port
 * @param dataDir folder for the database, blobs and the admin key file
 */
public record ServerConfig(String host, int port, Path dataDir) {
    /** Largest management request body accepted (JSON); bundle uploads get their own limit. */
    public static final long MAX_JSON_BODY = 1024 * 1024;

    public ServerConfig {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host is required");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, not " + port);
        }
        if (dataDir == null) {
            throw new IllegalArgumentException("dataDir is required");
        }
    }
}
