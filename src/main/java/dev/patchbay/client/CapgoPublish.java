package dev.patchbay.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.crypto.BundleInput;
import dev.patchbay.crypto.capgo.CapgoArtifact;
import dev.patchbay.crypto.capgo.CapgoKeyPair;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The Capgo-compatible step of publishing, shared by {@code bundle publish --capgo-compat} and the console's publish
 * form (docs/capgo-compat.md §5): builds the plugin's format on the publisher's machine (encrypted when the app has a
 * Capgo key pair) and uploads it as the twin of a bundle already published.
 */
public final class CapgoPublish {
    /** What was uploaded: the server's answer ({@code zip.sha256}, …) and the artifact as built. */
    public record Result(JsonNode answer, CapgoArtifact.Built built) {
        public boolean encrypted() {
            return !built.sessionKey().isEmpty();
        }

        /** The first 12 hex digits of the zip's SHA-256 as the server stored it. */
        public String shortSha() {
            String sha = answer.path("zip").path("sha256").asText();
            return sha.length() > 12 ? sha.substring(0, 12) : sha;
        }
    }

    private CapgoPublish() {
    }

    /**
     * Builds (in {@code work}, which the caller deletes) and uploads the artifact of {@code version}; {@code keys}
     * null builds a plain zip. Throws {@link dev.patchbay.crypto.CryptoException} for a bundle the plugin cannot use.
     */
    public static Result buildAndUpload(PatchbayClient client, String appId, String version, BundleInput files,
                                        CapgoKeyPair keys, boolean manifest, Path work) throws IOException {
        CapgoArtifact.Built built = CapgoArtifact.build(files, keys, manifest, work);
        return upload(client, appId, version, built);
    }

    /** Uploads an artifact built elsewhere (the reference CLI's, for bundle import-capgo). */
    public static Result upload(PatchbayClient client, String appId, String version, CapgoArtifact.Built built) {
        return new Result(new CapgoClient(client).upload(appId, version, built), built);
    }
}
