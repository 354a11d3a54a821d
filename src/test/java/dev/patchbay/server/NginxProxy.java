package dev.patchbay.server;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** nginx in the foreground as this user, its configuration, pid, logs and temp files in target/. */
public final class NginxProxy implements AutoCloseable {
    final Process process;
    /** Where clients reach the instances. */
    public final String url;
    final Path home;

    private NginxProxy(Process process, String url, Path home) {
        this.process = process;
        this.url = url;
        this.home = home;
    }

    /** nginx from the PATH or /usr/sbin, or null. */
    public static Path binary() {
        for (String d : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/usr/local/sbin").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, "nginx"))) {
                return Path.of(d, "nginx");
            }
        }
        return null;
    }

    /**
     * Starts nginx on a free loopback port in front of the instances on {@code upstreams} (round robin).
     * {@code accessLog}: log each request's upstream and bytes to {@link #accessLog()} (benchmarks).
     */
    public static NginxProxy start(Path nginx, List<Integer> upstreams, boolean accessLog) throws Exception {
        Path home = Path.of("target", "cluster-proxy", Long.toHexString(System.nanoTime())).toAbsolutePath();
        Files.createDirectories(home.resolve("logs"));
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        StringBuilder servers = new StringBuilder();
        for (int p : upstreams) {
            servers.append("    server 127.0.0.1:").append(p).append(" max_fails=1 fail_timeout=30s;\n");
        }
        String proxy = """
                    proxy_pass http://patchbay;
                    proxy_http_version 1.1;
                    proxy_set_header Connection "";
                    proxy_set_header Host $http_host;
                    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                    proxy_connect_timeout 2s;
                    proxy_read_timeout 30s;
            """;
        String conf = (System.getProperty("user.name").equals("root") ? "user root;\n" : "") + """
                worker_processes 1;
                daemon off;
                pid %1$s/nginx.pid;
                error_log %1$s/logs/error.log warn;
                events { worker_connections 512; }
                http {
                  %5$s
                  client_body_temp_path %1$s/client_body;
                  proxy_temp_path %1$s/proxy;
                  fastcgi_temp_path %1$s/fastcgi;
                  uwsgi_temp_path %1$s/uwsgi;
                  scgi_temp_path %1$s/scgi;
                  upstream patchbay {
                %2$s    keepalive 16;
                  }
                  server {
                    listen 127.0.0.1:%3$d;
                    client_max_body_size 64m;
                    # Update checks change nothing a retry could repeat: one whose instance died goes to another.
                    location = /updates {
                %4$s            proxy_next_upstream error timeout http_502 http_503 non_idempotent;
                    }
                    location / {
                %4$s            proxy_next_upstream error timeout http_502 http_503;
                    }
                  }
                }
                """.formatted(home, servers, port, proxy, accessLog
                ? "log_format up '$upstream_addr $upstream_bytes_received $request_uri';\n  access_log "
                        + home.resolve("logs/access.log") + " up;"
                : "access_log off;");
        Path file = home.resolve("nginx.conf");
        Files.writeString(file, conf);
        Process p = new ProcessBuilder(nginx.toString(), "-p", home.toString(), "-c", file.toString(),
                "-e", home.resolve("logs/error.log").toString())
                .redirectErrorStream(true).redirectOutput(home.resolve("logs/stdout.log").toFile()).start();
        NginxProxy proxyProcess = new NginxProxy(p, "http://127.0.0.1:" + port, home);
        HttpClient client = HttpClient.newHttpClient();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < until) {
            if (!p.isAlive()) {
                break;
            }
            try {
                if (client.send(HttpRequest.newBuilder(URI.create(proxyProcess.url + "/api/v1/health")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return proxyProcess;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        proxyProcess.close();
        throw new AssertionError("nginx did not start: " + Files.readString(home.resolve("logs/error.log")));
    }

    /** The access log of {@code start(…, true)}: one line per request, {@code UPSTREAM BYTES URI}. */
    /** The nginx master process (its worker is a child), to measure their CPU time. */
    public ProcessHandle process() {
        return process.toHandle();
    }

    public Path accessLog() {
        return home.resolve("logs/access.log");
    }

    @Override
    public void close() throws Exception {
        process.destroy(); // SIGTERM: nginx's fast shutdown
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        try (var files = Files.walk(home)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
