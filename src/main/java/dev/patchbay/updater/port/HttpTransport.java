package dev.patchbay.updater.port;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;

/** HTTP as the platform offers it (HttpURLConnection on Android). */
public interface HttpTransport {
    /**
     * Sends a request and returns once the status line and headers arrived; the body is read from the response.
     *
     * @throws IOException on connection failure or when {@code timeout} passes without an answer
     */
    Response send(Request request) throws IOException;

    /** {@code body} may be null (GET). Header names are case-insensitive. */
    record Request(String method, String url, Map<String, String> headers, byte[] body, Duration timeout) {
    }

    interface Response extends Closeable {
        int status();

        /** A header value, or null; name matched case-insensitively. */
        String header(String name);

        /** The body stream; reading it may throw IOException if the connection drops. */
        InputStream body() throws IOException;

        @Override
        void close();
    }
}
