package dev.patchbay.server.compat.capgo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.domain.SemVer;
import dev.patchbay.server.devices.DeviceDecisions;
import dev.patchbay.server.http.ApiRequest;
import dev.patchbay.server.http.ApiResponse;
import dev.patchbay.server.http.Router;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * {@code POST /compat/capgo/updates} (and the plugin's {@code /plugin/updates} alias): the update check of the
 * reference plugin, decided by Patchbay's own rules ({@link DeviceDecisions}) and answered in the shapes the plugin
 * parses (docs/capgo-compat.md §3): an update is {@code {version, url, session_key, checksum[, manifest]}} with no
 * {@code error}, {@code kind} or {@code message} key (any of them makes the plugin treat the answer as "no update");
 * a return to the native assets is {@code {version: "builtin"}}; everything else {@code {error, message, kind}} plus
 * {@code version}, {@code major} and {@code breaking} when the channel's native gate holds back a major version.
 * Also {@code POST updates/manifest_size}.
 */
final class CapgoUpdatesApi {
    static final int MAX_BODY = 16 * 1024;
    /** Manifest sizes: the info object plus up to a few thousand entries. */
    static final int MAX_MANIFEST_BODY = 2 * 1024 * 1024;
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:\\[\\]-]{1,255}");

    private final CapgoArtifacts artifacts;
    private final DeviceDecisions decisions;
    private final CapgoGate gate;
    private final String publicUrl;
    private final Supplier<String> serverUrl;

    CapgoUpdatesApi(CapgoArtifacts artifacts, DeviceDecisions decisions, CapgoGate gate, String publicUrl,
                    Supplier<String> serverUrl) {
        this.artifacts = artifacts;
        this.decisions = decisions;
        this.gate = gate;
        this.publicUrl = publicUrl;
        this.serverUrl = serverUrl;
    }

    void register(Router router) {
        for (String prefix : CapgoCompat.PREFIXES) {
            router.open("POST", prefix + "/updates", MAX_BODY, this::check);
            router.open("POST", prefix + "/updates/manifest_size", MAX_MANIFEST_BODY, this::manifestSize);
        }
    }

    private ApiResponse check(ApiRequest r) {
        CapgoDevice d = CapgoDevice.parse(CapgoDevice.parseJson(r.rawBody()), true);
        if (!gate.checks().tryAcquire()) {
            return CapgoGate.busy();
        }
        try {
            CapgoArtifacts.AppState app = artifacts.app(d.appId());
            if (app == null || !app.enabled) {
                return unknownApp(r, d.appId(), app != null);
            }
            String current = d.currentBundle();
            if (!current.equals("builtin") && current.equals(d.versionBuild())
                    && !app.view.manifests().containsKey(current)) {
                // Older plugins name the builtin assets by the native version.
                current = "builtin";
            }
            DeviceDecisions.Device device = d.asDevice(current);
            DeviceDecisions.Verdict v = decisions.decide(app.view, device);
            Map<String, Object> answer = new LinkedHashMap<>();
            if (v.outcome().equals("update")) {
                CapgoArtifacts.Artifact a = app.artifact(v.offered());
                if (a == null) {
                    v = v.instead("failed", "no_capgo_artifact", "Bundle " + v.offered() + " has no Capgo-format"
                            + " artifact (publish it with: patchbay bundle publish --capgo-compat)");
                } else if (a.keyId() != null && d.keyId() != null && !a.keyId().equals(d.keyId())) {
                    v = v.instead("blocked", "key_id_mismatch", "Bundle " + v.offered() + " is encrypted for key "
                            + a.keyId() + "; the device holds key " + d.keyId());
                } else {
                    answer.put("version", v.offered());
                    answer.put("url", base(r) + "/blobs/" + a.zipSha256());
                    answer.put("session_key", a.sessionKey());
                    answer.put("checksum", a.checksum());
                    if (!a.manifest().isEmpty() && supportsManifest(d.pluginVersion())) {
                        answer.put("manifest", manifest(r, a));
                    }
                }
            }
            if (v.outcome().equals("builtin") && !supportsServerReset(d.pluginVersion())) {
                // Plugins before "reset from server" (7.0.0, 7.0.1, 6.0-6.1, 5.x before 5.50.1) have no builtin
                // branch: {version: builtin} is "no url" to them, sent as a download_fail of the bundle they run,
                // and with a url they would install that zip under the name "builtin". An answer with `message` is
                // "no update" to every plugin line; the device stays on its bundle until the plugin is updated.
                answer.put("error", "builtin_unsupported");
                answer.put("message", "The channel serves the app's builtin assets, but plugin " + d.pluginVersion()
                        + " cannot be told to go back to them (update @capgo/capacitor-updater to 5.50.1, 6.2.0,"
                        + " 7.0.2 or later)");
                answer.put("kind", "blocked");
            } else if (v.outcome().equals("builtin")) {
                answer.put("version", "builtin");
            } else if (!v.outcome().equals("update")) {
                answer.put("error", v.error());
                answer.put("message", v.message());
                answer.put("kind", v.outcome());
                String candidate = v.candidate();
                SemVer target = SemVer.parse(candidate);
                if (v.outcome().equals("blocked") && "native_boundary".equals(v.error()) && target != null
                        && !target.major().equals(d.nativeSemVer().major())) {
                    // What the plugin turns into its majorAvailable / breakingAvailable events.
                    answer.put("version", candidate);
                    answer.put("major", true);
                    answer.put("breaking", true);
                }
            }
            decisions.record(device, v, r.header(ApiRequest.CLIENT_ADDRESS));
            return ApiResponse.ok(answer);
        } finally {
            gate.checks().release();
        }
    }

    private ApiResponse unknownApp(ApiRequest r, String appId, boolean exists) {
        ApiResponse throttled = gate.unknownApp(r);
        if (throttled != null) {
            return throttled;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", "unknown_app");
        body.put("message", exists ? "App '" + appId + "' does not have Capgo-compatible delivery switched on"
                : "No app '" + appId + "' on this server");
        body.put("kind", "failed");
        return new ApiResponse(404, body);
    }

    private List<Map<String, Object>> manifest(ApiRequest r, CapgoArtifacts.Artifact a) {
        String base = base(r);
        List<Map<String, Object>> out = new ArrayList<>();
        for (CapgoArtifacts.FileEntry f : a.manifest()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("file_name", f.fileName());
            e.put("file_hash", f.fileHash());
            e.put("download_url", base + "/blobs/" + f.sha256());
            out.add(e);
        }
        return out;
    }

    /**
     * Per-file delivery is understood from plugin 5.10.0, 6.25.0 and 7.0.35 (every 8.x); the capgo server gates it
     * the same way. An unknown or missing plugin version gets the zip only.
     */
    /**
     * Whether the plugin resets to its builtin assets on {@code {version: "builtin"}} (Android
     * {@code CapacitorUpdaterPlugin} and iOS: "feat: add reset from server", first in 5.50.1, 6.2.0 and 7.0.2). An
     * unreadable version is assumed current.
     */
    static boolean supportsServerReset(String pluginVersion) {
        SemVer v = SemVer.parse(pluginVersion == null ? "" : pluginVersion.strip());
        if (v == null) {
            return true;
        }
        int major = v.major().intValue();
        String min = switch (major) {
            case 5 -> "5.50.1";
            case 6 -> "6.2.0";
            case 7 -> "7.0.2";
            default -> major >= 8 ? "0.0.0" : null;
        };
        return min != null && v.compareTo(SemVer.parse(min)) >= 0;
    }

    static boolean supportsManifest(String pluginVersion) {
        SemVer v = SemVer.parse(pluginVersion == null ? "" : pluginVersion.strip());
        if (v == null) {
            return false;
        }
        int major = v.major().intValue();
        String min = switch (major) {
            case 5 -> "5.10.0";
            case 6 -> "6.25.0";
            case 7 -> "7.0.35";
            default -> major >= 8 ? "0.0.0" : null;
        };
        return min != null && v.compareTo(SemVer.parse(min)) >= 0;
    }

    /** {@code POST updates/manifest_size}: the sizes of manifest entries the device may need to download. */
    private ApiResponse manifestSize(ApiRequest r) {
        JsonNode body = CapgoDevice.parseJson(r.rawBody());
        CapgoDevice d = CapgoDevice.parse(body, false);
        CapgoArtifacts.AppState app = artifacts.app(d.appId());
        if (app == null || !app.enabled) {
            return unknownApp(r, d.appId(), app != null);
        }
        JsonNode entries = body.has("manifest") ? body.get("manifest") : body.get("files");
        if (entries == null || !entries.isArray()) {
            throw CapgoDevice.bad("missing_manifest", "Field 'manifest' must be an array of manifest entries",
                    "manifest");
        }
        String version = CapgoDevice.text(body, "version", false, 128, CapgoDevice.VERSION);
        Map<String, Long> byHash = new HashMap<>();
        Map<String, Long> byBlob = new HashMap<>();
        CapgoArtifacts.Artifact a = version == null ? null : app.artifact(version);
        if (a != null) {
            for (CapgoArtifacts.FileEntry f : a.manifest()) {
                byHash.put(f.fileHash(), f.length());
                byBlob.put(f.sha256(), f.length());
            }
        }
        long total = 0;
        int known = 0;
        List<Map<String, Object>> files = new ArrayList<>();
        for (JsonNode e : entries) {
            if (!e.isObject()) {
                throw CapgoDevice.bad("invalid_manifest", "Manifest entries must be objects", "manifest");
            }
            Map<String, Object> out = new LinkedHashMap<>();
            String url = e.path("download_url").asText("");
            out.put("file_name", e.path("file_name").asText(""));
            out.put("file_hash", e.path("file_hash").asText(""));
            out.put("download_url", url);
            Long size = byHash.get(e.path("file_hash").asText(""));
            int slash = url.lastIndexOf('/');
            if (size == null && slash >= 0) {
                size = byBlob.get(url.substring(slash + 1));
            }
            if (size == null) {
                out.put("error", "size_unknown");
            } else {
                out.put("size", size);
                total += size;
                known++;
            }
            files.add(out);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("totalSize", total);
        answer.put("knownFiles", known);
        answer.put("unknownFiles", files.size() - known);
        answer.put("files", files);
        return ApiResponse.ok(answer);
    }

    private String base(ApiRequest r) {
        if (publicUrl != null) {
            return publicUrl;
        }
        String host = r.header("Host");
        if (host != null && HOST.matcher(host).matches()) {
            return "http://" + host;
        }
        return serverUrl.get();
    }
}
