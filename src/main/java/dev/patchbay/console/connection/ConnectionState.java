package dev.patchbay.console.connection;

/** How the console stands with its server. */
public enum ConnectionState {
    CONNECTING, ONLINE, OFFLINE
}
