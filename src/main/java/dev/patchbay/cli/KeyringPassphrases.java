package dev.patchbay.cli;

import com.github.javakeyring.BackendNotSupportedException;
import com.github.javakeyring.Keyring;
import com.github.javakeyring.PasswordAccessException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Key passphrases in the OS keyring (ADR 0084): Secret Service on Linux (GNOME Keyring, KWallet's), the macOS
 * Keychain, the Windows Credential Manager, through java-keyring. One entry per key folder: service
 * {@value #SERVICE}, account "{@code appId} {@code real path of the folder}". Where there is no keyring (headless CI,
 * no D-Bus session) every lookup answers "nothing stored" and the passphrase comes from the usual places.
 * {@code PATCHBAY_NO_KEYRING=1} turns the keyring off.
 */
final class KeyringPassphrases {
    static final String SERVICE = "patchbay";
    static final String DISABLE_ENV = "PATCHBAY_NO_KEYRING";

    private final boolean enabled;
    private Keyring keyring;
    private String unavailable;

    private KeyringPassphrases(boolean enabled) {
        this.enabled = enabled;
    }

    static KeyringPassphrases forContext(Cli.Context context) {
        String off = context.env().get(DISABLE_ENV);
        return new KeyringPassphrases(off == null || off.isBlank() || off.equals("0"));
    }

    /** The passphrase stored for this key folder, or null (none stored, or no keyring here). */
    char[] find(String appId, Path dir) {
        Keyring k = keyring();
        if (k == null) {
            return null;
        }
        try {
            String stored = k.getPassword(SERVICE, account(appId, dir));
            return stored == null ? null : stored.toCharArray();
        } catch (PasswordAccessException notStored) {
            return null;
        }
    }

    /** Stores {@code passphrase} for the key folder, replacing what was stored. */
    void remember(String appId, Path dir, char[] passphrase) {
        Keyring k = keyring();
        if (k == null) {
            throw new CliException("No OS keyring here (" + unavailable + "); keep using --passphrase-file, $"
                    + Passphrases.ENV + ", a prompt or `patchbay agent`");
        }
        try {
            k.setPassword(SERVICE, account(appId, dir), new String(passphrase));
        } catch (PasswordAccessException e) {
            throw new CliException("The OS keyring refused to store the passphrase: " + e.getMessage());
        }
    }

    /** Removes the stored passphrase; answers whether there was one. */
    boolean forget(String appId, Path dir) {
        Keyring k = keyring();
        if (k == null) {
            throw new CliException("No OS keyring here (" + unavailable + ")");
        }
        String account = account(appId, dir);
        try {
            k.getPassword(SERVICE, account);
        } catch (PasswordAccessException none) {
            return false;
        }
        try {
            k.deletePassword(SERVICE, account);
            return true;
        } catch (PasswordAccessException e) {
            throw new CliException("The OS keyring refused to remove the passphrase: " + e.getMessage());
        }
    }

    /** Why there is no keyring, or null when there is one. */
    String unavailableReason() {
        keyring();
        return unavailable;
    }

    private Keyring keyring() {
        if (keyring != null || unavailable != null) {
            return keyring;
        }
        if (!enabled) {
            unavailable = DISABLE_ENV + " is set";
            return null;
        }
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        String bus = System.getenv("DBUS_SESSION_BUS_ADDRESS");
        if (!os.contains("mac") && !os.contains("win") && (bus == null || bus.isBlank())) {
            // Secret Service needs a D-Bus session; without one the library takes seconds to say so.
            unavailable = "no D-Bus session: DBUS_SESSION_BUS_ADDRESS is not set";
            return null;
        }
        try {
            keyring = Keyring.create();
        } catch (BackendNotSupportedException | RuntimeException | LinkageError e) {
            unavailable = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        return keyring;
    }

    static String account(String appId, Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        try {
            abs = abs.toRealPath();
        } catch (IOException missing) {
            // the folder's name as given
        }
        return appId + " " + abs;
    }
}
