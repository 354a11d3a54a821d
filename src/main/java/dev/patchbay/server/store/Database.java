package dev.patchbay.server.store;

import dev.patchbay.db.Migrations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * The server's metadata store: an H2 file database (the default) behind a connection pool, with the schema brought up
 * to date on open. Repositories run their SQL through {@link #inTransaction}; the SQL is kept portable (PostgreSQL).
 */
public final class Database implements AutoCloseable {
    /** H2's "database is already in use" error code. */
    private static final int H2_DATABASE_ALREADY_OPEN = 90020;

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final JdbcConnectionPool pool;

    private Database(JdbcConnectionPool pool) {
        this.pool = pool;
    }

    /** Opens (creating if needed) the H2 database in {@code folder} and applies pending migrations. */
    public static Database openH2(Path folder) throws IOException {
        Files.createDirectories(folder);
        String url = "jdbc:h2:file:" + folder.resolve("patchbay").toAbsolutePath() + ";MODE=Regular";
        JdbcConnectionPool pool = JdbcConnectionPool.create(url, "patchbay", "");
        pool.setMaxConnections(32);
        Database db = new Database(pool);
        try (Connection c = pool.getConnection()) {
            Migrations.apply(c, "dev/patchbay/server/migrations");
        } catch (SQLException e) {
            pool.dispose();
            if (e.getErrorCode() == H2_DATABASE_ALREADY_OPEN) {
                throw new IOException("The data folder " + folder.getParent() + " is in use by another Patchbay server", e);
            }
            throw new IOException("Cannot open the database in " + folder + ": " + e.getMessage(), e);
        }
        return db;
    }

    /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. */
    public <T> T inTransaction(Work<T> work) {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    public static Timestamp timestamp(Instant instant) {
        return Timestamp.from(instant);
    }

    public static Instant instant(Object value) {
        if (value instanceof OffsetDateTime odt) {
            return odt.toInstant();
        }
        if (value instanceof Timestamp ts) {
            return ts.toInstant();
        }
        if (value == null) {
            return null;
        }
        throw new IllegalStateException("Unexpected time value " + value.getClass());
    }

    public static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** True for a unique or primary key violation (SQLSTATE 23505, H2 and PostgreSQL alike). */
    public static boolean isDuplicate(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    @Override
    public void close() {
        pool.dispose();
    }
}
