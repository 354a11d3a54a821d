package dev.patchbay.server.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * Where the server's PostgreSQL database is and how to log in (ADR 0110): {@code jdbc:postgresql://HOST[:PORT]/DB}
 * with the user and password from the URL ({@code ?user=…&password=…}), else a password file, else the
 * {@code PGUSER}/{@code PGPASSWORD} environment variables (the user defaults to the operating system's user name, as
 * {@code psql} does). {@link #toString} never shows the password.
 *
 * @param url      the JDBC URL as given, without user and password parameters
 * @param user     database user
 * @param password password, or {@code null} (trust, peer or certificate authentication)
 * @param pool     this instance's connection pool (ADR 0118)
 */
public record PostgresConfig(String url, String user, String password, DatabasePool pool) implements DatabaseTarget {
    public PostgresConfig(String url, String user, String password) {
        this(url, user, password, DatabasePool.DEFAULT);
    }

    public PostgresConfig {
        pool = pool == null ? DatabasePool.DEFAULT : pool;
        if (url == null || !url.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException("the database URL must look like jdbc:postgresql://HOST[:PORT]/DATABASE,"
                    + " not " + url);
        }
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException("no database user: give ?user=NAME in the URL or set PGUSER");
        }
    }

    /**
     * Reads {@code url} (checked by the driver's own parser), taking the user and password from it, from
     * {@code passwordFile} (first line, may be {@code null}) or from {@code env}.
     */
    public static PostgresConfig parse(String url, Map<String, String> env, Path passwordFile) throws IOException {
        Properties props = url == null ? null : org.postgresql.Driver.parseURL(url, new Properties());
        if (props == null || !url.startsWith("jdbc:postgresql://") || props.getProperty("PGDBNAME", "").isBlank()) {
            throw new IllegalArgumentException("the database URL must look like jdbc:postgresql://HOST[:PORT]/DATABASE,"
                    + " not " + (url == null ? "nothing" : redact(url)));
        }
        String user = props.getProperty("user");
        String password = props.getProperty("password");
        if (password != null && passwordFile != null) {
            throw new IllegalArgumentException("the database URL holds a password and --db-password-file names one:"
                    + " give it once");
        }
        if (password == null && passwordFile != null) {
            if (!Files.isReadable(passwordFile)) {
                throw new IllegalArgumentException("cannot read the database password file " + passwordFile);
            }
            String text = Files.readString(passwordFile, StandardCharsets.UTF_8);
            password = text.lines().findFirst().orElse("").strip();
            if (password.isEmpty()) {
                throw new IllegalArgumentException("the database password file " + passwordFile + " is empty");
            }
        }
        if (user == null) {
            user = env.getOrDefault("PGUSER", System.getProperty("user.name"));
        }
        if (password == null) {
            password = env.get("PGPASSWORD");
        }
        return new PostgresConfig(withoutCredentials(url), user, password);
    }

    @Override
    public PostgresConfig withPool(DatabasePool pool) {
        return new PostgresConfig(url, user, password, pool);
    }

    @Override
    public String describe() {
        return "PostgreSQL " + where() + " as " + user + " (" + pool.describe() + ")";
    }

    /** HOST:PORT/DB for messages and logs. */
    public String where() {
        Properties p = org.postgresql.Driver.parseURL(url, new Properties());
        if (p == null) {
            return url;
        }
        return p.getProperty("PGHOST", "localhost") + ":" + p.getProperty("PGPORT", "5432") + "/"
                + p.getProperty("PGDBNAME");
    }

    @Override
    public String toString() {
        return "PostgresConfig[" + url + ", user=" + user + (password == null ? "" : ", password=***") + ", " + pool
                + "]";
    }

    private static String withoutCredentials(String url) {
        int q = url.indexOf('?');
        if (q < 0) {
            return url;
        }
        StringBuilder kept = new StringBuilder();
        for (String pair : url.substring(q + 1).split("&")) {
            String name = pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair;
            if (!name.equals("user") && !name.equals("password") && !pair.isEmpty()) {
                kept.append(kept.length() == 0 ? "?" : "&").append(pair);
            }
        }
        return url.substring(0, q) + kept;
    }

    private static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***");
    }
}
