package dev.patchbay.server.auth;

import dev.patchbay.domain.Names;
import dev.patchbay.server.http.ApiError;
import dev.patchbay.server.http.ApiRequest;
import dev.patchbay.server.http.ApiResponse;
import dev.patchbay.server.http.Router;
import dev.patchbay.server.store.AuditLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code /api/v1/api-keys} (ADR 0095): list, create, show, expire, revoke and rotate API keys. Admin only (the
 * default of {@link RoutePermissions}). The secret of a key is answered once, at create or rotate; only its hash is
 * stored. Rotating the bootstrap key rewrites the data folder's {@code admin-api-key} file in the same transaction.
 */
public final class ApiKeysApi {
    static final String BASE = "/api/v1/api-keys";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._@-]{0,59}");

    record CreateKey(String name, String role, List<String> apps, Instant expiresAt) {
    }

    record ExpireKey(Instant expiresAt) {
    }

    private final ApiKeys keys;
    private final Path adminKeyFile;

    /** {@code adminKeyFile}: the file rewritten when the bootstrap key rotates (null: routes listed, not served). */
    public ApiKeysApi(ApiKeys keys, Path adminKeyFile) {
        this.keys = keys;
        this.adminKeyFile = adminKeyFile;
    }

    public void register(Router router) {
        router.get(BASE, r -> ApiResponse.items(keys.list().stream().map(this::view).toList()));
        router.post(BASE, this::create);
        router.get(BASE + "/{keyId}", r -> ApiResponse.ok(view(keys.database().inTransaction(
                c -> keys.find(c, r.pathParam("keyId"))))));
        router.patch(BASE + "/{keyId}", this::expire);
        router.post(BASE + "/{keyId}/revoke", this::revoke);
        router.post(BASE + "/{keyId}/rotate", this::rotate);
    }

    private ApiResponse create(ApiRequest r) {
        CreateKey body = r.body(CreateKey.class);
        String name = name(body.name());
        Role role = Role.parse(body.role());
        Set<String> apps = apps(body.apps());
        if (apps != null && role == Role.ADMIN) {
            throw ApiError.validation("apps", "An admin key cannot be limited to apps; choose publisher, viewer or"
                    + " device-admin for an app-scoped key");
        }
        Instant expires = future(body.expiresAt());
        ApiKeys.NewKey key = keys.database().inTransaction(c -> {
            ApiKeys.NewKey k = keys.insert(c, name, role, apps, expires, r.principal().actor(), false);
            AuditLog.record(c, keys.now(), r.principal(), "apikey.create", null, name, describe(k.key()));
            return k;
        });
        return ApiResponse.created(withSecret(key, false));
    }

    private ApiResponse expire(ApiRequest r) {
        ExpireKey body = r.body(ExpireKey.class);
        Instant expires = body.expiresAt() == null ? null : future(body.expiresAt());
        ApiKeys.KeyRow row = keys.database().inTransaction(c -> {
            ApiKeys.KeyRow k = keys.find(c, r.pathParam("keyId"));
            if (k.revokedAt() != null) {
                throw ApiError.conflict("Key '" + k.name() + "' is revoked", null);
            }
            keys.setExpiry(c, k.id(), expires);
            AuditLog.record(c, keys.now(), r.principal(), "apikey.expire", null, k.name(),
                    "expiresAt=" + (expires == null ? "never" : expires));
            return keys.find(c, k.id());
        });
        return ApiResponse.ok(view(row));
    }

    /**
     * Revokes a key. Revoking the bootstrap admin key also removes the {@code admin-api-key} file when it holds that
     * key (in the revoking transaction: if the file cannot be removed, nothing is revoked), so the file never holds a
     * dead key; the next start mints a new one (ADR 0097).
     */
    private ApiResponse revoke(ApiRequest r) {
        boolean[] removed = {false};
        ApiKeys.KeyRow row;
        try {
            row = keys.database().inTransaction(c -> {
                ApiKeys.KeyRow k = keys.find(c, r.pathParam("keyId"));
                if (k.revokedAt() == null) {
                    keys.revoke(c, k.id());
                    AuditLog.record(c, keys.now(), r.principal(), "apikey.revoke", null, k.name(), describe(k));
                    if (k.bootstrap() && adminKeyFile != null) {
                        try {
                            removed[0] = AdminKeyFile.removeIfHolds(adminKeyFile, keys.hashOf(c, k.id()));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                }
                return keys.find(c, k.id());
            });
        } catch (UncheckedIOException e) {
            throw new ApiError(500, "key_file_not_written", "The admin key file could not be removed ("
                    + e.getCause().getMessage() + "); the key was not revoked", null);
        }
        Map<String, Object> out = new LinkedHashMap<>(view(row));
        if (row.bootstrap()) {
            out.put("adminKeyFileRemoved", removed[0]);
        }
        return ApiResponse.ok(out);
    }

    /** A new secret for the same name, role, scope and expiry; the old one is refused from this commit on. */
    private ApiResponse rotate(ApiRequest r) {
        ApiKeys.NewKey key;
        try {
            key = keys.database().inTransaction(c -> {
                ApiKeys.KeyRow old = keys.find(c, r.pathParam("keyId"));
                if (!old.status(keys.now()).equals("active")) {
                    throw ApiError.conflict("Key '" + old.name() + "' is " + old.status(keys.now())
                            + "; only an active key can be rotated (create a new one instead)", null);
                }
                keys.revoke(c, old.id());
                ApiKeys.NewKey k = keys.insert(c, old.name(), Role.parse(old.role()),
                        old.apps() == null ? null : new LinkedHashSet<>(old.apps()), old.expiresAt(),
                        r.principal().actor(), old.bootstrap());
                AuditLog.record(c, keys.now(), r.principal(), "apikey.rotate", null, old.name(), describe(k.key()));
                if (old.bootstrap() && adminKeyFile != null) {
                    try {
                        AdminKeyFile.write(adminKeyFile, k.plaintext());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                return k;
            });
        } catch (UncheckedIOException e) {
            throw new ApiError(500, "key_file_not_written", "The admin key file could not be rewritten ("
                    + e.getCause().getMessage() + "); the key was not rotated", null);
        }
        return ApiResponse.ok(withSecret(key, key.key().bootstrap()));
    }

    private Map<String, Object> withSecret(ApiKeys.NewKey key, boolean fileRewritten) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("key", view(key.key()));
        out.put("secret", key.plaintext());
        out.put("adminKeyFileRewritten", fileRewritten);
        return out;
    }

    private Map<String, Object> view(ApiKeys.KeyRow k) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", k.id());
        out.put("name", k.name());
        out.put("role", k.role());
        out.put("apps", k.apps());
        out.put("status", k.status(keys.now()));
        out.put("createdAt", k.createdAt());
        out.put("createdBy", k.createdBy() == null ? null : dev.patchbay.server.http.Principal.displayActor(k.createdBy()));
        out.put("expiresAt", k.expiresAt());
        out.put("revokedAt", k.revokedAt());
        out.put("bootstrap", k.bootstrap());
        return out;
    }

    private static String describe(ApiKeys.KeyRow k) {
        return "role=" + k.role() + " apps=" + (k.apps() == null ? "all" : String.join(",", k.apps()))
                + " expiresAt=" + (k.expiresAt() == null ? "never" : k.expiresAt());
    }

    private static String name(String name) {
        if (name == null || !NAME.matcher(name.strip()).matches()) {
            throw ApiError.validation("name", "A key name is 1 to 60 letters, digits, spaces or . _ @ -, starting with"
                    + " a letter or digit (e.g. ci-shop or alice@example.com)");
        }
        return name.strip();
    }

    private static Set<String> apps(List<String> apps) {
        if (apps == null) {
            return null;
        }
        if (apps.isEmpty()) {
            throw ApiError.validation("apps", "List at least one app id, or leave 'apps' out for every app");
        }
        Set<String> out = new LinkedHashSet<>();
        for (String a : apps) {
            out.add(Names.appId("apps", a));
        }
        if (String.join(",", out).length() > 4000) {
            throw ApiError.validation("apps", "Too many apps for one key");
        }
        return out;
    }

    private Instant future(Instant expiresAt) {
        if (expiresAt != null && !expiresAt.isAfter(keys.now())) {
            throw ApiError.validation("expiresAt", "expiresAt must be in the future (it is " + expiresAt + ")");
        }
        return expiresAt;
    }
}
