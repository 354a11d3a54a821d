package dev.patchbay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.patchbay.domain.App;
import dev.patchbay.domain.Channel;
import dev.patchbay.domain.ChannelDraft;
import dev.patchbay.domain.Platform;
import dev.patchbay.domain.ValidationException;
import dev.patchbay.server.PatchbayServer;
import dev.patchbay.server.ServerConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against a real server on loopback (and, for lies, against a real foreign HTTP server). */
class PatchbayClientTest {
    @TempDir
    Path dataDir;
    PatchbayServer server;
    PatchbayClient client;

    @BeforeEach
    void start() throws IOException {
        server = PatchbayServer.start(new ServerConfig("127.0.0.1", 0, dataDir));
        client = PatchbayClient.connect(server.url(), Files.readString(server.adminApiKeyFile()));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void appsAndChannelsRoundTrip() {
        assertEquals("ok", client.health().status());
        App app = client.createApp("com.example.shop", "Shop");
        assertEquals("Shop", app.name());
        assertEquals(List.of(app), client.listApps());
        assertEquals("Shop 2", client.renameApp("com.example.shop", "Shop 2").name());

        Channel prod = client.createChannel("com.example.shop",
                ChannelDraft.named("production").withDefaultFor(Set.of(Platform.ANDROID, Platform.IOS)));
        assertEquals(Set.of(Platform.ANDROID, Platform.IOS), prod.defaultFor());
        client.createChannel("com.example.shop", ChannelDraft.named("beta").withAllowDeviceSelfAssign(true));
        Channel beta = client.updateChannel("com.example.shop", "beta",
                new ChannelDraft(null, "Testers", Set.of(Platform.IOS), null, null, false, null));
        assertEquals("Testers", beta.description());
        assertTrue(beta.allowDeviceSelfAssign(), "untouched fields stay");
        assertEquals(Set.of(Platform.ANDROID), client.getChannel("com.example.shop", "production").defaultFor());
        assertEquals(List.of("beta", "production"),
                client.listChannels("com.example.shop").stream().map(Channel::name).toList());

        client.deleteChannel("com.example.shop", "beta");
        assertEquals(1, client.listChannels("com.example.shop").size());
        client.deleteApp("com.example.shop");
        assertEquals(List.of(), client.listApps());
    }

    @Test
    void namesWithOddCharactersArePathEncoded() {
        client.createApp("com.example.shop", "Shop");
        assertThrows(ValidationFailedException.class, () -> client.getChannel("com.example.shop", "a/b"));
        NotFoundException e = assertThrows(NotFoundException.class, () -> client.getChannel("com.example.shop", "x.y-z_1"));
        assertTrue(e.getMessage().contains("x.y-z_1"), e.getMessage());
    }

    @Test
    void errorsAreTyped() {
        client.createApp("com.example.shop", "Shop");
        ConflictException dup = assertThrows(ConflictException.class, () -> client.createApp("com.example.shop", "Again"));
        assertTrue(dup.getMessage().contains("already exists"), dup.getMessage());

        ValidationFailedException bad = assertThrows(ValidationFailedException.class, () -> client.createApp("shop", "X"));
        assertEquals("id", bad.field());
        assertEquals(400, bad.status());

        assertThrows(NotFoundException.class, () -> client.getApp("com.example.none"));

        PatchbayClient wrongKey = PatchbayClient.connect(server.url(), "pbk_nope");
        assertEquals("admin", client.whoami().name());
        assertThrows(UnauthorizedException.class, wrongKey::whoami);
        UnauthorizedException unauth = assertThrows(UnauthorizedException.class, wrongKey::listApps);
        assertEquals("invalid_api_key", unauth.code());
    }

    @Test
    void freshnessAndDevicesAreTyped() {
        client.createApp("com.example.shop", "Shop");
        client.createChannel("com.example.shop", ChannelDraft.named("production")
                .withUpdateGate(dev.patchbay.domain.UpdateGate.PATCH));
        assertEquals(dev.patchbay.domain.UpdateGate.PATCH, client.getChannel("com.example.shop", "production").updateGate());
        assertEquals(dev.patchbay.domain.UpdateGate.MAJOR, client.updateChannel("com.example.shop", "production",
                ChannelDraft.named(null).withUpdateGate(dev.patchbay.domain.UpdateGate.MAJOR)).updateGate());
        FreshnessKeyInfo key = client.freshnessKey();
        assertEquals(16, key.keyId().length());
        assertThrows(NotFoundException.class, () -> client.freshnessCert("com.example.shop"));
        byte[] root = dev.patchbay.crypto.Ed25519.generatePrivateKey();
        dev.patchbay.crypto.FreshnessCert cert = dev.patchbay.crypto.FreshnessCert.create("com.example.shop",
                dev.patchbay.crypto.Codec.unb64(key.publicKey(), 32, "publicKey"), java.time.Instant.now(),
                java.time.Instant.now().plusSeconds(3600), root);
        // No trust.json registered yet: the server cannot check the certificate.
        ConflictException noTrust = assertThrows(ConflictException.class,
                () -> client.putFreshnessCert("com.example.shop", cert));
        assertTrue(noTrust.getMessage().contains("trust"), noTrust.getMessage());
        client.registerTrust("com.example.shop", dev.patchbay.crypto.TrustRoot.create("com.example.shop",
                dev.patchbay.crypto.Ed25519.publicKey(root), null).toBytes());
        assertEquals(cert, client.putFreshnessCert("com.example.shop", cert));
        assertEquals(cert, client.freshnessCert("com.example.shop"));

        assertEquals(List.of(), client.devices("com.example.shop", 10, null).items());
        String device = java.util.UUID.randomUUID().toString();
        assertThrows(NotFoundException.class, () -> client.device("com.example.shop", device));
        Device pinned = client.setChannelOverride("com.example.shop", device, "production");
        assertEquals("production", pinned.channelOverride());
        Device.Page page = client.devices("com.example.shop", 10, null);
        assertEquals(device, page.items().get(0).deviceId());
        assertEquals(null, page.next());
        assertEquals(List.of(), client.deviceEvents("com.example.shop", device, 10, null).items());
        assertThrows(ValidationFailedException.class, () -> client.devices("com.example.shop", 0, null));
        client.clearChannelOverride("com.example.shop", device);
        assertEquals(null, client.device("com.example.shop", device).channelOverride());
    }

    @Test
    void aStoppedServerIsUnreachable() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        PatchbayClient nowhere = PatchbayClient.connect("http://127.0.0.1:" + port, "k");
        ServerUnreachableException e = assertThrows(ServerUnreachableException.class, nowhere::listApps);
        assertTrue(e.getMessage().startsWith("Cannot reach the server at http://127.0.0.1:" + port), e.getMessage());
    }

