package dev.patchbay.server.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The {@code admin-api-key} file of a data folder: one line, readable by its owner only, written atomically. It holds
 * the server's bootstrap admin key (ADR 0095): rotating that key through the API rewrites the file, and a lost file
 * is replaced at the next start with a new key while the old one is revoked.
 */
public final class AdminKeyFile {
    public static final String NAME = "admin-api-key";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private AdminKeyFile() {
    }

    public static Path in(Path dataDir) {
        return dataDir.resolve(NAME);
    }

    /**
     * Makes sure the file holds a working bootstrap admin key; true if a new one was minted. When the file is missing,
     * empty or holds a key that no longer works, every earlier bootstrap key is revoked in the same transaction that
     * mints the new one, so a lost or replaced file never leaves an old admin key working.
     */
    public static boolean ensure(ApiKeys keys, Path dataDir) throws IOException {
        return ensure(keys, dataDir, false);
    }

    /**
     * As {@link #ensure(ApiKeys, Path)}; with {@code sharedDatabase} (instances on one database server, ADR 0116) a
     * missing file while a bootstrap key is active is an error instead: minting would revoke the key that the other
     * instances' files hold. An empty file still asks for a new key.
     */
    public static boolean ensure(ApiKeys keys, Path dataDir, boolean sharedDatabase) throws IOException {
        Path file = in(dataDir);
        if (sharedDatabase && !Files.exists(file)) {
            // Instances starting together on a new database: the first mints (under the change feed's row lock, so
            // they take turns), the others find its key and, on a shared folder, its file.
            boolean minted;
            try {
                minted = keys.database().inTransaction(c -> {
                    dev.patchbay.server.cluster.ChangeFeed.lock(c);
                    if (!keys.activeBootstrapKeys(c).isEmpty()) {
                        return false;
                    }
                    mintIn(c, keys, file);
                    return true;
                });
            } catch (java.io.UncheckedIOException e) {
                throw e.getCause();
            }
            if (minted) {
                return true;
            }
            if (!Files.exists(file)) {
                throw new IOException("The database already has an admin key, but " + file + " is missing: copy the "
                        + NAME + " file from another instance's data folder (or share that folder). To replace a lost"
                        + " key, create an empty " + NAME + " file: a new key is minted and the old one revoked on"
                        + " every instance");
            }
        }
        String current = Files.isRegularFile(file) && Files.size(file) > 0 ? read(file) : null;
        ApiKeys.KeyRow working = current == null ? null : keys.activeByPlaintext(current);
        if (working != null) {
            if (!working.bootstrap()) {
                // Data from before key roles: the file's key becomes the bootstrap key, so a lost file revokes it.
                keys.database().inTransaction(c -> {
                    try (var ps = c.prepareStatement("UPDATE api_keys SET bootstrap = TRUE WHERE id = ?")) {
                        ps.setString(1, working.id());
                        ps.executeUpdate();
                    }
                    return null;
                });
            }
            return false;
        }
        try {
            mintBootstrap(keys, file);
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        return true;
    }

    private static void mintBootstrap(ApiKeys keys, Path file) {
        keys.database().inTransaction(c -> {
            mintIn(c, keys, file);
            return null;
        });
    }

    private static void mintIn(java.sql.Connection c, ApiKeys keys, Path file) throws java.sql.SQLException {
        for (ApiKeys.KeyRow old : keys.activeBootstrapKeys(c)) {
            keys.revoke(c, old.id());
        }
        String name = "admin";
        try (var ps = c.prepareStatement("SELECT COUNT(*) FROM api_keys WHERE name = ? AND revoked_at IS NULL")) {
            ps.setString(1, name);
            try (var rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(1) > 0) {
                    name = "admin-" + keys.now().toString().substring(0, 19).replace(':', '-');
                }
            }
        }
        ApiKeys.NewKey key = keys.insert(c, name, Role.ADMIN, null, null, "system:server-start", true);
        try {
            write(file, key.plaintext());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Deletes the file if it holds the key whose hash is {@code keyHash} (a file an operator replaced with another
     * key is left alone), and syncs the folder so the removal outlives a crash; true if it was deleted.
     */
    static boolean removeIfHolds(Path file, String keyHash) throws IOException {
        if (keyHash == null || !Files.isRegularFile(file) || Files.size(file) == 0
                || !ApiKeys.hash(read(file)).equals(keyHash)) {
            return false;
        }
        Files.delete(file);
        syncDirectory(file.toAbsolutePath().getParent());
        return true;
    }

    private static void syncDirectory(Path dir) {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(dir,
                java.nio.file.StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Not every file system lets a directory be opened or synced (Windows): the delete itself stands.
        }
    }

    public static String read(Path file) throws IOException {
        String key = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (key.isEmpty()) {
            throw new IOException(file + " is empty");
        }
        return key;
    }

    /** Writes {@code key} so that no other user can read it at any moment: temp file created owner-only, then moved. */
    public static void write(Path file, String key) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        Path tmp = posix
                ? Files.createTempFile(dir, NAME, ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
                : Files.createTempFile(dir, NAME, ".tmp");
        try {
            Files.writeString(tmp, key + System.lineSeparator(), StandardCharsets.UTF_8);
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp,
                    java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true); // the key is on disk before the rename makes it the file
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
