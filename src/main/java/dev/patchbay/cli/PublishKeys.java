package dev.patchbay.cli;

import dev.patchbay.agent.AgentClient;
import dev.patchbay.agent.AgentSocket;
import dev.patchbay.crypto.AppKeys;
import dev.patchbay.crypto.BundleSealer;
import dev.patchbay.crypto.CryptoException;
import dev.patchbay.crypto.KeyIds;
import dev.patchbay.crypto.ReleaseCert;
import dev.patchbay.crypto.ReleaseSigner;
import dev.patchbay.crypto.TrustRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The keys `bundle publish` seals with: from the key agent when it holds the folder's keys (the release key stays in
 * the agent, which signs; ADR 0083), else unlocked here from the key files with the passphrase.
 */
final class PublishKeys implements AutoCloseable {
    final String appId;
    final Path dir;
    final TrustRoot trust;
    final ReleaseCert cert;
    final String contentKeyId;
    final ReleaseSigner.KeySigner signer;
    final boolean fromAgent;
    private final byte[] contentKey;
    private final AutoCloseable resource;

    private PublishKeys(String appId, Path dir, TrustRoot trust, ReleaseCert cert, String contentKeyId,
            byte[] contentKey, ReleaseSigner.KeySigner signer, boolean fromAgent, AutoCloseable resource) {
        this.appId = appId;
        this.dir = dir;
        this.trust = trust;
        this.cert = cert;
        this.contentKeyId = contentKeyId;
        this.contentKey = contentKey;
        this.signer = signer;
        this.fromAgent = fromAgent;
        this.resource = resource;
    }

    /**
     * The keys from the agent ({@code $PATCHBAY_AGENT_SOCK} or the default socket), or null when no agent runs or it
     * does not hold this folder's keys. An agent socket that is there but unusable (a folder others can enter, say)
     * is reported on stderr and not used.
     */
    static PublishKeys fromAgent(Cli.Context context, String appId, Path dir) {
        Path socket = AgentSocket.path(context.env());
        if (!Files.exists(socket)) {
            return null;
        }
        AgentClient client = null;
        try {
            client = AgentClient.connect(socket);
            AgentClient.Held held = client.held(appId, dir);
            if (held == null) {
                client.close();
                return null;
            }
            TrustRoot trust = AppKeys.readTrust(appId, dir);
            ReleaseCert cert = trust.cert(held.releaseKeyId()).orElseThrow(() -> new CliException("The agent holds"
                    + " release key " + held.releaseKeyId() + ", which " + dir.resolve(AppKeys.TRUST_FILE)
                    + " does not certify; run `patchbay agent add` again"));
            if (!KeyIds.ofContentKey(held.contentKey()).equals(trust.contentKeyId())) {
                throw new CliException("The agent's content key for " + appId + " is not the one "
                        + dir.resolve(AppKeys.TRUST_FILE) + " names; run `patchbay agent add` again");
            }
            AgentClient c = client;
            return new PublishKeys(appId, dir, trust, cert, held.contentKeyId(), held.contentKey(),
                    client.signer(appId, dir, held.releasePublicKey()), true, c);
        } catch (IOException | CryptoException e) {
            closeQuietly(client);
            context.err().println("patchbay: not using the key agent at " + socket + ": " + e.getMessage());
            return null;
        } catch (RuntimeException e) {
            closeQuietly(client);
            throw e;
        }
    }

    /** The keys unlocked here from the key files (scrypt: seconds). */
    static PublishKeys unlock(String appId, Path dir, char[] passphrase) {
        AppKeys keys = AppKeys.load(appId, dir, passphrase);
        byte[] release = keys.releasePrivateKey();
        ReleaseSigner.KeySigner signer = ReleaseSigner.KeySigner.of(release);
        return new PublishKeys(appId, keys.dir(), keys.trust(), keys.releaseCert(), keys.contentKeyId(),
                keys.contentKey(), signer, false, () -> {
                    Arrays.fill(release, (byte) 0);
                    keys.close();
                });
    }

    String releaseKeyId() {
        return cert.keyId();
    }

    /** A copy of the content key (the caller wipes it). */
    byte[] contentKey() {
        return contentKey.clone();
    }

    BundleSealer.Request request(String version, long sequence, String nativeMin, String nativeMax) {
        return new BundleSealer.Request(appId, version, sequence, nativeMin, nativeMax, null, null, cert,
                contentKey());
    }

    @Override
    public void close() {
        Arrays.fill(contentKey, (byte) 0);
        closeQuietly(resource);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // wiping and closing: nothing left to do
        }
    }
}
