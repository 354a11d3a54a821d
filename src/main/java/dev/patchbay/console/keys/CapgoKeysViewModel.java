package dev.patchbay.console.keys;

import dev.patchbay.console.common.TaskRunner;
import dev.patchbay.console.data.Problems;
import dev.patchbay.crypto.CryptoException;
import dev.patchbay.domain.App;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * The Capgo part of the Keys page (docs/capgo-compat.md §2): the app's RSA key pair for devices running the reference
 * updater plugin, created here or imported from the reference CLI's private PEM, kept in the app's key folder
 * encrypted under the same passphrase as the Patchbay keys ({@link AppKeyStore}), and its public key exported as the
 * {@code capacitor.config} snippet — the same files and text as {@code patchbay key capgo create|import|export}.
 */
public final class CapgoKeysViewModel {
    private final TaskRunner tasks;
    private final ObjectProperty<App> app;
    private final AppKeyStore keys;

    private final BooleanProperty exists = new SimpleBooleanProperty(this, "exists");
    private final StringProperty exportText = new SimpleStringProperty(this, "exportText", "");
    private final StringProperty passphraseError = new SimpleStringProperty(this, "passphraseError", "");
    private final StringProperty message = new SimpleStringProperty(this, "message", "");
    private final StringProperty info = new SimpleStringProperty(this, "info", "");
    private final StringProperty busy = new SimpleStringProperty(this, "busy", "");
    private final BooleanBinding working = busy.isNotEmpty();
    private long generation;

    private record State(boolean exists, String export) {
    }

    CapgoKeysViewModel(TaskRunner tasks, ObjectProperty<App> app, ReadOnlyBooleanProperty hasKeys, AppKeyStore keys) {
        this.tasks = tasks;
        this.app = app;
        this.keys = keys;
        app.addListener((obs, old, now) -> {
            info.set("");
            reload();
        });
        hasKeys.addListener((obs, old, now) -> reload());
    }

    /** Reads the key folder (capgo.pub only: no passphrase) off the FX thread. */
    public void reload() {
        App a = app.get();
        long gen = ++generation;
        passphraseError.set("");
        message.set("");
        if (a == null) {
            show(new State(false, ""));
            return;
        }
        String id = a.id();
        tasks.create("Reading the Capgo key of " + id, () -> state(id))
                .onSuccess(st -> {
                    if (gen == generation) {
                        show(st);
                    }
                })
                .onError(e -> {
                    if (gen == generation) {
                        show(new State(false, ""));
                        message.set(e.getMessage());
                    }
                })
                .run();
    }

    private State state(String appId) {
        return keys.capgoExists(appId) ? new State(true, keys.capgoExport(appId)) : new State(false, "");
    }

    private void show(State st) {
        exists.set(st.exists());
        exportText.set(st.export());
    }

    /** Creates the pair (RSA-2048, as the reference CLI's {@code key create}); the passphrase is wiped. */
    public void create(char[] passphrase) {
        run("Creating the Capgo key pair", passphrase, (id, pass) -> keys.createCapgo(id, pass),
                "Created the Capgo key pair of %s. Put the snippet below into capacitor.config.");
    }

    /**
     * Imports the reference CLI's private PEM (e.g. {@code .capgo_key_v2}) so devices in the field keep their
     * {@code publicKey}; the PEM file itself stays unencrypted where it was.
     */
    public void importPem(Path pemFile, char[] passphrase) {
        run("Importing the Capgo key pair", passphrase, (id, pass) -> {
            String pem;
            try {
                pem = Files.readString(pemFile, StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new CryptoException("Cannot read " + pemFile + ": " + e.getMessage(), e);
            }
            return keys.importCapgo(id, pem, pemFile.getFileName().toString(), pass);
        }, "Imported the Capgo key pair of %s (" + pemFile.getFileName()
                + " itself is unencrypted: delete it once stored safely).");
    }

    private interface Action {
        Object apply(String appId, char[] passphrase);
    }

    private void run(String what, char[] passphrase, Action action, String done) {
        App a = app.get();
        passphraseError.set("");
        message.set("");
        info.set("");
        if (a == null || working.get()) {
            Arrays.fill(passphrase, '\0');
            return;
        }
        if (passphrase.length == 0) {
            passphraseError.set("Enter the passphrase of the app's keys (the Capgo pair is stored under it)");
            return;
        }
        String id = a.id();
        long gen = ++generation;
        busy.set(what + "…");
        tasks.create(what + " of " + id, () -> {
                    try {
                        action.apply(id, passphrase);
                    } finally {
                        Arrays.fill(passphrase, '\0');
                    }
                    return state(id);
                })
                .onSuccess(st -> {
                    if (gen == generation) {
                        show(st);
                        info.set(String.format(done, id));
                    }
                })
                .onError(e -> {
                    if (gen != generation) {
                        return;
                    }
                    if (AppKeyStore.wrongPassphrase(e)) {
                        passphraseError.set("Wrong passphrase: it does not open the keys of this app");
                    } else {
                        message.set(e instanceof CryptoException ? e.getMessage() : Problems.message(e));
                    }
                })
                .andFinally(() -> busy.set(""))
                .run();
    }

    // ---- properties ---------------------------------------------------------------------------------------------

    public BooleanProperty existsProperty() {
        return exists;
    }

    /** The key id and the {@code capacitor.config} snippet (public: shown without a passphrase). */
    public StringProperty exportTextProperty() {
        return exportText;
    }

    public StringProperty passphraseErrorProperty() {
        return passphraseError;
    }

    public StringProperty messageProperty() {
        return message;
    }

    public StringProperty infoProperty() {
        return info;
    }

    public StringProperty busyProperty() {
        return busy;
    }

    public BooleanBinding workingProperty() {
        return working;
    }
}
