package dev.patchbay.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.domain.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Request bodies exactly as the reference plugin builds them (read from its sources, not copied):
 * <ul>
 *   <li>8.x Android {@code CapgoUpdater.createInfoObject}: platform, device_id, app_id, custom_id, version_build,
 *   version_code, version_os, version_name, plugin_version, is_emulator, is_prod, install_source, defaultChannel and,
 *   with a public key, key_id; stats are queued and posted as a JSON array, each event adding version_name,
 *   old_version_name, action, timestamp and optional metadata; channel list = GET with every info field as a query
 *   parameter.</li>
 *   <li>8.x iOS {@code InfoObject}: the same keys (install_source via its coding key), device_id lower-cased.</li>
 *   <li>7.0 / 6.0 Android: no install_source, key_id or timestamp; stats one object per POST; 6.x unsetChannel is a
 *   DELETE with the info object as JSON body.</li>
 * </ul>
 */
final class CapgoPlugin {
    final RunningServer s;
    final String app;
    final String deviceId;
    final int major;
    String versionName = "builtin";
    String versionBuild = "1.4.0";
    String defaultChannel = "";
    String platform = "android";
    String keyId;
    boolean emulator;
    boolean prod = true;

    CapgoPlugin(RunningServer s, String app, String deviceId, int major) {
        this.s = s;
        this.app = app;
        this.deviceId = deviceId;
        this.major = major;
    }

    /** When set, sent instead of the line's usual version (for version-gated answers). */
    String pluginVersionOverride;

    String pluginVersion() {
        if (pluginVersionOverride != null) {
            return pluginVersionOverride;
        }
        return switch (major) {
            case 6 -> "6.25.0";
            case 7 -> "7.0.35";
            default -> "8.51.14";
        };
    }

    ObjectNode info() {
        ObjectNode b = Json.mapper().createObjectNode();
        b.put("platform", platform);
        b.put("device_id", deviceId);
        b.put("app_id", app);
        b.put("custom_id", "");
        b.put("version_build", versionBuild);
        b.put("version_code", "140");
        b.put("version_os", platform.equals("ios") ? "17.4" : "14");
        b.put("version_name", versionName);
        b.put("plugin_version", pluginVersion());
        b.put("is_emulator", emulator);
        b.put("is_prod", prod);
        if (major >= 8) {
            b.put("install_source", platform.equals("ios") ? "app_store" : "google_play");
        }
        b.put("defaultChannel", defaultChannel);
        if (major >= 8 && keyId != null) {
            b.put("key_id", keyId);
        }
        return b;
    }

    HttpResponse<String> post(String path, String body) throws Exception {
        return s.send("POST", "/compat/capgo" + path, body, null, "application/json; charset=utf-8");
    }

    /** {@code POST /updates}; answers the status and JSON. */
    JsonNode check() throws Exception {
        HttpResponse<String> r = post("/updates", info().toString());
        if (r.statusCode() != 200) {
            throw new AssertionError("HTTP " + r.statusCode() + ": " + r.body());
        }
        return Json.mapper().readTree(r.body());
    }

    ObjectNode event(String action, String version, String old, long timestamp, Map<String, String> metadata) {
        ObjectNode e = info();
        e.put("version_name", version);
        e.put("old_version_name", old);
        e.put("action", action);
        if (major >= 8) {
            e.put("timestamp", timestamp);
            if (metadata != null) {
                e.set("metadata", Json.mapper().valueToTree(metadata));
            }
        }
        return e;
    }

    HttpResponse<String> stats(ObjectNode... events) throws Exception {
        if (major >= 8) {
            ArrayNode a = Json.mapper().createArrayNode();
            for (ObjectNode e : events) {
                a.add(e);
            }
            return post("/stats", a.toString());
        }
        HttpResponse<String> last = null;
        for (ObjectNode e : events) {
            last = post("/stats", e.toString());
        }
        return last;
    }

    /** A zip of a web build with {@code index.html} at its root, as the reference CLI builds it. */
    static byte[] zip(Map<String, String> files) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (var e : files.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    /** Uploads a plain (unencrypted) artifact for a published bundle: the zip, and its SHA-256 as checksum. */
    static String uploadPlain(RunningServer s, String app, String version, byte[] zip) throws Exception {
        String sha = sha256(zip);
        String base = "/api/v1/apps/" + app + "/bundles/" + version + "/capgo";
        DeviceFixture.ok(s.putBytes(base + "/blobs/" + sha, zip, null), 200);
        DeviceFixture.ok(s.json("PUT", base, "{\"zip\":{\"sha256\":\"" + sha + "\",\"length\":" + zip.length
                + "},\"sessionKey\":\"\",\"checksum\":\"" + sha + "\"}"), 201);
        return sha;
    }
}
