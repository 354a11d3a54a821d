package dev.patchbay.crypto;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.domain.FileTrees;
import dev.patchbay.domain.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;

/**
 * The key folder of an app (bundle-format §1): {@code root.key}, {@code release-<keyId>.key}, {@code content.key}
 * (encrypted with one passphrase) and the public {@code trust.json}. {@link #load} decrypts the current release key
 * and the content key (what sealing needs); the root key is decrypted only to create or rotate. Keys are never
 * regenerated or overwritten silently.
 */
public final class AppKeys implements AutoCloseable {
    public static final String TRUST_FILE = "trust.json";
    public static final String ROOT_FILE = "root.key";
    public static final String CONTENT_FILE = "content.key";
    public static final Duration DEFAULT_VALIDITY = Duration.ofDays(730);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String appId;
    private final Path dir;
    private final TrustRoot trust;
    private final ReleaseCert releaseCert;
    private final KeyFile.Key release;
    private final KeyFile.Key content;
    /** The root key, held only by the keys {@link #create} returns (null otherwise). */
    private final KeyFile.Key root;
    private volatile boolean closed;

    private AppKeys(String appId, Path dir, TrustRoot trust, ReleaseCert releaseCert, KeyFile.Key release,
            KeyFile.Key content, KeyFile.Key root) {
        this.appId = appId;
        this.dir = dir;
        this.trust = trust;
        this.releaseCert = releaseCert;
        this.release = release;
        this.content = content;
        this.root = root;
    }

    public static String releaseFile(String keyId) {
        return "release-" + keyId + ".key";
    }

    /**
     * Creates the keys of {@code appId} in {@code dir} (which must not exist or be empty): all files are written in a
     * sibling temp folder that is then renamed, so a failure leaves nothing half-written. The keys returned still hold
     * the root key (until {@link #close}), so the new app can certify a server's freshness key at once.
     */
    public static AppKeys create(String appId, Path dir, char[] passphrase, KeyFileOptions options) {
        dev.patchbay.domain.Names.appId("appId", appId);
        Path target = dir.toAbsolutePath().normalize();
        try {
            if (Files.exists(target)) {
                try (Stream<Path> s = Files.list(target)) {
                    if (s.findAny().isPresent()) {
                        throw new CryptoException("Key folder " + dir + " is not empty; keys are never overwritten"
                                + " (use another folder, or rotate the release key)");
                    }
                }
            }
            Files.createDirectories(target.getParent());
        } catch (IOException e) {
            throw new CryptoException("Cannot create key folder " + dir + ": " + e.getMessage(), e);
        }
        Instant now = Instant.now();
        byte[] rootKey = Ed25519.generatePrivateKey();
        byte[] releaseKey = Ed25519.generatePrivateKey();
        byte[] contentKey = new byte[32];
        RANDOM.nextBytes(contentKey);
        KeyFile.Key root = KeyFile.Key.ed25519(KeyFile.Kind.ROOT, appId, rootKey, now);
        KeyFile.Key release = KeyFile.Key.ed25519(KeyFile.Kind.RELEASE, appId, releaseKey, now);
        KeyFile.Key content = KeyFile.Key.content(appId, contentKey, now);
        java.util.Arrays.fill(rootKey, (byte) 0);
        java.util.Arrays.fill(releaseKey, (byte) 0);
        java.util.Arrays.fill(contentKey, (byte) 0);
        ReleaseCert cert = ReleaseCert.create(appId, release.publicKey(), now, now.plus(DEFAULT_VALIDITY),
                root.secret());
        TrustRoot trust = TrustRoot.create(appId, root.publicKey(), content.keyId()).withCert(cert);
        Path staging = null;
        boolean created = false;
        try {
            staging = createOwnerOnlyDir(target.getParent(), "." + target.getFileName() + ".creating-");
            KeyFile.writeAtomically(staging.resolve(ROOT_FILE), KeyFile.encrypt(root, passphrase, options), false);
            KeyFile.writeAtomically(staging.resolve(releaseFile(release.keyId())),
                    KeyFile.encrypt(release, passphrase, options), false);
            KeyFile.writeAtomically(staging.resolve(CONTENT_FILE), KeyFile.encrypt(content, passphrase, options),
                    false);
            KeyFile.writeAtomically(staging.resolve(TRUST_FILE), trust.toBytes(), false);
            if (Files.exists(target)) {
                Files.delete(target); // empty, checked above; a concurrent writer makes this fail, not overwrite
            }
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            staging = null;
            KeyFile.fsyncDir(target.getParent());
            created = true;
        } catch (DirectoryNotEmptyException e) {
            throw new CryptoException("Key folder " + dir + " is not empty; keys are never overwritten");
        } catch (IOException e) {
            throw new CryptoException("Cannot create keys in " + dir + ": " + e.getMessage(), e);
        } finally {
            if (!created) {
                root.destroy();
            }
            FileTrees.deleteQuietly(staging);
        }
        return new AppKeys(appId, target, trust, cert, release, content, root);
    }

