package dev.patchbay.cli;

import dev.patchbay.agent.AgentClient;
import dev.patchbay.agent.AgentSocket;
import dev.patchbay.client.PatchbayClient;
import dev.patchbay.crypto.AppKeys;
import dev.patchbay.crypto.BundleOpener;
import dev.patchbay.crypto.CanonicalJson;
import dev.patchbay.crypto.CryptoException;
import dev.patchbay.crypto.DataKeys;
import dev.patchbay.crypto.KeyFile;
import dev.patchbay.crypto.Manifest;
import dev.patchbay.crypto.PatchIndex;
import dev.patchbay.crypto.ReleaseVerifier;
import dev.patchbay.crypto.TrustRoot;
import dev.patchbay.crypto.VerifiedRelease;
import dev.patchbay.domain.Bundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** The public trust and the content key of a key folder: what reading a published bundle's manifest needs. */
final class ReadKeys implements AutoCloseable {
    private final String appId;
    private final Path dir;
    private final TrustRoot trust;
    private final KeyFile.Key content;

    private ReadKeys(String appId, Path dir, TrustRoot trust, KeyFile.Key content) {
        this.appId = appId;
        this.dir = dir;
        this.trust = trust;
        this.content = content;
    }

    /**
     * The content key from the key agent when it holds this folder's keys (no passphrase, ADR 0083), else unlocked
     * here from the key file with the passphrase ({@code $PATCHBAY_KEY_PASSPHRASE} or --passphrase-file).
     */
    static ReadKeys load(Cli.Context context, PassphraseOption options, String appId, Path dir) {
        TrustRoot trust = AppKeys.readTrust(appId, dir);
        KeyFile.Key fromAgent = fromAgent(context, appId, dir, trust);
        if (fromAgent != null) {
            return new ReadKeys(appId, dir, trust, fromAgent);
        }
        char[] passphrase = options.passphrase(context);
        try {
            KeyFile.Key content = KeyFile.read(dir.resolve(AppKeys.CONTENT_FILE), passphrase, appId,
                    KeyFile.Kind.CONTENT);
            return new ReadKeys(appId, dir, trust, content);
        } finally {
            Arrays.fill(passphrase, '\0');
        }
    }

    /** The content key the agent holds for {@code dir}, or null (no agent, or it does not hold these keys). */
    private static KeyFile.Key fromAgent(Cli.Context context, String appId, Path dir, TrustRoot trust) {
        Path socket = AgentSocket.path(context.env());
        if (!Files.exists(socket)) {
            return null;
        }
        try (AgentClient client = AgentClient.connect(socket)) {
            AgentClient.Held held = client.held(appId, dir);
            if (held == null) {
                return null;
            }
            try {
                KeyFile.Key key = KeyFile.Key.content(appId, held.contentKey(), null);
                if (!key.keyId().equals(trust.contentKeyId())) {
                    key.destroy();
                    throw new CliException("The agent's content key for " + appId + " is not the one "
                            + dir.resolve(AppKeys.TRUST_FILE) + " names; run `patchbay agent add` again");
                }
                return key;
            } finally {
                Arrays.fill(held.contentKey(), (byte) 0);
            }
        } catch (IOException | CryptoException e) {
            context.err().println("patchbay: not using the key agent at " + socket + ": " + e.getMessage());
            return null;
        }
    }

    VerifiedRelease verify(Bundle bundle) {
        if (bundle.envelope() == null) {
            throw new CliException("The server sent bundle " + bundle.version() + " without its release envelope");
        }
        VerifiedRelease release = ReleaseVerifier.verify(CanonicalJson.bytes(bundle.envelope()), trust);
        if (!release.appId().equals(appId) || !release.version().equals(bundle.version())) {
            throw new CliException("The server's bundle " + bundle.version() + " is signed as "
                    + release.appId() + " " + release.version());
        }
        return release;
    }

    Manifest manifest(PatchbayClient client, Bundle bundle) {
        return manifest(client, bundle, verify(bundle));
    }

    /**
     * Downloads the encrypted manifest blob the verified release names (the client checks its digest and length)
     * and decrypts it: works for any published bundle of the app, whichever key folder copy published it.
     */
    Manifest manifest(PatchbayClient client, Bundle bundle, VerifiedRelease release) {
        if (!release.contentKeyId().equals(content.keyId())) {
            throw new CliException("Bundle " + bundle.version() + " is encrypted for content key "
                    + release.contentKeyId() + ", not the key in " + dir + " (" + content.keyId() + ")");
        }
        byte[] dataKey = DataKeys.unwrap(content.secret(), release.wrappedDataKey(), appId, release.version());
        try {
            return BundleOpener.readManifest(release, ref -> client.fetchBlob(appId, ref), dataKey);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /** The patch index of a release with patches, else null. */
    PatchIndex patchIndex(PatchbayClient client, VerifiedRelease release) {
        byte[] dataKey = DataKeys.unwrap(content.secret(), release.wrappedDataKey(), appId, release.version());
        try {
            return BundleOpener.readPatchIndex(release, ref -> client.fetchBlob(appId, ref), dataKey);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    @Override
    public void close() {
        content.destroy();
    }
}