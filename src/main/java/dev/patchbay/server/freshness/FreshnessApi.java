package dev.patchbay.server.freshness;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.crypto.CryptoException;
import dev.patchbay.crypto.FreshnessCert;
import dev.patchbay.crypto.TrustRoot;
import dev.patchbay.domain.Json;
import dev.patchbay.server.apps.AppStore;
import dev.patchbay.server.apps.AppsApi;
import dev.patchbay.server.http.ApiError;
import dev.patchbay.server.http.ApiRequest;
import dev.patchbay.server.http.ApiResponse;
import dev.patchbay.server.http.Router;
import dev.patchbay.server.store.AuditLog;
import dev.patchbay.server.store.Database;
import dev.patchbay.server.trust.TrustStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /api/v1/server/freshness-key} and {@code GET|PUT /api/v1/apps/{appId}/freshness-cert}: the server's
 * freshness public key, and each app root's certificate of it (device-protocol §2).
 */
public final class FreshnessApi {
    private final Database db;
    private final Clock clock;
    private final FreshnessKey key;

    public FreshnessApi(Database db, Clock clock, FreshnessKey key) {
        this.db = db;
        this.clock = clock;
        this.key = key;
    }

    public void register(Router router) {
        router.get("/api/v1/server/freshness-key", r -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("keyId", key.keyId());
            body.put("publicKey", dev.patchbay.crypto.Codec.b64(key.publicKey()));
            return ApiResponse.ok(body);
        });
        router.get("/api/v1/apps/{appId}/freshness-cert", this::get);
        router.put("/api/v1/apps/{appId}/freshness-cert", this::put);
    }

    private ApiResponse get(ApiRequest r) {
        String appId = AppsApi.appId(r);
        String json = db.inTransaction(c -> {
            AppStore.require(c, appId);
            return find(c, appId);
        });
        if (json == null) {
            throw ApiError.notFound("App '" + appId + "' has no freshness certificate: the server is not trusted yet"
                    + " (patchbay key trust-server)");
        }
        return ApiResponse.ok(tree(json.getBytes(StandardCharsets.UTF_8)));
    }

    private ApiResponse put(ApiRequest r) {
        String appId = AppsApi.appId(r);
        byte[] body = r.rawJsonBody("invalid_freshness_cert");
        FreshnessCert cert;
        try {
            cert = FreshnessCert.parse(body);
        } catch (CryptoException e) {
            throw ApiError.badRequest("invalid_freshness_cert", "The freshness certificate cannot be read: "
                    + e.getMessage(), null);
        }
        Instant now = clock.instant();
        String text = new String(cert.toBytes(), StandardCharsets.UTF_8);
        db.inTransaction(c -> {
            AppStore.require(c, appId);
            byte[] trustJson = TrustStore.find(c, appId);
            if (trustJson == null) {
                throw ApiError.conflict("App '" + appId + "' has no trust material registered; PUT .../trust first",
                        "trust");
            }
            TrustRoot trust = TrustRoot.parse(trustJson);
            try {
                cert.verify(trust.rootPublicKey(), appId);
            } catch (CryptoException e) {
                throw ApiError.badRequest("invalid_freshness_cert", e.getMessage(), null);
            }
            if (!cert.keyId().equals(key.keyId())) {
                throw ApiError.conflict("The certificate is for freshness key " + cert.keyId()
                        + "; this server's freshness key is " + key.keyId()
                        + " (GET /api/v1/server/freshness-key)", "cert.keyId");
            }
            if (cert.notAfter().isBefore(now)) {
                throw ApiError.badRequest("invalid_freshness_cert", "The certificate expired at " + cert.notAfter(),
                        "cert.notAfter");
            }
            try (PreparedStatement ps = c.prepareStatement(db.upsert("freshness_certs",
                    java.util.List.of("app_id", "key_id", "cert_json", "not_before", "not_after", "updated_at"),
                    java.util.List.of("app_id")))) {
                ps.setString(1, appId);
                ps.setString(2, cert.keyId());
                ps.setString(3, text);
                ps.setObject(4, Database.utc(cert.notBefore()));
                ps.setObject(5, Database.utc(cert.notAfter()));
                ps.setObject(6, Database.utc(now));
                ps.executeUpdate();
            }
            AuditLog.record(c, now, r.principal(), "freshness.certify", appId, appId,
                    "key=" + cert.keyId() + " root=" + cert.rootKeyId() + " " + cert.notBefore() + ".." + cert.notAfter());
            return null;
        });
        return ApiResponse.ok(tree(cert.toBytes()));
    }

    /** The app's certificate JSON or {@code null}, inside a caller's transaction. */
    public static String find(Connection c, String appId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT cert_json FROM freshness_certs WHERE app_id = ?")) {
            ps.setString(1, appId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static JsonNode tree(byte[] json) {
        try {
            return Json.mapper().readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
