package dev.patchbay.server;

import static dev.patchbay.server.DeviceFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.client.ConflictException;
import dev.patchbay.client.NotFoundException;
import dev.patchbay.client.PatchbayClient;
import dev.patchbay.client.RolloutStart;
import dev.patchbay.crypto.BlobRef;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code DELETE …/bundles/{version}}: refused with the reason while a channel serves the bundle or an active rollout
 * uses it; otherwise the bundle is gone, its blobs are freed (a blob read is a 404), and the audit log says who.
 */
class BundleDeletionTest {
    static final String APP = "com.example.shop";

    @TempDir
    Path dataDir;
    RunningServer s;
    DeviceFixture f;
    PatchbayClient client;

    @BeforeEach
    void start() throws Exception {
        s = RunningServer.start(dataDir);
        f = new DeviceFixture(s, APP).create().trustServer();
        f.channel("{\"name\":\"production\",\"defaultFor\":[\"android\"]}");
        client = PatchbayClient.connect(s.url(), s.adminKey);
    }

    @AfterEach
    void stop() {
        s.close();
    }

    @Test
    void deletesAnUnusedBundleFreesItsBlobsAndRefusesOneInUse() throws Exception {
        f.publish("1.4.0", 1);
        f.patchChannel("production", "{\"bundle\":\"1.4.0\"}");
        f.publish("1.5.0", 2);
        TestReleases.Sealed unused = f.publish("1.6.0", 3);
        client.startRollout(APP, "production", new RolloutStart("1.5.0", 1000, null, null, null, "canary"));

        ConflictException served = assertThrows(ConflictException.class, () -> client.deleteBundle(APP, "1.4.0"));
        assertTrue(served.getMessage().contains("channel 'production' serves it"), served.getMessage());
        ConflictException target = assertThrows(ConflictException.class, () -> client.deleteBundle(APP, "1.5.0"));
        assertTrue(target.getMessage().contains("on channel 'production' has it as its target"), target.getMessage());

        BlobRef blob = unused.blobs().get(unused.blobs().size() - 1);
        assertEquals(200, s.json("GET", f.base + "/blobs/" + blob.sha256(), null).statusCode());
        int freed = client.deleteBundle(APP, "1.6.0");
        assertEquals(unused.blobs().size(), freed, "its blobs were its own");
        assertThrows(NotFoundException.class, () -> client.getBundle(APP, "1.6.0"));
        assertEquals(404, s.json("GET", f.base + "/blobs/" + blob.sha256(), null).statusCode());
        assertEquals(2, client.listBundles(APP).size());
        assertThrows(NotFoundException.class, () -> client.deleteBundle(APP, "1.6.0"));

        JsonNode audit = json(s.json("GET", "/api/v1/audit?action=bundle.delete", null));
        assertEquals(1, audit.path("items").size(), audit.toString());
        assertEquals(APP + "/1.6.0", audit.path("items").get(0).path("target").asText());
        assertTrue(audit.path("items").get(0).path("detail").asText().contains("sequence=3"), audit.toString());

        // Promoted, the channel serves 1.5.0: nothing uses 1.4.0 any more, so it can go.
        client.promoteRollout(APP, "production", "all good");
        client.deleteBundle(APP, "1.4.0");
        assertEquals(java.util.List.of("1.5.0"), client.listBundles(APP).stream().map(b -> b.version()).toList());
    }
}
