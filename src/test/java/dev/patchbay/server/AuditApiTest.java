package dev.patchbay.server;

import static dev.patchbay.server.DeviceFixture.json;
import static dev.patchbay.server.DeviceFixture.ok;
import static dev.patchbay.server.ManagementApiTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /api/v1/audit}: filters, prefix, paging, validation; and nothing can change the log. */
class AuditApiTest {
    @TempDir
    Path dataDir;
    RunningServer s;
    final MutableClock clock = new MutableClock();
    Instant later;

    @BeforeEach
    void start() throws Exception {
        s = RunningServer.start(dataDir, clock);
        ok(s.json("POST", "/api/v1/apps", "{\"id\":\"com.example.shop\",\"name\":\"Shop\"}"), 201);
        ok(s.json("POST", "/api/v1/apps/com.example.shop/channels", "{\"name\":\"production\"}"), 201);
        ok(s.json("POST", "/api/v1/apps/com.example.shop/channels", "{\"name\":\"beta\"}"), 201);
        clock.advance(Duration.ofHours(2));
        later = clock.instant();
        ok(s.json("PATCH", "/api/v1/apps/com.example.shop/channels/beta", "{\"description\":\"Early\"}"), 200);
        ok(s.json("POST", "/api/v1/apps", "{\"id\":\"com.example.news\",\"name\":\"News\"}"), 201);
        ok(s.json("PATCH", "/api/v1/apps/com.example.news", "{\"name\":\"Daily news\"}"), 200);
    }

    @AfterEach
    void stop() {
        s.close();
    }

    JsonNode audit(String query) throws Exception {
        return json(s.json("GET", "/api/v1/audit" + query, null));
    }

