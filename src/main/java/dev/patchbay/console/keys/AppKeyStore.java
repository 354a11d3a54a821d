package dev.patchbay.console.keys;

import dev.patchbay.crypto.AppKeys;
import dev.patchbay.crypto.CryptoException;
import dev.patchbay.crypto.FreshnessCert;
import dev.patchbay.crypto.KeyFileOptions;
import dev.patchbay.crypto.TrustRoot;
import dev.patchbay.crypto.capgo.CapgoKeyFile;
import dev.patchbay.crypto.capgo.CapgoKeyPair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console's key folders, {@code <data folder>/keys/<appId>/} (bundle-format §1), and the keys unlocked this
 * session (held in memory until the console quits, so a passphrase is typed once per app). Every method that reads
 * a key file runs scrypt: call it inside a task, never on the FX thread.
 */
public final class AppKeyStore {
    /** Shortest passphrase the console accepts for new keys. */
    public static final int MIN_PASSPHRASE = 10;

    private final Path root;
    private final KeyFileOptions options;
    private final Map<String, AppKeys> unlocked = new ConcurrentHashMap<>();
    private final Map<String, CapgoKeyPair> capgoUnlocked = new ConcurrentHashMap<>();
    private final java.util.Queue<AppKeys> replaced = new java.util.concurrent.ConcurrentLinkedQueue<>();

    public AppKeyStore(Path root, KeyFileOptions options) {
        this.root = root;
        this.options = options;
    }

    public Path dir(String appId) {
        return root.resolve(appId);
    }

    public boolean exists(String appId) {
        return Files.exists(dir(appId).resolve(AppKeys.TRUST_FILE));
    }

    /** The public trust material, or empty when the app has no keys here. */
    public Optional<TrustRoot> trust(String appId) {
        return exists(appId) ? Optional.of(AppKeys.readTrust(appId, dir(appId))) : Optional.empty();
    }

    public AppKeys create(String appId, char[] passphrase) {
        try {
            AppKeys keys = AppKeys.create(appId, dir(appId), passphrase, options);
            remember(appId, keys);
            return keys;
        } finally {
            Arrays.fill(passphrase, '\0');
        }
    }

    /** Decrypts the current release key and the content key (a wrong passphrase throws, nothing is written). */
    public AppKeys unlock(String appId, char[] passphrase) {
        try {
            AppKeys keys = AppKeys.load(appId, dir(appId), passphrase);
            remember(appId, keys);
            return keys;
        } finally {
            Arrays.fill(passphrase, '\0');
        }
    }

    public AppKeys rotate(String appId, char[] passphrase) {
        try {
            AppKeys keys = AppKeys.rotateRelease(appId, dir(appId), passphrase, options, null);
            remember(appId, keys);
            return keys;
        } finally {
            Arrays.fill(passphrase, '\0');
        }
    }

    /** Whether the root key of {@code appId} is in memory (keys created this session): no passphrase needed to sign. */
    public boolean rootUnlocked(String appId) {
        return unlocked(appId).map(AppKeys::holdsRootKey).orElse(false);
    }

    /**
     * Certifies a server's freshness key with the app's root key: the one in memory if the keys were created this
     * session, else read from {@code root.key} with {@code passphrase} (scrypt; wiped here; may be null when the root
     * is in memory).
     */
    public FreshnessCert certifyServer(String appId, byte[] freshnessPublicKey, Instant notBefore, Instant notAfter,
            char[] passphrase) {
        try {
            AppKeys open = unlocked.get(appId);
            if (open != null && open.holdsRootKey()) {
                return open.certifyFreshnessKey(freshnessPublicKey, notBefore, notAfter);
            }
            if (passphrase == null || passphrase.length == 0) {
                throw new CryptoException("Enter the passphrase: the root key of " + appId
                        + " signs the server's certificate");
            }
            return AppKeys.certifyFreshnessKey(appId, dir(appId), passphrase, freshnessPublicKey, notBefore, notAfter);
        } finally {
            if (passphrase != null) {
                Arrays.fill(passphrase, '\0');
            }
        }
    }

    /** The keys unlocked this session, if any. */
    public Optional<AppKeys> unlocked(String appId) {
        return Optional.ofNullable(unlocked.get(appId));
    }

    /** The previous keys of the app are not wiped here: a task may still be using them (they go with lockAll). */
    private void remember(String appId, AppKeys keys) {
        AppKeys old = unlocked.put(appId, keys);
        if (old != null && old != keys) {
            replaced.add(old);
        }
    }

    // ---- Capgo key pair (docs/capgo-compat.md §2): capgo.key in the same folder, same passphrase -----------------

    public boolean capgoExists(String appId) {
        return CapgoKeyFile.exists(dir(appId));
    }

    /** Creates the app's Capgo key pair (the Patchbay keys must exist: same passphrase, same folder). */
    public CapgoKeyPair createCapgo(String appId, char[] passphrase) {
        return storeCapgo(appId, CapgoKeyPair.generate(), passphrase);
    }

    /** Imports a pair made by the reference CLI (its unencrypted private PEM, e.g. {@code .capgo_key_v2}). */
    public CapgoKeyPair importCapgo(String appId, String privatePem, String name, char[] passphrase) {
        try {
            return storeCapgo(appId, CapgoKeyPair.fromPrivatePem(privatePem, name), passphrase);
        } finally {
            Arrays.fill(passphrase, '\0');
        }
    }

    private CapgoKeyPair storeCapgo(String appId, CapgoKeyPair keys, char[] passphrase) {
        try {
            if (!exists(appId)) {
                throw new CryptoException("Create the app's Patchbay keys first: the Capgo pair is kept with them,"
                        + " under the same passphrase");
            }
            // The passphrase must open the Patchbay keys, so one passphrase unlocks both when publishing.
            char[] copy = passphrase.clone();
            try {
                remember(appId, AppKeys.load(appId, dir(appId), copy));
            } finally {
                Arrays.fill(copy, '\0');
            }
            CapgoKeyFile.write(dir(appId), appId, keys, passphrase, options);
            capgoUnlocked.put(appId, keys);
            return keys;
        } finally {
            Arrays.fill(passphrase, '\0');
        }
    }

    /** Decrypts {@code capgo.key} (scrypt) and keeps the pair for this session. */
    public CapgoKeyPair unlockCapgo(String appId, char[] passphrase) {
        try {
            CapgoKeyPair keys = CapgoKeyFile.read(dir(appId), appId, passphrase);
            capgoUnlocked.put(appId, keys);
            return keys;
        } finally {
            Arrays.fill(passphrase, '\0');
        }
    }

    public Optional<CapgoKeyPair> capgoUnlocked(String appId) {
        return Optional.ofNullable(capgoUnlocked.get(appId));
    }

    /** The key id and capacitor.config snippet of the app's Capgo public key (no passphrase needed). */
    public String capgoExport(String appId) {
        return CapgoKeyFile.exportText(CapgoKeyFile.publicPem(dir(appId)));
    }

    /** Forgets (and wipes) every unlocked key. */
    public void lockAll() {
        capgoUnlocked.clear();
        unlocked.values().forEach(AppKeys::close);
        unlocked.clear();
        for (AppKeys k; (k = replaced.poll()) != null; ) {
            k.close();
        }
    }

    /** Whether a failure means "this passphrase does not open the key file". */
    public static boolean wrongPassphrase(Throwable e) {
        return e instanceof CryptoException && e.getMessage() != null
                && e.getMessage().contains("different passphrase");
    }
}
