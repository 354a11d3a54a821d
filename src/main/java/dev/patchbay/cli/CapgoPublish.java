package dev.patchbay.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.client.CapgoClient;
import dev.patchbay.client.PatchbayClient;
import dev.patchbay.crypto.BundleInput;
import dev.patchbay.crypto.CryptoException;
import dev.patchbay.crypto.capgo.CapgoArtifact;
import dev.patchbay.crypto.capgo.CapgoKeyPair;
import java.io.IOException;
import java.nio.file.Path;

/** The {@code --capgo-compat} step of publishing: builds the plugin's format locally and uploads it. */
final class CapgoPublish {
    private CapgoPublish() {
    }

    /** Builds and uploads the artifact of {@code version}; answers a line for the report. */
    static String upload(PatchbayClient client, String appId, String version, BundleInput files, CapgoKeyPair keys,
                         boolean manifest, Path work) throws IOException {
        CapgoArtifact.Built built;
        try {
            built = CapgoArtifact.build(files, keys, manifest, work);
        } catch (CryptoException e) {
            throw new CliException(e.getMessage(), e);
        }
        return describe(new CapgoClient(client).upload(appId, version, built), built, keys != null);
    }

    /** Uploads an artifact built elsewhere (the reference CLI's, for bundle import-capgo). */
    static String upload(PatchbayClient client, String appId, String version, CapgoArtifact.Built built) {
        return describe(new CapgoClient(client).upload(appId, version, built), built, !built.sessionKey().isEmpty());
    }

    private static String describe(JsonNode a, CapgoArtifact.Built built, boolean encrypted) {
        return "Capgo artifact: zip " + Text.bytes(built.zip().length()) + (!encrypted
                ? ", unencrypted (no Capgo key pair in the key folder)"
                : ", encrypted for key " + built.keyId()) + (built.manifest().isEmpty() ? ""
                : ", " + built.manifest().size() + " manifest files") + " (" + a.path("zip").path("sha256").asText()
                .substring(0, 12) + ")";
    }
}
