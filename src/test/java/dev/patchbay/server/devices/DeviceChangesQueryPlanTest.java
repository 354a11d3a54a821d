package dev.patchbay.server.devices;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.db.Migrations;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The change feed reads a page off its index in order; a sort of every later change made a large sync quadratic. */
class DeviceChangesQueryPlanTest {
    @Test
    void aPageIsReadOffTheChangeIndexInOrder() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:changes-plan;MODE=Regular", "sa", "")) {
            Migrations.apply(c, "dev/patchbay/server/migrations");
            try (Statement st = c.createStatement()) {
                st.execute("INSERT INTO apps(id, name, created_at, updated_at) VALUES ('a', 'a', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
                st.execute("INSERT INTO devices(app_id, device_id, first_seen, last_seen, change_seq) SELECT 'a',"
                        + " 'd' || X, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, X FROM SYSTEM_RANGE(1, 2000)");
                st.execute("ANALYZE");
            }
            try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + DeviceStore.CHANGES_SQL + "100 ROWS ONLY")) {
                ps.setString(1, "a");
                ps.setLong(2, 5);
                ps.setLong(3, 1_000_000);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    String plan = rs.getString(1).replaceAll("\\s+", " ");
                    assertTrue(plan.contains("DEVICES_CHANGE") && plan.contains("index sorted"), plan);
                }
            }
        }
    }
}
