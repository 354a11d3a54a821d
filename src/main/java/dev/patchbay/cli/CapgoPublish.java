package dev.patchbay.cli;

import dev.patchbay.client.PatchbayClient;
import dev.patchbay.crypto.BundleInput;
import dev.patchbay.crypto.CryptoException;
import dev.patchbay.crypto.capgo.CapgoArtifact;
import dev.patchbay.crypto.capgo.CapgoKeyPair;
import java.io.IOException;
import java.nio.file.Path;

/** The {@code --capgo-compat} step of publishing (shared with the console: {@link dev.patchbay.client.CapgoPublish}). */
final class CapgoPublish {
    private CapgoPublish() {
    }

    /** Builds and uploads the artifact of {@code version}; answers a line for the report. */
    static String upload(PatchbayClient client, String appId, String version, BundleInput files, CapgoKeyPair keys,
                         boolean manifest, Path work) throws IOException {
        try {
            return describe(dev.patchbay.client.CapgoPublish.buildAndUpload(client, appId, version, files, keys,
                    manifest, work));
        } catch (CryptoException e) {
            throw new CliException(e.getMessage(), e);
        }
    }

    /** Uploads an artifact built elsewhere (the reference CLI's, for bundle import-capgo). */
    static String upload(PatchbayClient client, String appId, String version, CapgoArtifact.Built built) {
        return describe(dev.patchbay.client.CapgoPublish.upload(client, appId, version, built));
    }

    private static String describe(dev.patchbay.client.CapgoPublish.Result r) {
        CapgoArtifact.Built built = r.built();
        return "Capgo artifact: zip " + Text.bytes(built.zip().length()) + (!r.encrypted()
                ? ", unencrypted (no Capgo key pair in the key folder)"
                : ", encrypted for key " + built.keyId()) + (built.manifest().isEmpty() ? ""
                : ", " + built.manifest().size() + " manifest files") + " (" + r.shortSha() + ")";
    }
}
