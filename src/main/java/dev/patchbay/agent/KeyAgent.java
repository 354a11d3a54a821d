package dev.patchbay.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.crypto.AppKeys;
import dev.patchbay.crypto.Codec;
import dev.patchbay.crypto.CryptoException;
import dev.patchbay.crypto.Ed25519;
import dev.patchbay.domain.Json;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key agent (ADR 0083): holds apps' unlocked release and content keys in memory so that a session unlocks them
 * (scrypt, seconds) once. It listens on a Unix domain socket in an owner-only folder; release keys never leave it
 * (it signs release metadata of their app, nothing else); the content key is handed to the caller, who seals with it
 * (it ships inside every app anyway). Keys not used for {@code idleTimeout} are wiped and forgotten.
 */
public final class KeyAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KeyAgent.class);

    private final Path socket;
    private final Duration idleTimeout;
    private final LongSupplier clock;
    private final ServerSocketChannel server;
    private final Map<String, Entry> keys = new LinkedHashMap<>();
    private final ExecutorService connections = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "patchbay-agent-connection");
        t.setDaemon(true);
        return t;
    });
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "patchbay-agent-sweeper");
        t.setDaemon(true);
        return t;
    });
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closing;

    private record Entry(String appId, Path dir, AppKeys keys, long[] lastUsed) {
    }

    private KeyAgent(Path socket, Duration idleTimeout, LongSupplier clock, ServerSocketChannel server) {
        this.socket = socket;
        this.idleTimeout = idleTimeout;
        this.clock = clock;
        this.server = server;
    }

    /**
     * Binds {@code socket} (its folder is created owner-only, or must already be) and serves until {@link #close}
     * or a {@code stop} request. A live agent on the same socket is an error; a stale socket file is replaced.
     */
    public static KeyAgent start(Path socket, Duration idleTimeout) throws IOException {
        return start(socket, idleTimeout, System::nanoTime);
    }

    /** As {@link #start(Path, Duration)} with a clock of nanoseconds (tests move it forward). */
    public static KeyAgent start(Path socket, Duration idleTimeout, LongSupplier nanoClock) throws IOException {
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idle timeout must be positive");
        }
        Path dir = socket.toAbsolutePath().getParent();
        AgentSocket.createPrivateDir(dir);
        if (Files.exists(socket)) {
            if (AgentClient.alive(socket)) {
                throw new IOException("An agent already listens on " + socket);
            }
            Files.delete(socket); // left by an agent that died
        }
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(socket));
            if (Files.getFileAttributeView(socket, java.nio.file.attribute.PosixFileAttributeView.class) != null) {
                Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            }
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        KeyAgent agent = new KeyAgent(socket, idleTimeout, nanoClock, server);
        long sweepMillis = Math.max(200, Math.min(30_000, idleTimeout.toMillis() / 4));
        agent.sweeper.scheduleWithFixedDelay(agent::forgetIdle, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
        Thread accept = new Thread(agent::acceptLoop, "patchbay-agent-accept");
        accept.setDaemon(true);
        accept.start();
        return agent;
    }

    public Path socket() {
        return socket;
    }

    /** Blocks until the agent stopped (a {@code stop} request or {@link #close}). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    private void acceptLoop() {
        while (!closing) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                if (!closing) {
                    LOG.warn("Key agent stops accepting on {}: {}", socket, e.toString());
                    close();
                }
                return;
            }
            connections.execute(() -> serve(ch));
        }
    }

    private void serve(SocketChannel ch) {
        try (ch; DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(ch)));
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(ch)))) {
            byte[] message;
            while ((message = AgentSocket.read(in)) != null) {
                ObjectNode answer;
                boolean stop = false;
                try {
                    JsonNode request = Json.mapper().readTree(message);
                    Arrays.fill(message, (byte) 0); // an add request holds a passphrase
                    if (request == null || !request.isObject()) {
                        throw new CryptoException("A request must be a JSON object");
                    }
                    String op = request.path("op").asText("");
                    stop = op.equals("stop");
                    answer = handle(op, request);
                } catch (CryptoException | IllegalArgumentException | IOException e) {
                    answer = Json.mapper().createObjectNode().put("ok", false).put("error", e.getMessage());
                } catch (RuntimeException | OutOfMemoryError e) {
                    LOG.warn("Key agent request failed", e);
                    answer = Json.mapper().createObjectNode().put("ok", false).put("error", "The agent failed: "
                            + (e instanceof OutOfMemoryError ? "out of memory (scrypt needs up to 1 GiB; give the "
                            + "agent a larger -Xmx)" : e.toString()));
                }
                AgentSocket.write(out, Json.mapper().writeValueAsBytes(answer));
                if (stop) {
                    close();
                    return;
                }
            }
        } catch (IOException e) {
            LOG.debug("Key agent connection ended: {}", e.toString());
        }
    }

    private ObjectNode handle(String op, JsonNode r) throws IOException {
        forgetIdle(); // also between sweeps: an expired key is never used
        ObjectNode ok = Json.mapper().createObjectNode().put("ok", true);
        switch (op) {
            case "ping", "stop" -> {
                return ok.put("pid", ProcessHandle.current().pid());
            }
            case "add" -> {
                String appId = text(r, "appId");
                Path dir = dir(r);
                char[] passphrase = text(r, "passphrase").toCharArray();
                AppKeys loaded;
                try {
                    loaded = AppKeys.load(appId, dir, passphrase);
                } finally {
                    Arrays.fill(passphrase, '\0');
                }
                synchronized (keys) {
                    Entry old = keys.put(key(appId, dir), new Entry(appId, dir, loaded, new long[] {clock.getAsLong()}));
                    if (old != null) {
                        old.keys().close();
                    }
                }
                return ok.put("releaseKeyId", loaded.releaseKeyId()).put("contentKeyId", loaded.contentKeyId());
            }
            case "list" -> {
                ArrayNode list = ok.putArray("keys");
                long now = clock.getAsLong();
                synchronized (keys) {
                    for (Entry e : keys.values()) {
                        long idle = TimeUnit.NANOSECONDS.toSeconds(now - e.lastUsed()[0]);
                        list.addObject().put("appId", e.appId()).put("dir", e.dir().toString())
                                .put("releaseKeyId", e.keys().releaseKeyId())
                                .put("contentKeyId", e.keys().contentKeyId())
                                .put("idleSeconds", idle)
                                .put("forgottenInSeconds", Math.max(0, idleTimeout.toSeconds() - idle));
                    }
                }
                return ok.put("idleTimeoutSeconds", idleTimeout.toSeconds()).put("pid", ProcessHandle.current().pid());
            }
            case "remove" -> {
                int removed = 0;
                synchronized (keys) {
                    for (var it = keys.values().iterator(); it.hasNext(); ) {
                        Entry e = it.next();
                        if (r.path("all").asBoolean(false) || (e.appId().equals(text(r, "appId"))
                                && e.dir().equals(dir(r)))) {
                            e.keys().close();
                            it.remove();
                            removed++;
                        }
                    }
                }
                return ok.put("removed", removed);
            }
            case "keys" -> {
                Entry e = use(r);
                byte[] content = e.keys().contentKey();
                try {
                    return ok.put("releaseKeyId", e.keys().releaseKeyId())
                            .put("releasePublicKey", Codec.b64(Ed25519.publicKey(releaseKey(e))))
                            .put("contentKeyId", e.keys().contentKeyId())
                            .put("contentKey", Codec.b64(content));
                } finally {
                    Arrays.fill(content, (byte) 0);
                }
            }
            case "sign" -> {
                Entry e = use(r);
                byte[] message = Codec.unb64(text(r, "message"), "message");
                checkRelease(e, message);
                byte[] key = releaseKey(e);
                try {
                    return ok.put("signature", Codec.b64(Ed25519.sign(key, message)));
                } finally {
                    Arrays.fill(key, (byte) 0);
                }
            }
            default -> throw new IllegalArgumentException("Unknown agent request '" + op + "'");
        }
    }

    private static byte[] releaseKey(Entry e) {
        return e.keys().releasePrivateKey();
    }

    /** The agent signs release metadata of the key's own app and key id only (not any bytes a caller sends). */
    private static void checkRelease(Entry e, byte[] message) {
        JsonNode release;
        try {
            release = Json.mapper().readTree(message);
        } catch (IOException ex) {
            throw new CryptoException("The agent signs release metadata only; this is not JSON");
        }
        String format = release == null ? "" : release.path("format").asText("");
        if (!format.startsWith("patchbay-release/") || !release.path("appId").asText("").equals(e.appId())
                || !release.path("releaseKeyId").asText("").equals(e.keys().releaseKeyId())) {
            throw new CryptoException("The agent signs release metadata of app " + e.appId() + " with release key "
                    + e.keys().releaseKeyId() + " only");
        }
    }

    private Entry use(JsonNode r) throws IOException {
        String appId = text(r, "appId");
        Path dir = dir(r);
        synchronized (keys) {
            Entry e = keys.get(key(appId, dir));
            if (e == null) {
                throw new CryptoException("The agent holds no keys of " + appId + " from " + dir);
            }
            e.lastUsed()[0] = clock.getAsLong();
            return e;
        }
    }

    private void forgetIdle() {
        long now = clock.getAsLong();
        synchronized (keys) {
            for (var it = keys.values().iterator(); it.hasNext(); ) {
                Entry e = it.next();
                if (now - e.lastUsed()[0] >= idleTimeout.toNanos()) {
                    e.keys().close();
                    it.remove();
                    LOG.info("Key agent forgot the keys of {} from {} (idle)", e.appId(), e.dir());
                }
            }
        }
    }

    /** The key folder of a request, resolved as {@code add} stored it (links resolved). */
    private static Path dir(JsonNode r) {
        Path dir = Path.of(text(r, "dir")).toAbsolutePath().normalize();
        try {
            return dir.toRealPath();
        } catch (IOException gone) {
            return dir;
        }
    }

    private static String key(String appId, Path dir) {
        return appId + "\n" + dir;
    }

    private static String text(JsonNode r, String field) {
        JsonNode v = r.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new IllegalArgumentException("The agent request lacks '" + field + "'");
        }
        return v.asText();
    }

    /** Wipes every key, stops listening and removes the socket file. */
    @Override
    public void close() {
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
        }
        synchronized (keys) {
            keys.values().forEach(e -> e.keys().close());
            keys.clear();
        }
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException ignored) {
            // a stale socket file is replaced by the next agent
        }
        sweeper.shutdownNow();
        connections.shutdownNow();
        stopped.countDown();
    }
}