    @Test
    void aHangingServerTimesOut() throws IOException {
        try (ServerSocket silent = new ServerSocket(0)) {
            PatchbayClient c = PatchbayClient.connect("http://127.0.0.1:" + silent.getLocalPort(), "k")
                    .withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(700));
            ServerUnreachableException e = assertThrows(ServerUnreachableException.class, c::listApps);
            assertTrue(e.getMessage().contains("did not answer in time"), e.getMessage());
        }
    }

    @Test
    void aServerThatLiesIsAServerError() throws IOException {
        HttpServer liar = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        liar.createContext("/api/v1/apps", exchange -> {
            byte[] html = "<html>proxy login</html>".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, html.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(html);
            }
        });
        liar.createContext("/api/v1/health", exchange -> {
            byte[] text = "Bad Gateway".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(502, text.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(text);
            }
        });
        liar.start();
        try {
            PatchbayClient c = PatchbayClient.connect("http://127.0.0.1:" + liar.getAddress().getPort(), "k");
            ServerErrorException html = assertThrows(ServerErrorException.class, c::listApps);
            assertTrue(html.getMessage().contains("cannot read"), html.getMessage());
            ServerErrorException gateway = assertThrows(ServerErrorException.class, c::health);
            assertEquals(502, gateway.status());
            assertTrue(gateway.getMessage().contains("Bad Gateway"), gateway.getMessage());
        } finally {
            liar.stop(0);
        }
    }

    @Test
    void aBadBaseUrlIsRejectedBeforeAnyCall() {
        ValidationException e = assertThrows(ValidationException.class, () -> PatchbayClient.connect("ftp://x", "k"));
        assertEquals("url", e.field());
        assertThrows(ValidationException.class, () -> PatchbayClient.connect("  ", "k"));
    }
}