    static List<String> actions(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.path("items").forEach(e -> out.add(e.path("action").asText()));
        return out;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void newestFirstWithEveryField() throws Exception {
        JsonNode all = audit("");
        assertEquals(List.of("app.rename", "app.create", "channel.update", "channel.create", "channel.create",
                "app.create"), actions(all));
        assertTrue(all.path("next").isNull());
        JsonNode e = all.path("items").get(0);
        assertTrue(e.path("id").asLong() > all.path("items").get(1).path("id").asLong());
        assertEquals("com.example.news", e.path("appId").asText());
        assertEquals("admin", e.path("actor").asText(), "the key's name, not its id");
        assertFalse(e.path("target").asText().isEmpty());
        assertFalse(e.path("detail").asText().isEmpty());
        Instant at = Instant.parse(e.path("at").asText());
        assertFalse(at.isBefore(later), at + " vs " + later);
        assertEquals(401, s.send("GET", "/api/v1/audit", null, null, null).statusCode());
    }

    @Test
    void filtersNarrow() throws Exception {
        assertEquals(List.of("channel.update", "channel.create", "channel.create", "app.create"),
                actions(audit("?app=com.example.shop")));
        assertEquals(List.of("channel.create", "channel.create"), actions(audit("?action=channel.create")));
        assertEquals(List.of("channel.update", "channel.create", "channel.create"), actions(audit("?action=channel.")));
        // An exact action is not a prefix: "app" is no action of its own.
        assertEquals(List.of(), actions(audit("?action=app")));
        assertEquals(List.of("app.rename", "app.create"), actions(audit("?action=app.&app=com.example.news")));
        assertEquals(6, audit("?actor=ADMIN").path("items").size(), "actor: case-insensitive part of the name");
        assertEquals(0, audit("?actor=" + enc("alice%")).path("items").size());
        assertEquals(List.of("channel.update"), actions(audit("?target=" + enc("com.example.shop/beta")
                + "&action=channel.update")));
        assertEquals(List.of("channel.create"), actions(audit("?target=" + enc("com.example.shop/beta")
                + "&to=" + later)));
        assertEquals(List.of("app.rename", "app.create", "channel.update"), actions(audit("?from=" + later)));
        assertEquals(List.of("channel.create", "channel.create", "app.create"), actions(audit("?to=" + later)));
        assertEquals(List.of(), actions(audit("?app=com.example.gone")), "an app that never existed: no entries");
    }

    @Test
    void pagesFollowTheCursorWithoutGapsOrRepeats() throws Exception {
        List<Long> all = new ArrayList<>();
        audit("?limit=500").path("items").forEach(e -> all.add(e.path("id").asLong()));
        List<Long> paged = new ArrayList<>();
        String before = null;
        int pages = 0;
        do {
            JsonNode page = audit("?limit=4" + (before == null ? "" : "&before=" + before));
            page.path("items").forEach(e -> paged.add(e.path("id").asLong()));
            before = page.path("next").isNull() ? null : page.path("next").asText();
            pages++;
        } while (before != null);
        assertEquals(all, paged);
        assertEquals(2, pages, "6 entries by 4: the second page is the last, no empty third page");
        JsonNode exact = audit("?limit=3&action=channel.");
        assertTrue(exact.path("next").isNull(), "exactly 'limit' entries: no next page");
        assertEquals(0, audit("?before=1").path("items").size());
    }

    @Test
    void badQueriesNameTheField() throws Exception {
        String[][] bad = {
                {"limit=0", "limit"}, {"limit=501", "limit"}, {"limit=x", "limit"},
                {"before=x", "before"}, {"before=0", "before"}, {"before=-3", "before"},
                {"from=yesterday", "from"}, {"to=2026-13-01T00:00:00Z", "to"},
                {"from=2026-11-22T10:00:00Z&to=2026-11-22T09:00:00Z", "to"},
                {"action=" + enc("Channel Update"), "action"}, {"action=" + enc("rollout.%"), "action"},
                {"action=" + "a".repeat(61), "action"},
                {"actor=" + "a".repeat(201), "actor"}, {"actor=%20", "actor"},
                {"app=shop", "app"}, {"target=" + "t".repeat(301), "target"},
        };
        for (String[] b : bad) {
            assertError(s.json("GET", "/api/v1/audit?" + b[0], null), 400,
                    b[1].equals("app") ? "validation_failed" : "invalid_field", b[1]);
        }
    }

    @Test
    void theLogIsAppendOnly() throws Exception {
        // No route writes to it: the only route under /api/v1/audit is the GET.
        for (var route : PatchbayServer.routes(null, Clock.systemUTC()).routes()) {
            if (route.template().startsWith("/api/v1/audit")) {
                assertEquals("GET /api/v1/audit", route.method() + " " + route.template());
            }
        }
        for (String method : List.of("POST", "PUT", "PATCH", "DELETE")) {
            assertEquals(405, s.json(method, "/api/v1/audit", method.equals("DELETE") ? null : "{}").statusCode(), method);
            int id = audit("").path("items").get(0).path("id").asInt();
            assertEquals(404, s.json(method, "/api/v1/audit/" + id, method.equals("DELETE") ? null : "{}").statusCode(),
                    method);
        }
        // And no code changes or removes an entry: the server's SQL only ever inserts into audit_log.
        try (Stream<Path> files = Files.walk(Path.of("src/main"))) {
            for (Path f : files.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".java")
                    || p.toString().endsWith(".sql")).toList()) {
                String text = Files.readString(f).replaceAll("\\s+", " ").toLowerCase();
                assertFalse(text.contains("update audit_log"), f + " updates the audit log");
                assertFalse(text.contains("delete from audit_log"), f + " deletes from the audit log");
                assertFalse(text.contains("truncate table audit_log"), f + " empties the audit log");
                assertFalse(text.matches(".*references audit_log.*"), f + " hangs a cascade on the audit log");
            }
        }
        // Deleting an app keeps its entries (there is no foreign key that would cascade).
        assertEquals(204, s.json("DELETE", "/api/v1/apps/com.example.news", null).statusCode());
        assertEquals(List.of("app.delete", "app.rename", "app.create"), actions(audit("?app=com.example.news")));
    }
}
