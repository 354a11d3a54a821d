package dev.patchbay.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A dialect's own script replaces the portable one of the same number; the scripts still end at the first gap. */
class MigrationsDialectTest {
    private static final String FOLDER = "dev/patchbay/db/dialect-migrations";

    @Test
    void aDialectScriptReplacesThePortableOne() throws Exception {
        assertEquals(List.of("2:dialect"), rows("postgresql", "a"));
        assertEquals(List.of("2:portable"), rows(null, "b"));
    }

    private static List<String> rows(String dialect, String name) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:migrations-" + name + ";MODE=Regular", "sa", "")) {
            assertEquals(2, Migrations.apply(c, FOLDER, dialect), "stops at the gap before V4");
            List<String> out = new ArrayList<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT id, note FROM t ORDER BY id")) {
                while (rs.next()) {
                    out.add(rs.getInt(1) + ":" + rs.getString(2));
                }
            }
            return out;
        }
    }
}
