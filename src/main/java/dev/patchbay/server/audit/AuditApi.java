package dev.patchbay.server.audit;

import dev.patchbay.domain.Names;
import dev.patchbay.server.http.ApiError;
import dev.patchbay.server.http.ApiRequest;
import dev.patchbay.server.http.ApiResponse;
import dev.patchbay.server.http.Principal;
import dev.patchbay.server.http.Router;
import dev.patchbay.server.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code GET /api/v1/audit}: the append-only audit log, newest first, filtered and paged by id (docs/api.md). There is
 * deliberately no route that changes or deletes an entry.
 */
public final class AuditApi {
    static final String PATH = "/api/v1/audit";
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;
    /** An action, or a prefix of actions ending in a dot ({@code rollout.}). */
    private static final Pattern ACTION = Pattern.compile("[a-z0-9_]+(\\.[a-z0-9_]+)*\\.?");

    private final Database db;

    public AuditApi(Database db) {
        this.db = db;
    }

    public void register(Router router) {
        router.get(PATH, this::list);
    }

    /** The filters of one request, validated. */
    record Query(String app, String actor, String action, String target, Instant from, Instant to, int limit,
                 Long before) {
    }

    private ApiResponse list(ApiRequest r) {
        Query q = parse(r);
        List<Map<String, Object>> items = db.inTransaction(c -> {
            StringBuilder sql = new StringBuilder("SELECT id, at, actor, action, app_id, target, detail FROM audit_log"
                    + " WHERE 1 = 1");
            List<Object> args = new ArrayList<>();
            if (q.app() != null) {
                sql.append(" AND app_id = ?");
                args.add(q.app());
            }
            if (q.actor() != null) {
                sql.append(" AND LOWER(actor) LIKE ? ESCAPE '\\'");
                args.add("%" + likeEscape(q.actor().toLowerCase(Locale.ROOT)) + "%");
            }
            if (q.action() != null) {
                if (q.action().endsWith(".")) {
                    sql.append(" AND action LIKE ? ESCAPE '\\'");
                    args.add(likeEscape(q.action()) + "%");
                } else {
                    sql.append(" AND action = ?");
                    args.add(q.action());
                }
            }
            if (q.target() != null) {
                sql.append(" AND target = ?");
                args.add(q.target());
            }
            if (q.from() != null) {
                sql.append(" AND at >= ?");
                args.add(Database.utc(q.from()));
            }
            if (q.to() != null) {
                sql.append(" AND at < ?");
                args.add(Database.utc(q.to()));
            }
            if (q.before() != null) {
                sql.append(" AND id < ?");
                args.add(q.before());
            }
            sql.append(" ORDER BY id DESC FETCH FIRST ").append(q.limit() + 1).append(" ROWS ONLY");
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    ps.setObject(i + 1, args.get(i));
                }
                List<Map<String, Object>> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Map<String, Object> e = new LinkedHashMap<>();
                        e.put("id", rs.getLong("id"));
                        e.put("at", Database.instant(rs.getObject("at")));
                        e.put("actor", Principal.displayActor(rs.getString("actor")));
                        e.put("action", rs.getString("action"));
                        e.put("appId", rs.getString("app_id"));
                        e.put("target", rs.getString("target"));
                        e.put("detail", rs.getString("detail"));
                        out.add(e);
                    }
                }
                return out;
            }
        });
        boolean more = items.size() > q.limit();
        if (more) {
            items = items.subList(0, q.limit());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", items);
        out.put("next", more ? String.valueOf(items.get(items.size() - 1).get("id")) : null);
        return ApiResponse.ok(out);
    }

    static Query parse(ApiRequest r) {
        String app = r.query("app");
        if (app != null) {
            app = Names.appId("app", app);
        }
        String actor = text(r, "actor", 200);
        String action = text(r, "action", 60);
        if (action != null && !ACTION.matcher(action).matches()) {
            throw ApiError.badRequest("invalid_field", "Query parameter 'action' must be an action such as"
                    + " 'channel.update', or a prefix ending in a dot such as 'rollout.'", "action");
        }
        String target = text(r, "target", 300);
        Instant from = instant(r, "from");
        Instant to = instant(r, "to");
        if (from != null && to != null && !from.isBefore(to)) {
            throw ApiError.badRequest("invalid_field", "Query parameter 'to' must be after 'from'", "to");
        }
        int limit = DEFAULT_LIMIT;
        String l = r.query("limit");
        if (l != null) {
            limit = -1;
            try {
                limit = Integer.parseInt(l);
            } catch (NumberFormatException e) {
                // below
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                throw ApiError.badRequest("invalid_field", "Query parameter 'limit' must be from 1 to " + MAX_LIMIT,
                        "limit");
            }
        }
        Long before = null;
        String b = r.query("before");
        if (b != null) {
            try {
                before = Long.parseLong(b);
            } catch (NumberFormatException e) {
                before = -1L;
            }
            if (before < 1) {
                throw ApiError.badRequest("invalid_field",
                        "Query parameter 'before' must be the 'next' cursor of a previous page", "before");
            }
        }
        return new Query(app, actor, action, target, from, to, limit, before);
    }

    private static String text(ApiRequest r, String name, int max) {
        String v = r.query(name);
        if (v == null) {
            return null;
        }
        if (v.isBlank() || v.length() > max) {
            throw ApiError.badRequest("invalid_field", "Query parameter '" + name + "' must be 1 to " + max
                    + " characters", name);
        }
        return v;
    }

    private static Instant instant(ApiRequest r, String name) {
        String v = r.query(name);
        if (v == null) {
            return null;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw ApiError.badRequest("invalid_field", "Query parameter '" + name
                    + "' must be an ISO-8601 UTC time such as 2026-11-22T18:00:00Z", name);
        }
    }

    private static String likeEscape(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
