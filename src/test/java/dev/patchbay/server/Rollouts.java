package dev.patchbay.server;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** Writes a rollout row straight into a running server's database (for reads that do not need the verbs). */
public final class Rollouts {
    private Rollouts() {
    }

    public static String insert(Path dataDir, String app, String channel, String target, int bps, String state, String plan)
            throws Exception {
        byte[] b = new byte[8];
        ThreadLocalRandom.current().nextBytes(b);
        String id = HexFormat.of().formatHex(b);
        boolean active = state.equals("running") || state.equals("paused");
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        try (Connection c = dev.patchbay.server.store.TestDatabases.connect(dataDir);
             PreparedStatement ps = c.prepareStatement("INSERT INTO rollouts(id, app_id, channel, stable_bundle,"
                     + " target_bundle, bps, state, reason, plan_json, stage_index, stage_started_at, health_since,"
                     + " revision, started_at, started_by, updated_at, ended_at, active_key)"
                     + " VALUES (?, ?, ?, NULL, ?, ?, ?, 'test', ?, ?, ?, ?, 1, ?, 'key:k (admin)', ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, app);
            ps.setString(3, channel);
            ps.setString(4, target);
            ps.setInt(5, bps);
            ps.setString(6, state);
            ps.setString(7, plan);
            if (plan == null) {
                ps.setObject(8, null);
                ps.setObject(9, null);
            } else {
                ps.setInt(8, 1);
                ps.setObject(9, now);
            }
            ps.setObject(10, now);
            ps.setObject(11, now);
            ps.setObject(12, now);
            ps.setObject(13, active ? null : now);
            ps.setString(14, active ? app + "/" + channel : null);
            ps.executeUpdate();
        }
        return id;
    }
}
