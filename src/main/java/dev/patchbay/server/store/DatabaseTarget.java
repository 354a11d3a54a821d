package dev.patchbay.server.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A database server the server keeps its metadata in instead of the embedded H2 file, which several instances may
 * share (ADR 0110, ADR 0116): PostgreSQL, or H2's TCP server. {@code toString} never shows a password.
 */
public sealed interface DatabaseTarget permits PostgresConfig, DatabaseTarget.SharedH2 {

    /** What to print and log: which database, never the password. */
    String describe();

    /** This instance's connection pool to it. */
    DatabasePool pool();

    /** The same database with another connection pool. */
    DatabaseTarget withPool(DatabasePool pool);

    /**
     * Reads {@code serve --db}: {@code jdbc:postgresql://…} (user and password from the URL, {@code passwordFile} or
     * {@code PGUSER}/{@code PGPASSWORD} in {@code env}) or {@code jdbc:h2:tcp://HOST:PORT/NAME}.
     *
     * @throws IllegalArgumentException with a readable reason when the URL or its credentials do not fit
     */
    static DatabaseTarget parse(String url, Map<String, String> env, Path passwordFile) throws IOException {
        String u = url == null ? "" : url.strip();
        if (u.startsWith("jdbc:postgresql:")) {
            return PostgresConfig.parse(u, env, passwordFile);
        }
        if (u.startsWith("jdbc:h2:tcp://") || u.startsWith("jdbc:h2:ssl://")) {
            if (passwordFile != null) {
                throw new IllegalArgumentException("--db-password-file is for PostgreSQL; an H2 server URL takes"
                        + " ;USER=…;PASSWORD=…");
            }
            return new SharedH2(u);
        }
        throw new IllegalArgumentException("the database must be jdbc:postgresql://HOST[:PORT]/DATABASE or an H2"
                + " server URL such as jdbc:h2:tcp://HOST:PORT/NAME, not " + (url == null ? "nothing" : redacted(u)));
    }

    /** {@code url} with the values of its password settings replaced by {@code ***}. */
    static String redacted(String url) {
        return url.replaceAll("(?i)(PASSWORD=)[^;&]*", "$1***");
    }

    /** H2's TCP (or TLS) server that several instances share: {@code jdbc:h2:tcp://HOST:PORT/NAME[;USER=…]}. */
    record SharedH2(String url, DatabasePool pool) implements DatabaseTarget {
        public SharedH2 {
            if (url == null || !(url.startsWith("jdbc:h2:tcp://") || url.startsWith("jdbc:h2:ssl://"))) {
                throw new IllegalArgumentException("an H2 server URL looks like jdbc:h2:tcp://HOST:PORT/NAME, not "
                        + (url == null ? "nothing" : redacted(url)));
            }
            pool = pool == null ? DatabasePool.DEFAULT : pool;
        }

        public SharedH2(String url) {
            this(url, DatabasePool.DEFAULT);
        }

        @Override
        public SharedH2 withPool(DatabasePool pool) {
            return new SharedH2(url, pool);
        }

        @Override
        public String describe() {
            return "H2 server " + redacted(url) + " (" + pool.describe() + ")";
        }

        @Override
        public String toString() {
            return "SharedH2[" + redacted(url) + ", " + pool + "]";
        }
    }
}
