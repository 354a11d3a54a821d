package dev.patchbay.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.crypto.Codec;
import dev.patchbay.crypto.CryptoException;
import dev.patchbay.crypto.Ed25519;
import dev.patchbay.crypto.ReleaseSigner;
import dev.patchbay.domain.Json;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** A connection to the {@link KeyAgent} (ADR 0083): one request, one answer, in order. Not thread-safe. */
public final class AgentClient implements AutoCloseable {
    private final Path socket;
    private final SocketChannel channel;
    private final DataInputStream in;
    private final DataOutputStream out;

    private AgentClient(Path socket, SocketChannel channel) throws IOException {
        this.socket = socket;
        this.channel = channel;
        this.in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel)));
        this.out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel)));
    }

    /**
     * Connects to the agent at {@code socket} after checking that its folder is private to this user.
     *
     * @throws IOException no agent listens there, or the folder is not private (the message says which)
     */
    public static AgentClient connect(Path socket) throws IOException {
        Path dir = socket.toAbsolutePath().getParent();
        if (!Files.exists(socket)) {
            throw new IOException("No key agent at " + socket + " (start one with `patchbay agent start`)");
        }
        AgentSocket.checkPrivate(dir);
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return new AgentClient(socket, ch);
        } catch (IOException e) {
            ch.close();
            throw new IOException("No key agent answers at " + socket + " (" + e.getMessage() + ")", e);
        }
    }

    /** Whether an agent answers on {@code socket}. */
    public static boolean alive(Path socket) {
        try (AgentClient c = connect(socket)) {
            c.call(request("ping"));
            return true;
        } catch (IOException | CryptoException e) {
            return false;
        }
    }

    public Path socket() {
        return socket;
    }

    /** The agent's process id. */
    public long ping() throws IOException {
        return call(request("ping")).path("pid").asLong();
    }

    /** Unlocks the keys of {@code appId} in {@code dir} inside the agent; answers the release key id. */
    public String add(String appId, Path dir, char[] passphrase) throws IOException {
        ObjectNode r = request("add").put("appId", appId).put("dir", real(dir)).put("passphrase", new String(passphrase));
        byte[] bytes = Json.mapper().writeValueAsBytes(r);
        try {
            return call(bytes).path("releaseKeyId").asText();
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** What the agent holds: {@code keys} (appId, dir, releaseKeyId, contentKeyId, idleSeconds, ...), pid, timeout. */
    public JsonNode list() throws IOException {
        return call(request("list"));
    }

    /** Forgets the keys of one app folder; answers how many entries were removed. */
    public int remove(String appId, Path dir) throws IOException {
        return call(request("remove").put("appId", appId).put("dir", real(dir))).path("removed").asInt();
    }

    public int removeAll() throws IOException {
        return call(request("remove").put("all", true)).path("removed").asInt();
    }

    /** Asks the agent to wipe its keys and exit. */
    public void stop() throws IOException {
        call(request("stop"));
    }

    /** The public half of what the agent holds for one key folder, or null when it holds nothing for it. */
    public Held held(String appId, Path dir) throws IOException {
        ObjectNode r = request("keys").put("appId", appId).put("dir", real(dir));
        JsonNode answer = send(Json.mapper().writeValueAsBytes(r));
        if (!answer.path("ok").asBoolean(false)) {
            return null;
        }
        byte[] content = Codec.unb64(answer.path("contentKey").asText(), "contentKey");
        return new Held(answer.path("releaseKeyId").asText(),
                Codec.unb64(answer.path("releasePublicKey").asText(), Ed25519.KEY_LENGTH, "releasePublicKey"),
                answer.path("contentKeyId").asText(), content);
    }

    /** A signer whose every signature is made by the agent (one round trip each). */
    public ReleaseSigner.KeySigner signer(String appId, Path dir, byte[] releasePublicKey) throws IOException {
        String folder = real(dir);
        return new ReleaseSigner.KeySigner() {
            @Override
            public byte[] publicKey() {
                return releasePublicKey.clone();
            }

            @Override
            public byte[] sign(byte[] canonicalRelease) {
                try {
                    JsonNode a = call(request("sign").put("appId", appId).put("dir", folder)
                            .put("message", Codec.b64(canonicalRelease)));
                    return Codec.unb64(a.path("signature").asText(), Ed25519.SIGNATURE_LENGTH, "signature");
                } catch (IOException e) {
                    throw new CryptoException("The key agent did not sign: " + e.getMessage(), e);
                }
            }
        };
    }

    /** Release key id and public key, content key id and the content key (the caller wipes it). */
    public record Held(String releaseKeyId, byte[] releasePublicKey, String contentKeyId, byte[] contentKey) {
    }

    private static ObjectNode request(String op) {
        return Json.mapper().createObjectNode().put("op", op);
    }

    private static String real(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        return Files.exists(abs) ? abs.toRealPath().toString() : abs.toString();
    }

    private JsonNode call(ObjectNode request) throws IOException {
        return call(Json.mapper().writeValueAsBytes(request));
    }

    private JsonNode call(byte[] request) throws IOException {
        JsonNode answer = send(request);
        if (!answer.path("ok").asBoolean(false)) {
            throw new CryptoException(answer.path("error").asText("The key agent refused the request"));
        }
        return answer;
    }

    private synchronized JsonNode send(byte[] request) throws IOException {
        AgentSocket.write(out, request);
        byte[] answer = AgentSocket.read(in);
        if (answer == null) {
            throw new IOException("The key agent at " + socket + " closed the connection");
        }
        return Json.mapper().readTree(answer);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
