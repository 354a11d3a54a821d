package dev.patchbay.harness;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The device's loopback web origin ({@code http://127.0.0.1:PORT}), as Capacitor's WebViewLocalServer serves
 * {@code https://localhost} on Android: each request is answered from the running app's current server base path
 * (the bundle folder, or the APK's builtin assets when null), and HTML answers get the native bridge script
 * injected, stamped with the page generation being loaded.
 */
final class LocalWebServer implements AutoCloseable {
    private static final String BRIDGE;
    private static final String HEADERS = FxWebScreen.jsLiteral(UpdaterPluginApi.headers());
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"), Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"), Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"), Map.entry("json", "application/json"),
            Map.entry("svg", "image/svg+xml"), Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"), Map.entry("gif", "image/gif"), Map.entry("webp", "image/webp"),
            Map.entry("ico", "image/x-icon"), Map.entry("woff2", "font/woff2"), Map.entry("woff", "font/woff"),
            Map.entry("txt", "text/plain; charset=utf-8"), Map.entry("wasm", "application/wasm"));

    static {
        try (InputStream in = LocalWebServer.class.getResourceAsStream("native-bridge.js")) {
            BRIDGE = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new ExceptionInInitializerError("native-bridge.js missing: " + e);
        }
    }

    private final EmulatedDevice device;
    private final HttpServer server;
    private final ExecutorService threads;

    private LocalWebServer(EmulatedDevice device, HttpServer server, ExecutorService threads) {
        this.device = device;
        this.server = server;
        this.threads = threads;
    }

    static LocalWebServer start(EmulatedDevice device) {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "patchbay-webview-server-" + device.serial());
                t.setDaemon(true);
                return t;
            });
            s.setExecutor(threads);
            LocalWebServer w = new LocalWebServer(device, s, threads);
            s.createContext("/", w::handle);
            s.start();
            return w;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the WebView's local server: " + e.getMessage(), e);
        }
    }

    String origin() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    static String bridgeScript(long generation) {
        return BRIDGE.replace("__GENERATION__", Long.toString(generation)).replace("__HEADERS__", HEADERS);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            DeviceProcess p = device.currentProcess();
            if (p == null || !p.process().alive() || !(ex.getRequestMethod().equals("GET")
                    || ex.getRequestMethod().equals("HEAD"))) {
                send(ex, 503, "text/plain", "app not running".getBytes(StandardCharsets.UTF_8));
                return;
            }
            Screen screen = p.screenForServer();
            String path = ex.getRequestURI().getPath();
            if (path.endsWith("/")) {
                path += "index.html";
            }
            path = path.substring(1);
            byte[] body = read(p, screen.basePath(), path);
            if (body == null) {
                p.log("webview", "resource failed: " + path + " (404 not found in bundle "
                        + (screen.basePath() == null ? "builtin" : p.versionOf(screen.basePath())) + ")");
                send(ex, 404, "text/plain", ("not found: " + path).getBytes(StandardCharsets.UTF_8));
                return;
            }
            String ext = path.contains(".") ? path.substring(path.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT) : "";
            String type = TYPES.getOrDefault(ext, "application/octet-stream");
            if (type.startsWith("text/html")) {
                DeviceState.PageView page = screen.page();
                if (page != null && path.equals("index.html")) {
                    screen.pageStarted(page.generation());
                }
                body = inject(new String(body, StandardCharsets.UTF_8), page == null ? 0 : page.generation())
                        .getBytes(StandardCharsets.UTF_8);
            }
            send(ex, 200, type, body);
        }
    }

    /** The bytes of {@code path} under {@code basePath} (null = builtin assets), or null. */
    private static byte[] read(DeviceProcess p, String basePath, String path) throws IOException {
        if (path.isEmpty() || path.contains("\0")) {
            return null;
        }
        Path base = basePath == null ? p.assets().folder() : Path.of(basePath);
        Path f = base.resolve(path).normalize();
        if (!f.startsWith(base) || !Files.isRegularFile(f)) {
            return null;
        }
        return Files.readAllBytes(f);
    }

    static String inject(String html, long generation) {
        String tag = "<script>" + bridgeScript(generation) + "</script>";
        int head = indexOfTag(html, "<head");
        if (head >= 0) {
            int close = html.indexOf('>', head);
            if (close > 0) {
                return html.substring(0, close + 1) + tag + html.substring(close + 1);
            }
        }
        return tag + html;
    }

    private static int indexOfTag(String html, String tag) {
        return html.toLowerCase(Locale.ROOT).indexOf(tag);
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
