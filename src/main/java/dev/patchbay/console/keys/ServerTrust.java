package dev.patchbay.console.keys;

import dev.patchbay.client.FreshnessKeyInfo;
import dev.patchbay.client.NotFoundException;
import dev.patchbay.client.PatchbayClient;
import dev.patchbay.client.ServerErrorException;
import dev.patchbay.crypto.Codec;
import dev.patchbay.crypto.CryptoException;
import dev.patchbay.crypto.Ed25519;
import dev.patchbay.crypto.FreshnessCert;
import dev.patchbay.crypto.KeyIds;
import dev.patchbay.console.common.Times;
import java.time.Duration;
import java.time.Instant;

/**
 * Whether a server is trusted to vouch for the freshness of its update answers (device-protocol §2): the app's root
 * key has certified the server's current freshness key. Without it devices get {@code server_not_trusted} and never
 * update. Network calls: use inside a task.
 *
 * @param trusted the server holds a valid certificate, by this root, of its current freshness key
 * @param text    one line for the user
 */
public record ServerTrust(boolean trusted, String text) {
    /** How long a certificate the console signs is valid (as {@code patchbay key trust-server}). */
    public static final Duration VALIDITY = Duration.ofDays(365);
    /** Tolerated clock difference between the console and the server. */
    static final Duration SKEW = Duration.ofMinutes(5);

    /** Asks {@code client} for its freshness key and the app's certificate of it. */
    public static ServerTrust check(PatchbayClient client, String appId, String rootKeyId, String serverLabel) {
        FreshnessKeyInfo key = client.freshnessKey();
        FreshnessCert cert;
        try {
            cert = client.freshnessCert(appId);
        } catch (NotFoundException e) {
            return new ServerTrust(false, serverLabel + " is not trusted yet: devices get server_not_trusted and do "
                    + "not update. Register trust (or Trust this server) to certify its freshness key.");
        }
        Instant now = Instant.now();
        if (!cert.keyId().equals(key.keyId())) {
            return new ServerTrust(false, serverLabel + "'s freshness key changed (" + key.keyId()
                    + "); the certificate names " + cert.keyId() + ". Trust this server again.");
        }
        if (rootKeyId != null && !cert.rootKeyId().equals(rootKeyId)) {
            return new ServerTrust(false, "The certificate on " + serverLabel + " is signed by root key "
                    + cert.rootKeyId() + ", not this app's " + rootKeyId + ". Trust this server again.");
        }
        if (!cert.validAt(now)) {
            return new ServerTrust(false, "The certificate of " + serverLabel + "'s freshness key is valid only "
                    + Times.format(cert.notBefore()) + " to " + Times.format(cert.notAfter()) + ". Trust it again.");
        }
        return new ServerTrust(true, serverLabel + " is trusted: freshness key " + key.keyId() + " certified until "
                + Times.format(cert.notAfter()) + ".");
    }

    /** The server's freshness public key, checked against its key id. */
    public static byte[] freshnessPublicKey(FreshnessKeyInfo key) {
        byte[] publicKey;
        try {
            publicKey = Codec.unb64(key.publicKey(), Ed25519.KEY_LENGTH, "publicKey");
        } catch (CryptoException e) {
            throw new ServerErrorException(200, "bad_response", "The server sent an unusable freshness key: "
                    + e.getMessage());
        }
        if (!KeyIds.ofPublicKey(publicKey).equals(key.keyId())) {
            throw new ServerErrorException(200, "bad_response", "The server's freshness key id " + key.keyId()
                    + " does not match its key");
        }
        return publicKey;
    }

    /** Certifies the server's current freshness key with the app's root key and stores the certificate there. */
    public static FreshnessCert certify(PatchbayClient client, AppKeyStore keys, String appId, char[] passphrase) {
        byte[] publicKey;
        try {
            publicKey = freshnessPublicKey(client.freshnessKey());
        } catch (RuntimeException e) {
            if (passphrase != null) {
                java.util.Arrays.fill(passphrase, '\0');
            }
            throw e;
        }
        Instant now = Instant.now();
        FreshnessCert cert = keys.certifyServer(appId, publicKey, now.minus(SKEW), now.plus(VALIDITY), passphrase);
        return client.putFreshnessCert(appId, cert);
    }
}
