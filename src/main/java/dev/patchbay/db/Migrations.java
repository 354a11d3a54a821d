package dev.patchbay.db;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Versioned schema migrations, shared by the server's store and the console's cache.
 *
 * <p>Scripts are classpath resources {@code <folder>/V1.sql}, {@code V2.sql}, ... read in order until the first gap;
 * each runs once, in its own transaction, and is recorded in {@code schema_history}. Statements are separated by a
 * line that ends with {@code ;}. See docs/decisions/0003-own-schema-migrations.md.
 *
 * <p>A database with its own dialect folder (the server store on PostgreSQL: ADR 0110) takes
 * {@code <folder>/<dialect>/Vn.sql} instead of {@code <folder>/Vn.sql} where the former exists; the numbering is one.
 */
public final class Migrations {
    private Migrations() {
    }

    /** Applies the scripts under {@code folder} that this database has not seen; returns the schema version reached. */
    public static int apply(Connection connection, String folder) throws SQLException {
        return apply(connection, folder, null);
    }

    /**
     * As {@link #apply(Connection, String)}, taking a script from {@code folder/dialect/} where one with the same name
     * exists there ({@code dialect} may be {@code null}: none).
     */
    public static int apply(Connection connection, String folder, String dialect) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        try {
            connection.setAutoCommit(true);
            try (Statement st = connection.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS schema_history ("
                        + "version INT PRIMARY KEY, script VARCHAR(200) NOT NULL, applied_at TIMESTAMP WITH TIME ZONE NOT NULL)");
            }
            int current = currentVersion(connection);
            int version = current;
            connection.setAutoCommit(false);
            while (true) {
                String name = folder + "/V" + (version + 1) + ".sql";
                String script = null;
                if (dialect != null) {
                    String own = folder + "/" + dialect + "/V" + (version + 1) + ".sql";
                    script = read(own);
                    name = script == null ? name : own;
                }
                script = script == null ? read(name) : script;
                if (script == null) {
                    break;
                }
                try (Statement st = connection.createStatement()) {
                    for (String sql : statements(script)) {
                        st.execute(sql);
                    }
                    try (PreparedStatement ps = connection.prepareStatement(
                            "INSERT INTO schema_history(version, script, applied_at) VALUES (?, ?, CURRENT_TIMESTAMP)")) {
                        ps.setInt(1, version + 1);
                        ps.setString(2, name);
                        ps.executeUpdate();
                    }
                    connection.commit();
                } catch (SQLException e) {
                    connection.rollback();
                    throw new SQLException("Schema migration " + name + " failed: " + e.getMessage(), e);
                }
                version++;
            }
            return version;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    static int currentVersion(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_history")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\\R")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("--") || trimmed.isEmpty()) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String sql = current.toString().strip();
                out.add(sql.substring(0, sql.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            out.add(current.toString().strip());
        }
        return out;
    }

    private static String read(String resource) {
        try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(resource)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read migration " + resource, e);
        }
    }
}
