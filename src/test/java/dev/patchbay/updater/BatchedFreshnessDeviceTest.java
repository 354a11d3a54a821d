package dev.patchbay.updater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.crypto.Codec;
import dev.patchbay.crypto.Ed25519;
import dev.patchbay.crypto.FreshnessStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The updater runtime with batch-signed freshness statements (ADR 0114): it asks for them, installs from an answer
 * whose statement is a leaf of a signed batch, and refuses a tampered proof before downloading anything.
 */
class BatchedFreshnessDeviceTest {
    static final TestKeys KEYS = DeviceChecksTest.KEYS;

    /** Replaces the answer's statement by the same statement signed in a batch of three (two other devices). */
    static ObjectNode inBatch(ObjectNode answer, boolean tamper) {
        ObjectNode mine = (ObjectNode) answer.get("freshness").get("statement");
        Instant at = Instant.parse(mine.get("issuedAt").asText());
        ObjectNode other1 = FreshnessStatement.statement(TestKeys.APP, "11111111-1111-4111-8111-111111111111",
                "b3RoZXItbm9uY2UtMDAwMQ", "production", FreshnessStatement.Outcome.UP_TO_DATE, null, at,
                Duration.ofMinutes(10));
        ObjectNode other2 = FreshnessStatement.statement(TestKeys.APP, "22222222-2222-4222-8222-222222222222",
                "b3RoZXItbm9uY2UtMDAwMg", "production", FreshnessStatement.Outcome.BLOCKED, null, at,
                Duration.ofMinutes(10));
        List<ObjectNode> batch = dev.patchbay.crypto.FreshnessBatchTestSupport.batch(List.of(other1, mine, other2),
                Ed25519.signer(KEYS.freshnessKey));
        ObjectNode f = batch.get(1);
        if (tamper) {
            ArrayNode path = (ArrayNode) f.get("batch").get("path");
            byte[] h = Codec.unb64(path.get(0).asText(), 32, "h");
            h[31] ^= 0x40;
            path.set(0, Codec.b64(h));
        }
        answer.set("freshness", f);
        return answer;
    }

    @Test
    void theRuntimeAsksForBatchProofsAndInstallsFromOne() {
        Device d = new Device(KEYS, b -> b.autoUpdate(AutoUpdate.ALWAYS));
        d.server.publish(DeviceChecksTest.V110);
        d.server.tweak = a -> inBatch(a, false);
        d.boot();
        d.settle();
        assertTrue(d.server.checks.get(0).path("freshnessBatch").asBoolean(), d.server.checks.get(0).toString());
        assertTrue(d.events(UpdaterEvent.FreshnessFailed.class).isEmpty(), d.events.toString());
        assertEquals("1.1.0", d.currentVersion(), d.events.toString());
    }

    @Test
    void aTamperedAuditPathIsRefusedBeforeAnyDownload() {
        Device d = new Device(KEYS, b -> b.autoUpdate(AutoUpdate.ALWAYS));
        d.server.publish(DeviceChecksTest.V110);
        d.server.tweak = a -> inBatch(a, true);
        d.boot();
        d.settle();
        String reason = DeviceChecksTest.freshnessFailure(d);
        assertTrue(reason.contains("not in the signed batch"), reason);
        DeviceChecksTest.assertNothingInstalled(d);
        assertTrue(d.server.blobRequests.isEmpty(), "nothing is downloaded");
    }
}