    /** Loads the current release key, its certificate and the content key of {@code appId} from {@code dir}. */
    public static AppKeys load(String appId, Path dir, char[] passphrase) {
        TrustRoot trust = readTrust(appId, dir);
        // The newest certificate; on equal notBefore (a rotation within the same instant) the one added last.
        ReleaseCert cert = trust.releaseCerts().stream()
                .reduce((a, b) -> a.notBefore().isAfter(b.notBefore()) ? a : b)
                .orElseThrow(() -> new CryptoException(dir.resolve(TRUST_FILE) + " has no release key certificate"));
        KeyFile.Key release = KeyFile.read(dir.resolve(releaseFile(cert.keyId())), passphrase, appId,
                KeyFile.Kind.RELEASE);
        KeyFile.Key content;
        try {
            content = KeyFile.read(dir.resolve(CONTENT_FILE), passphrase, appId, KeyFile.Kind.CONTENT);
        } catch (CryptoException e) {
            release.destroy();
            throw e;
        }
        if (!content.keyId().equals(trust.contentKeyId())) {
            release.destroy();
            content.destroy();
            throw new CryptoException("Key file " + dir.resolve(CONTENT_FILE) + " holds content key "
                    + content.keyId() + ", but " + dir.resolve(TRUST_FILE) + " names " + trust.contentKeyId());
        }
        return new AppKeys(appId, dir, trust, cert, release, content, null);
    }

    /**
     * Rotates the release key: a new key and certificate (valid from now for {@link #DEFAULT_VALIDITY}); the old
     * keys stay valid until their {@code notAfter}, or until now + {@code retireOldAfter} if that is earlier (null:
     * unchanged). The new key file is written first, {@code trust.json} last (atomically).
     */
    public static AppKeys rotateRelease(String appId, Path dir, char[] passphrase, KeyFileOptions options,
            Duration retireOldAfter) {
        TrustRoot trust = readTrust(appId, dir);
        KeyFile.Key root = KeyFile.read(dir.resolve(ROOT_FILE), passphrase, appId, KeyFile.Kind.ROOT);
        KeyFile.Key release = null;
        try {
            if (!root.keyId().equals(trust.rootKeyId())) {
                throw new CryptoException("Key file " + dir.resolve(ROOT_FILE) + " holds root key " + root.keyId()
                        + ", but " + dir.resolve(TRUST_FILE) + " names " + trust.rootKeyId());
            }
            Instant now = Instant.now();
            TrustRoot updated = trust;
            if (retireOldAfter != null) {
                Instant retire = now.plus(retireOldAfter);
                for (ReleaseCert old : trust.releaseCerts()) {
                    if (old.notAfter().isAfter(retire)) {
                        Instant end = retire.isAfter(old.notBefore()) ? retire : old.notBefore().plusSeconds(1);
                        updated = updated.withCert(ReleaseCert.create(appId, old.publicKey(), old.notBefore(), end,
                                root.secret()));
                    }
                }
            }
            byte[] seed = Ed25519.generatePrivateKey();
            release = KeyFile.Key.ed25519(KeyFile.Kind.RELEASE, appId, seed, now);
            java.util.Arrays.fill(seed, (byte) 0);
            ReleaseCert cert = ReleaseCert.create(appId, release.publicKey(), now, now.plus(DEFAULT_VALIDITY),
                    root.secret());
            updated = updated.withCert(cert);
            KeyFile.writeAtomically(dir.resolve(releaseFile(release.keyId())),
                    KeyFile.encrypt(release, passphrase, options), false);
            KeyFile.writeAtomically(dir.resolve(TRUST_FILE), updated.toBytes(), true);
            release.destroy();
        } finally {
            root.destroy();
            if (release != null) {
                release.destroy();
            }
        }
        return load(appId, dir, passphrase);
    }

    /** Reads and checks {@code dir/trust.json} for {@code appId} (public; no passphrase needed). */
    public static TrustRoot readTrust(String appId, Path dir) {
        Path file = dir.resolve(TRUST_FILE);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CryptoException("No keys in " + dir + " (" + TRUST_FILE + " is missing); create them with "
                    + "`patchbay key create`");
        } catch (IOException e) {
            throw new CryptoException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        TrustRoot trust;
        try {
            trust = TrustRoot.parse(bytes);
        } catch (CryptoException e) {
            throw new CryptoException(file + ": " + e.getMessage());
        }
        if (!trust.appId().equals(appId)) {
            throw new CryptoException("The keys in " + dir + " belong to app " + trust.appId() + ", not " + appId);
        }
        return trust;
    }

