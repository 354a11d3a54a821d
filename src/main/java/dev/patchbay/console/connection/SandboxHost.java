package dev.patchbay.console.connection;

/** Starts the Local sandbox server on demand and stops it at exit. Blocking: call off the FX thread. */
public interface SandboxHost extends AutoCloseable {
    /** Starts the sandbox if it is not running; returns its address and admin API key. */
    Endpoint start() throws Exception;

    /** Stops the sandbox if it runs. */
    @Override
    void close();

    record Endpoint(String url, String apiKey) {
    }
}
