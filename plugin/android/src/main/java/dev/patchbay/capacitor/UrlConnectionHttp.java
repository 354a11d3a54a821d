package dev.patchbay.capacitor;

import dev.patchbay.updater.port.HttpTransport;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.Map;

/** The runtime's HTTP port on {@link HttpURLConnection}, as the platform offers it. */
final class UrlConnectionHttp implements HttpTransport {
    @Override
    public Response send(Request request) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(request.url()).openConnection();
        int timeout = (int) Math.max(1, Math.min(Integer.MAX_VALUE, request.timeout().toMillis()));
        c.setConnectTimeout(timeout);
        c.setReadTimeout(timeout);
        c.setInstanceFollowRedirects(false);
        c.setUseCaches(false);
        c.setRequestMethod(request.method());
        for (Map.Entry<String, String> h : request.headers().entrySet()) {
            c.setRequestProperty(h.getKey(), h.getValue());
        }
        try {
            if (request.body() != null) {
                c.setDoOutput(true);
                c.setFixedLengthStreamingMode(request.body().length);
                try (OutputStream out = c.getOutputStream()) {
                    out.write(request.body());
                }
            }
            int status = c.getResponseCode();
            return new Response() {
                @Override
                public int status() {
                    return status;
                }

                @Override
                public String header(String name) {
                    return c.getHeaderField(name);
                }

                @Override
                public InputStream body() throws IOException {
                    InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
                    return in == null ? new ByteArrayInputStream(new byte[0]) : in;
                }

                @Override
                public void close() {
                    c.disconnect();
                }
            };
        } catch (IOException | RuntimeException e) {
            c.disconnect();
            throw e;
        }
    }
}
