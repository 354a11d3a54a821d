package dev.patchbay.server.auth;

import dev.patchbay.server.http.ApiError;
import dev.patchbay.server.http.Authenticator;
import dev.patchbay.server.http.Principal;
import dev.patchbay.server.store.Database;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

/**
 * API keys: generated here, shown once, stored only as a SHA-256 hash. Keys are random 256-bit values, so a fast
 * hash is enough (no password stretching needed) and lookups stay cheap on the hot path.
 */
public final class ApiKeys implements Authenticator {
    public static final String PREFIX = "pbk_";
    public static final String ROLE_ADMIN = "admin";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Database db;
    private final Clock clock;

    public ApiKeys(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** A freshly minted key: the plaintext (to hand over once) and its id. */
    public record NewKey(String id, String plaintext) {
    }

    public NewKey create(String name, String role) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String plaintext = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        String id = UUID.randomUUID().toString();
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO api_keys(id, name, key_hash, role, created_at) VALUES (?, ?, ?, ?, ?)")) {
                ps.setString(1, id);
                ps.setString(2, name);
                ps.setString(3, hash(plaintext));
                ps.setString(4, role);
                ps.setObject(5, Database.utc(clock.instant()));
                ps.executeUpdate();
            }
            return null;
        });
        return new NewKey(id, plaintext);
    }

    @Override
    public Principal authenticate(String apiKey) {
        if (apiKey == null || apiKey.isBlank()) {
            throw ApiError.unauthorized("missing_api_key",
                    "This request needs an API key: send the header 'Authorization: Bearer <key>'");
        }
        String hash = hash(apiKey.strip());
        Principal principal = db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, name, expires_at, revoked_at FROM api_keys WHERE key_hash = ?")) {
                ps.setString(1, hash);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || rs.getObject("revoked_at") != null) {
                        return null;
                    }
                    Instant expires = Database.instant(rs.getObject("expires_at"));
                    if (expires != null && !clock.instant().isBefore(expires)) {
                        return null;
                    }
                    return new Principal(rs.getString("id"), rs.getString("name"));
                }
            }
        });
        if (principal == null) {
            throw ApiError.unauthorized("invalid_api_key", "The API key is not valid (unknown, revoked or expired)");
        }
        return principal;
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
