package dev.patchbay.server.auth;

import dev.patchbay.server.http.ApiError;
import dev.patchbay.server.http.Authenticator;
import dev.patchbay.server.http.Principal;
import dev.patchbay.server.store.Database;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * API keys (ADR 0095): generated here, shown once, stored only as a SHA-256 hash. Keys are random 256-bit values, so
 * a fast hash is enough (no password stretching needed) and lookups stay cheap on the hot path. Every request reads
 * the key's row, so a revocation or expiry takes effect on the next request, on every route.
 */
public final class ApiKeys implements Authenticator {
    public static final String PREFIX = "pbk_";
    public static final String ROLE_ADMIN = "admin";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String COLUMNS =
            "id, name, role, apps, created_at, created_by, expires_at, revoked_at, bootstrap";

    private final Database db;
    private final Clock clock;

    public ApiKeys(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** A freshly minted key: the plaintext (to hand over once) and its stored description. */
    public record NewKey(String id, String plaintext, KeyRow key) {
    }

    /** A key as listed (never its secret). {@code apps} null = every app. */
    public record KeyRow(String id, String name, String role, List<String> apps, Instant createdAt, String createdBy,
                         Instant expiresAt, Instant revokedAt, boolean bootstrap) {
        /** active, expired or revoked, at {@code now}. */
        public String status(Instant now) {
            if (revokedAt != null) {
                return "revoked";
            }
            return expiresAt != null && !now.isBefore(expiresAt) ? "expired" : "active";
        }
    }

    /** Mints a key without an audit row (the server's own bootstrap key, tests). */
    public NewKey create(String name, String role) {
        return db.inTransaction(c -> insert(c, name, Role.parse(role), null, null, null, false));
    }

    /**
     * Inserts a new key inside {@code c}'s transaction; 409 on field {@code name} if an unrevoked key already has
     * that name (names are what the audit log shows, so they must say which key acted).
     */
    public NewKey insert(Connection c, String name, Role role, Set<String> apps, Instant expiresAt, String createdBy,
                         boolean bootstrap) throws SQLException {
        if (findActiveByName(c, name) != null) {
            throw ApiError.conflict("A key named '" + name + "' already exists; revoke it or choose another name",
                    "name");
        }
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String plaintext = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        String id = UUID.randomUUID().toString();
        Instant now = clock.instant();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO api_keys(id, name, key_hash, role, created_at,"
                + " expires_at, apps, bootstrap, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, name);
            ps.setString(3, hash(plaintext));
            ps.setString(4, role.wire());
            ps.setObject(5, Database.utc(now));
            ps.setObject(6, expiresAt == null ? null : Database.utc(expiresAt));
            ps.setString(7, apps == null ? null : String.join(",", apps));
            ps.setBoolean(8, bootstrap);
            ps.setString(9, createdBy);
            ps.executeUpdate();
        }
        return new NewKey(id, plaintext, get(c, id));
    }

    public List<KeyRow> list() {
        return db.inTransaction(c -> {
            List<KeyRow> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM api_keys ORDER BY created_at, id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
            return out;
        });
    }

    /** The key with id {@code idOrName}, else the unrevoked key with that name; 404 if neither. */
    public KeyRow find(Connection c, String idOrName) throws SQLException {
        KeyRow byId = get(c, idOrName);
        if (byId != null) {
            return byId;
        }
        KeyRow byName = findActiveByName(c, idOrName);
        if (byName == null) {
            throw ApiError.notFound("No API key with id or name '" + idOrName + "'");
        }
        return byName;
    }

    /** Marks {@code id} revoked now (no-op if it already is); refused at once on every route after this commits. */
    public void revoke(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
            ps.setObject(1, Database.utc(clock.instant()));
            ps.setString(2, id);
            ps.executeUpdate();
        }
    }

    /** Sets (or, with null, clears) when {@code id} stops working. */
    public void setExpiry(Connection c, String id, Instant expiresAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE api_keys SET expires_at = ? WHERE id = ?")) {
            ps.setObject(1, expiresAt == null ? null : Database.utc(expiresAt));
            ps.setString(2, id);
            ps.executeUpdate();
        }
    }

    /** The unrevoked bootstrap keys (the one in the admin-api-key file, normally one). */
    public List<KeyRow> activeBootstrapKeys(Connection c) throws SQLException {
        List<KeyRow> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM api_keys WHERE bootstrap AND revoked_at IS NULL");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(row(rs));
            }
        }
        return out;
    }

    /** The stored SHA-256 of key {@code id}, or null if there is no such key. */
    String hashOf(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT key_hash FROM api_keys WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** The key whose plaintext is {@code plaintext}, if it is stored and still works now. */
    public KeyRow activeByPlaintext(String plaintext) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM api_keys WHERE key_hash = ?")) {
                ps.setString(1, hash(plaintext.strip()));
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    KeyRow k = row(rs);
                    return k.status(clock.instant()).equals("active") ? k : null;
                }
            }
        });
    }

    public Instant now() {
        return clock.instant();
    }

    public Database database() {
        return db;
    }

    @Override
    public Principal authenticate(String apiKey) {
        if (apiKey == null || apiKey.isBlank()) {
            throw ApiError.unauthorized("missing_api_key",
                    "This request needs an API key: send the header 'Authorization: Bearer <key>'");
        }
        KeyRow k = activeByPlaintext(apiKey);
        if (k == null) {
            throw ApiError.unauthorized("invalid_api_key", "The API key is not valid (unknown, revoked or expired)");
        }
        return new Principal(k.id(), k.name(), null, k.role(), k.apps() == null ? null : new LinkedHashSet<>(k.apps()));
    }

    private static KeyRow get(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM api_keys WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? row(rs) : null;
            }
        }
    }

    private static KeyRow findActiveByName(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM api_keys WHERE name = ? AND revoked_at IS NULL")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? row(rs) : null;
            }
        }
    }

    private static KeyRow row(ResultSet rs) throws SQLException {
        String apps = rs.getString("apps");
        return new KeyRow(rs.getString("id"), rs.getString("name"), Role.ofStored(rs.getString("role")).wire(),
                apps == null ? null : Arrays.stream(apps.split(",")).filter(s -> !s.isEmpty()).toList(),
                Database.instant(rs.getObject("created_at")), rs.getString("created_by"),
                Database.instant(rs.getObject("expires_at")), Database.instant(rs.getObject("revoked_at")),
                rs.getBoolean("bootstrap"));
    }

    static String hash(String plaintext) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(plaintext.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
