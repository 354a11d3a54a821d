package dev.patchbay.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.crypto.capgo.CapgoArtifact;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * The management calls of Capgo-compatible delivery (docs/capgo-compat.md §6): uploads the plugin-format artifact
 * a publisher built for a published bundle, and reads it back. Uses its {@link PatchbayClient}'s connection and key.
 */
public final class CapgoClient {
    private static final MediaType OCTETS = MediaType.get("application/octet-stream");

    private final PatchbayClient client;

    public CapgoClient(PatchbayClient client) {
        this.client = client;
    }

    /** Uploads every blob of {@code built} and attaches the artifact to bundle {@code version}; the server's view. */
    public JsonNode upload(String appId, String version, CapgoArtifact.Built built) {
        List<CapgoArtifact.Blob> blobs = new ArrayList<>();
        blobs.add(built.zip());
        built.manifest().forEach(f -> blobs.add(f.blob()));
        java.util.Set<String> sent = new java.util.HashSet<>();
        for (CapgoArtifact.Blob b : blobs) {
            if (sent.add(b.sha256())) {
                Request r = client.authorized(new Request.Builder().url(client.url("apps", appId, "bundles", version,
                        "capgo", "blobs", b.sha256())).put(RequestBody.create(b.file().toFile(), OCTETS))).build();
                client.call(r, JsonNode.class);
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("zip", Map.of("sha256", built.zip().sha256(), "length", built.zip().length()));
        body.put("sessionKey", built.sessionKey());
        body.put("checksum", built.checksum());
        body.put("keyId", built.keyId());
        List<Map<String, Object>> manifest = new ArrayList<>();
        for (CapgoArtifact.FileEntry f : built.manifest()) {
            manifest.add(Map.of("fileName", f.fileName(), "fileHash", f.fileHash(), "sha256", f.blob().sha256(),
                    "length", f.blob().length()));
        }
        body.put("manifest", manifest);
        return client.call(client.send("PUT", client.url("apps", appId, "bundles", version, "capgo"), body),
                JsonNode.class);
    }

    /** The artifact attached to bundle {@code version} ({@link NotFoundException} if none). */
    public JsonNode artifact(String appId, String version) {
        return client.call(client.send("GET", client.url("apps", appId, "bundles", version, "capgo"), null),
                JsonNode.class);
    }
}
