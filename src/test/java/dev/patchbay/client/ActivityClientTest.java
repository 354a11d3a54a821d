package dev.patchbay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.domain.ChannelDraft;
import dev.patchbay.domain.rollout.Rollout;
import dev.patchbay.domain.rollout.RolloutState;
import dev.patchbay.server.Rollouts;
import dev.patchbay.server.RunningServer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client's activity part ({@code audit}, {@code overview}) against a real server. */
class ActivityClientTest {
    @TempDir
    Path dataDir;

    @Test
    void auditPagesAndFiltersAndOverviewReadsRollouts() throws Exception {
        try (RunningServer s = RunningServer.start(dataDir)) {
            PatchbayClient client = PatchbayClient.connect(s.url(), s.adminKey);
            Instant start = Instant.now().minusSeconds(1);
            client.createApp("com.example.shop", "Shop");
            client.createChannel("com.example.shop", ChannelDraft.named("production").withDefaults());
            client.createChannel("com.example.shop", ChannelDraft.named("beta").withDefaults());
            client.renameApp("com.example.shop", "Shop 2");

            AuditPage first = client.audit(new AuditQuery("com.example.shop", "admin", "channel.", null, start, null,
                    1, null));
            assertEquals(1, first.items().size());
            AuditEntry e = first.items().get(0);
            assertEquals("channel.create", e.action());
            assertEquals("com.example.shop/beta", e.target());
            assertEquals("com.example.shop", e.appId());
            assertTrue(e.actor().contains("admin"), e.actor());
            assertNotNull(e.at());
            assertNotNull(first.next());
            List<String> targets = new ArrayList<>();
            AuditQuery q = new AuditQuery("com.example.shop", null, "channel.", null, null, null, 1, null);
            AuditPage page;
            do {
                page = client.audit(q);
                page.items().forEach(i -> targets.add(i.target()));
                q = q.after(page.next());
            } while (page.next() != null);
            assertEquals(List.of("com.example.shop/beta", "com.example.shop/production"), targets);
            assertEquals(4, client.audit(AuditQuery.all(0)).items().size());

            ValidationFailedException bad = assertThrows(ValidationFailedException.class,
                    () -> client.audit(new AuditQuery(null, null, "Not An Action", null, null, null, 0, null)));
            assertEquals("action", bad.field());

            Rollouts.insert(dataDir, "com.example.shop", "production", "1.5.0", 2500, "running", null);
            AppOverview o = client.overview("com.example.shop");
            assertEquals(1, o.rolloutsInFlight().size());
            Rollout r = o.rolloutsInFlight().get(0);
            assertEquals(RolloutState.RUNNING, r.state());
            assertEquals(2500, r.bps());
            assertNull(r.stableBundle());
            assertEquals(0, o.devices());
            assertThrows(NotFoundException.class, () -> client.overview("com.example.nothere"));
        }
    }
}