    /**
     * Certifies a server's freshness key (device-protocol §2) with the root key of {@code appId} read from
     * {@code dir/root.key} (scrypt; the passphrase is not wiped here). The root key never leaves this method.
     */
    public static FreshnessCert certifyFreshnessKey(String appId, Path dir, char[] passphrase,
            byte[] freshnessPublicKey, Instant notBefore, Instant notAfter) {
        TrustRoot trust = readTrust(appId, dir);
        KeyFile.Key root = KeyFile.read(dir.resolve(ROOT_FILE), passphrase, appId, KeyFile.Kind.ROOT);
        try {
            checkRoot(root, trust, dir);
            return FreshnessCert.create(appId, freshnessPublicKey, notBefore, notAfter, root.secret());
        } finally {
            root.destroy();
        }
    }

    /** Whether these keys still hold the root key (only keys just {@link #create}d do). */
    public boolean holdsRootKey() {
        return root != null && !closed;
    }

    /** Certifies a server's freshness key with the root key these keys hold ({@link #holdsRootKey()}). */
    public FreshnessCert certifyFreshnessKey(byte[] freshnessPublicKey, Instant notBefore, Instant notAfter) {
        if (!holdsRootKey()) {
            throw new CryptoException("The root key of " + appId + " is not unlocked; it is needed to trust a server");
        }
        return FreshnessCert.create(appId, freshnessPublicKey, notBefore, notAfter, root.secret());
    }

    private static void checkRoot(KeyFile.Key root, TrustRoot trust, Path dir) {
        if (!root.keyId().equals(trust.rootKeyId())) {
            throw new CryptoException("Key file " + dir.resolve(ROOT_FILE) + " holds root key " + root.keyId()
                    + ", but " + dir.resolve(TRUST_FILE) + " names " + trust.rootKeyId());
        }
    }

    /** {@code trust.json} bytes, what the server is given. */
    public byte[] exportTrust() {
        return trust.toBytes();
    }

    /** The {@code capacitor.config.json} snippet an app embeds (contains the content key: it ships in the app). */
    public ObjectNode capacitorConfig() {
        return capacitorConfig(null);
    }

    /**
     * As {@link #capacitorConfig()} with the update server's address ({@code serverUrl}, omitted when null): the
     * whole {@code plugins.PatchbayUpdater} the Capacitor plugin reads (docs/plugin.md).
     */
    public ObjectNode capacitorConfig(String serverUrl) {
        ObjectNode root = CanonicalJson.object();
        ObjectNode plugin = root.putObject("plugins").putObject("PatchbayUpdater");
        if (serverUrl != null) {
            plugin.put("serverUrl", serverUrl);
        }
        plugin.put("appId", appId);
        plugin.put("rootKeyId", trust.rootKeyId());
        plugin.put("rootPublicKey", Codec.b64(trust.rootPublicKey()));
        plugin.put("contentKey", Codec.b64(content.secret()));
        plugin.put("contentKeyId", content.keyId());
        return root;
    }

    /** Writes {@link #capacitorConfig()} to {@code file}, owner-only and atomically (replacing it). */
    public void exportCapacitorConfig(Path file) {
        exportCapacitorConfig(file, null);
    }

    /** Writes {@link #capacitorConfig(String)} to {@code file}, owner-only and atomically (replacing it). */
    public void exportCapacitorConfig(Path file, String serverUrl) {
        try {
            byte[] bytes = (Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(capacitorConfig(serverUrl))
                    + "\n").getBytes(StandardCharsets.UTF_8);
            KeyFile.writeAtomically(file, bytes, true);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public String appId() {
        return appId;
    }

    public Path dir() {
        return dir;
    }

    public TrustRoot trust() {
        return trust;
    }

    public ReleaseCert releaseCert() {
        return releaseCert;
    }

    public String releaseKeyId() {
        return release.keyId();
    }

    /** The current release private key (a copy). */
    public byte[] releasePrivateKey() {
        return release.secret().clone();
    }

    /** The content key (a copy). */
    public byte[] contentKey() {
        return content.secret().clone();
    }

    public String contentKeyId() {
        return content.keyId();
    }

    /** Wipes the private key bytes held. */
    @Override
    public void close() {
        closed = true;
        release.destroy();
        content.destroy();
        if (root != null) {
            root.destroy();
        }
    }

    private static Path createOwnerOnlyDir(Path parent, String prefix) throws IOException {
        if (Files.getFileAttributeView(parent, PosixFileAttributeView.class) != null) {
            return Files.createTempDirectory(parent, prefix,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        return Files.createTempDirectory(parent, prefix);
    }
}
