package dev.patchbay.console.keys;

import dev.patchbay.client.ServerUnreachableException;
import dev.patchbay.console.common.TaskRunner;
import dev.patchbay.console.connection.ConnectionManager;
import dev.patchbay.console.connection.Session;
import dev.patchbay.console.settings.Settings;
import dev.patchbay.console.data.Problems;
import dev.patchbay.crypto.AppKeys;
import dev.patchbay.crypto.ReleaseCert;
import dev.patchbay.crypto.TrustRoot;
import dev.patchbay.console.common.AppChoice;
import dev.patchbay.domain.App;
import dev.patchbay.domain.Bundle;
import dev.patchbay.domain.Json;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;

/**
 * The Keys page: the key folder of one app ({@code <data folder>/keys/<appId>/}): create, unlock, rotate the
 * release key, export the trust material for the app and register it with the server. Passphrases arrive as
 * {@code char[]} (read once from the password fields) and are wiped after use.
 */
public final class KeysViewModel {
    /** One release key certificate, with the bundles on the server that key signed. */
    public record CertRow(String keyId, Instant notBefore, Instant notAfter, boolean validNow, boolean current,
                          List<String> bundles) {
    }

    private final ConnectionManager connection;
    private final TaskRunner tasks;
    private final ObservableList<App> apps;
    private final AppKeyStore keys;

    private final ObjectProperty<App> app = new SimpleObjectProperty<>(this, "app");
    private final BooleanProperty hasKeys = new SimpleBooleanProperty(this, "hasKeys");
    private final BooleanProperty unlocked = new SimpleBooleanProperty(this, "unlocked");
    private final StringProperty rootKeyId = new SimpleStringProperty(this, "rootKeyId", "");
    private final StringProperty contentKeyId = new SimpleStringProperty(this, "contentKeyId", "");
    private final StringProperty releaseKeyId = new SimpleStringProperty(this, "releaseKeyId", "");
    private final StringProperty keyFolder = new SimpleStringProperty(this, "keyFolder", "");
    private final ObservableList<CertRow> certs = FXCollections.observableArrayList();
    private final StringProperty exportText = new SimpleStringProperty(this, "exportText", "");
    private final StringProperty busy = new SimpleStringProperty(this, "busy", "");
    private final StringProperty passphraseError = new SimpleStringProperty(this, "passphraseError", "");
    private final StringProperty confirmError = new SimpleStringProperty(this, "confirmError", "");
    private final StringProperty message = new SimpleStringProperty(this, "message", "");
    private final StringProperty info = new SimpleStringProperty(this, "info", "");
    private final StringProperty serverTrust = new SimpleStringProperty(this, "serverTrust", "");
    private final BooleanProperty serverTrusted = new SimpleBooleanProperty(this, "serverTrusted");
    private final BooleanProperty rootUnlocked = new SimpleBooleanProperty(this, "rootUnlocked");
    private final BooleanBinding working = busy.isNotEmpty();
    private final CapgoKeysViewModel capgo;
    private Map<String, List<String>> bundlesByKey = Map.of();
    private long generation;

    public KeysViewModel(ConnectionManager connection, TaskRunner tasks, ObservableList<App> apps, AppKeyStore keys) {
        this.connection = connection;
        this.tasks = tasks;
        this.apps = apps;
        this.keys = keys;
        apps.addListener((ListChangeListener<App>) c -> keepAppSelection());
        app.addListener((obs, old, now) -> {
            if (old == null || now == null || !old.id().equals(now.id())) {
                reload();
            }
        });
        connection.sessionProperty().addListener((obs, old, now) -> reload());
        this.capgo = new CapgoKeysViewModel(tasks, app, hasKeys, keys);
        keepAppSelection();
    }

    /** The app's Capgo key pair (Capgo-compatible delivery). */
    public CapgoKeysViewModel capgo() {
        return capgo;
    }

    private void keepAppSelection() {
        AppChoice.keep(apps, app);
    }

    /** Reads the key folder (public trust.json only) and asks the server which bundles each key signed. */
    public void reload() {
        App a = app.get();
        long gen = ++generation;
        clearErrors();
        info.set("");
        exportText.set("");
        serverTrust.set("");
        serverTrusted.set(false);
        if (a == null) {
            show(null, null);
            return;
        }
        tasks.create("Reading keys of " + a.id(), () -> keys.trust(a.id()).orElse(null))
                .onSuccess(trust -> {
                    if (gen == generation) {
                        show(trust, keys.unlocked(a.id()).orElse(null));
                        loadBundles(a, gen);
                        loadServerTrust(a, gen);
                    }
                })
                .onError(e -> {
                    if (gen == generation) {
                        show(null, null);
                        message.set(Problems.message(e));
                    }
                })
                .run();
    }

    private void loadBundles(App a, long gen) {
        Session s = connection.session();
        if (s == null || s.client() == null || !hasKeys.get()) {
            return;
        }
        tasks.create("Loading bundles of " + a.id(), () -> s.client().listBundles(a.id()))
                .onSuccess(list -> {
                    if (gen == generation) {
                        bundlesByKey = list.stream().sorted(Comparator.comparingLong(Bundle::sequence))
                                .collect(Collectors.groupingBy(Bundle::releaseKeyId,
                                        Collectors.mapping(Bundle::version, Collectors.toList())));
                        refreshCerts();
                    }
                })
                .onError(e -> {
                    if (gen == generation && e instanceof ServerUnreachableException u) {
                        connection.markOffline(u);
                    } else if (gen == generation) {
                        message.set(Problems.message(e));
                    }
                })
                .run();
    }

    /** Asks the server whether it holds this app's certificate of its freshness key. */
    private void loadServerTrust(App a, long gen) {
        Session s = connection.session();
        if (s == null || s.client() == null || trust == null) {
            return;
        }
        String root = trust.rootKeyId();
        tasks.create("Checking whether " + s.label() + " is trusted",
                        () -> ServerTrust.check(s.client(), a.id(), root, s.label()))
                .onSuccess(t -> {
                    if (gen == generation) {
                        serverTrusted.set(t.trusted());
                        serverTrust.set(t.text());
                    }
                })
                .onError(e -> {
                    if (gen == generation && !(e instanceof ServerUnreachableException)) {
                        serverTrust.set("Cannot tell whether " + s.label() + " is trusted: " + Problems.message(e));
                    }
                })
                .run();
    }

    private TrustRoot trust;

    private void show(TrustRoot t, AppKeys open) {
        trust = t;
        hasKeys.set(t != null);
        unlocked.set(open != null);
        rootKeyId.set(t == null ? "" : t.rootKeyId());
        contentKeyId.set(t == null || t.contentKeyId() == null ? "" : t.contentKeyId());
        keyFolder.set(app.get() == null ? "" : keys.dir(app.get().id()).toString());
        ReleaseCert latest = t == null ? null
                : t.releaseCerts().stream().max(Comparator.comparing(ReleaseCert::notBefore)).orElse(null);
        releaseKeyId.set(latest == null ? "" : latest.keyId());
        exportText.set(open == null ? "" : snippet(open, serverUrl()));
        rootUnlocked.set(open != null && open.holdsRootKey());
        if (t == null) {
            serverTrust.set("");
            serverTrusted.set(false);
            bundlesByKey = Map.of();
        }
        refreshCerts();
    }

    private void refreshCerts() {
        if (trust == null) {
            certs.clear();
            return;
        }
        Instant now = Instant.now();
        List<CertRow> rows = new ArrayList<>();
        for (ReleaseCert c : trust.releaseCerts()) {
            rows.add(new CertRow(c.keyId(), c.notBefore(), c.notAfter(), c.validAt(now),
                    c.keyId().equals(releaseKeyId.get()), bundlesByKey.getOrDefault(c.keyId(), List.of())));
        }
        rows.sort(Comparator.comparing(CertRow::notBefore).reversed());
        certs.setAll(rows);
    }

    /** The connected server's address, for the plugin's {@code serverUrl}; null when offline. */
    private String serverUrl() {
        Session s = connection.session();
        return s == null || s.client() == null ? null : s.client().baseUrl();
    }

    private static String snippet(AppKeys k, String serverUrl) {
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(k.capacitorConfig(serverUrl));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- actions --------------------------------------------------------------------------------------------

    /** Creates the app's keys; both arrays are wiped. */
    public void create(char[] passphrase, char[] confirmation) {
        App a = app.get();
        clearErrors();
        try {
            if (a == null || working.get()) {
                return;
            }
            if (hasKeys.get()) {
                message.set("The app already has keys in " + keyFolder.get() + "; keys are never overwritten.");
                return;
            }
            if (passphrase.length < AppKeyStore.MIN_PASSPHRASE) {
                passphraseError.set("Use at least " + AppKeyStore.MIN_PASSPHRASE + " characters");
                return;
            }
            if (!Arrays.equals(passphrase, confirmation)) {
                confirmError.set("The two passphrases differ");
                return;
            }
        } finally {
            Arrays.fill(confirmation, '\0');
        }
        char[] pass = passphrase.clone();
        Arrays.fill(passphrase, '\0');
        busy.set("Creating keys…");
        Session s = connection.session();
        // The console's own Local sandbox is trusted at once: nobody wants devices on it to get server_not_trusted.
        boolean sandbox = s != null && s.client() != null && Settings.SANDBOX_ID.equals(s.connectionId())
                && !connection.readOnlyProperty().get();
        long gen = generation;
        tasks.create("Creating keys of " + a.id(), () -> {
                    AppKeys k = keys.create(a.id(), pass);
                    if (!sandbox) {
                        return new Created(k, null, null);
                    }
                    try {
                        s.client().registerTrust(a.id(), k.trust().toBytes());
                        ServerTrust.certify(s.client(), keys, a.id(), null);
                        return new Created(k, ServerTrust.check(s.client(), a.id(), k.trust().rootKeyId(), s.label()),
                                null);
                    } catch (RuntimeException e) {
                        return new Created(k, null, Problems.message(e));
                    }
                })
                .onSuccess(c -> {
                    AppKeys k = c.keys();
                    show(k.trust(), k);
                    if (c.trust() != null) {
                        serverTrusted.set(c.trust().trusted());
                        serverTrust.set(c.trust().text());
                        info.set("Keys created in " + k.dir() + ". Keep the passphrase safe: it cannot be recovered. "
                                + s.label() + " is trusted with them, so its devices accept its update answers.");
                    } else {
                        info.set("Keys created in " + k.dir() + ". Keep the passphrase safe: it cannot be recovered."
                                + (c.trustProblem() == null ? "" : " Trusting " + s.label() + " failed: "
                                + c.trustProblem()));
                        loadServerTrust(a, gen);
                    }
                })
                .onError(e -> message.set(Problems.message(e)))
                .andFinally(() -> busy.set(""))
                .run();
    }

    /** New keys, and the sandbox's trust when the console trusted it at once (else null, with the problem if any). */
    private record Created(AppKeys keys, ServerTrust trust, String trustProblem) {
    }

    /** Decrypts the app's keys (scrypt: ~0.5 s) so they can be exported; a wrong passphrase is shown inline. */
    public void unlock(char[] passphrase) {
        App a = app.get();
        clearErrors();
        if (a == null || working.get() || !hasKeys.get()) {
            Arrays.fill(passphrase, '\0');
            return;
        }
        busy.set("Unlocking…");
        tasks.create("Unlocking keys of " + a.id(), () -> keys.unlock(a.id(), passphrase))
                .onSuccess(k -> show(k.trust(), k))
                .onError(this::keyFailed)
                .andFinally(() -> busy.set(""))
                .run();
    }

    /** A new release key and certificate; earlier keys stay valid until their end date. */
    public void rotate(char[] passphrase) {
        App a = app.get();
        clearErrors();
        if (a == null || working.get() || !hasKeys.get()) {
            Arrays.fill(passphrase, '\0');
            return;
        }
        busy.set("Rotating the release key…");
        tasks.create("Rotating the release key of " + a.id(), () -> keys.rotate(a.id(), passphrase))
                .onSuccess(k -> {
                    show(k.trust(), k);
                    info.set("New release key " + k.releaseKeyId() + ". Register the trust material again so the "
                            + "server accepts bundles it signs (publishing does it too).");
                })
                .onError(this::keyFailed)
                .andFinally(() -> busy.set(""))
                .run();
    }

    private void keyFailed(Throwable e) {
        if (AppKeyStore.wrongPassphrase(e)) {
            passphraseError.set("Wrong passphrase: it does not open the keys of this app");
        } else {
            message.set(Problems.message(e));
        }
    }

    /**
     * Registers trust.json with the server (root key fixed on the first registration) and, when the root key is in
     * memory (keys created this session), also certifies the server's freshness key ("Trust this server").
     */
    public void registerTrust() {
        registerAndTrust(null, false);
    }

    /**
     * Registers trust.json and certifies the server's freshness key with the root key: the one in memory, else read
     * with {@code passphrase} (wiped). Without it the server answers devices {@code server_not_trusted}.
     */
    public void trustServer(char[] passphrase) {
        registerAndTrust(passphrase, true);
    }

    private void registerAndTrust(char[] passphrase, boolean certify) {
        App a = app.get();
        Session s = connection.session();
        clearErrors();
        info.set("");
        if (a == null || s == null || trust == null || working.get()) {
            wipe(passphrase);
            return;
        }
        if (connection.readOnlyProperty().get()) {
            wipe(passphrase);
            message.set(connection.readOnlyReasonProperty().get());
            return;
        }
        boolean withRoot = keys.rootUnlocked(a.id());
        if (certify && !withRoot && (passphrase == null || passphrase.length == 0)) {
            wipe(passphrase);
            passphraseError.set("Enter the passphrase: the root key signs the server's certificate");
            return;
        }
        boolean doCertify = certify || withRoot;
        byte[] bytes = trust.toBytes();
        String root = trust.rootKeyId();
        busy.set(doCertify ? "Trusting " + s.label() + "…" : "Registering trust…");
        tasks.create("Registering trust of " + a.id(), () -> {
                    s.requireClient().registerTrust(a.id(), bytes);
                    if (!doCertify) {
                        return null;
                    }
                    ServerTrust.certify(s.requireClient(), keys, a.id(), passphrase);
                    return ServerTrust.check(s.requireClient(), a.id(), root, s.label());
                })
                .onSuccess(t -> {
                    if (t == null) {
                        info.set("Trust material registered with " + s.label() + ". To let devices accept its update "
                                + "answers, enter the passphrase and press Trust this server.");
                    } else {
                        serverTrusted.set(t.trusted());
                        serverTrust.set(t.text());
                        info.set("Trust material registered with " + s.label() + ", and " + s.label()
                                + " certified to answer devices.");
                    }
                })
                .onError(e -> {
                    wipe(passphrase);
                    if (e instanceof ServerUnreachableException u) {
                        connection.markOffline(u);
                    }
                    keyFailed(e);
                })
                .andFinally(() -> busy.set(""))
                .run();
    }

    private static void wipe(char[] passphrase) {
        if (passphrase != null) {
            Arrays.fill(passphrase, '\0');
        }
    }

    /** Writes the capacitor.config.json snippet (keys must be unlocked) to {@code file}, owner-only. */
    public void saveExport(Path file) {
        App a = app.get();
        clearErrors();
        AppKeys k = a == null ? null : keys.unlocked(a.id()).orElse(null);
        if (k == null) {
            passphraseError.set("Unlock the keys first (the snippet holds the content key)");
            return;
        }
        busy.set("Saving…");
        String serverUrl = serverUrl();
        tasks.create("Saving " + file.getFileName(), () -> {
                    k.exportCapacitorConfig(file, serverUrl);
                    return file;
                })
                .onSuccess(f -> info.set("Saved " + f + ". It holds the content key: it ships inside the app."))
                .onError(e -> message.set(Problems.message(e)))
                .andFinally(() -> busy.set(""))
                .run();
    }

    private void clearErrors() {
        passphraseError.set("");
        confirmError.set("");
        message.set("");
    }

    // ---- properties -----------------------------------------------------------------------------------------

    public ObservableList<App> apps() {
        return apps;
    }

    public ObjectProperty<App> appProperty() {
        return app;
    }

    public BooleanProperty hasKeysProperty() {
        return hasKeys;
    }

    public BooleanProperty unlockedProperty() {
        return unlocked;
    }

    public StringProperty rootKeyIdProperty() {
        return rootKeyId;
    }

    public StringProperty contentKeyIdProperty() {
        return contentKeyId;
    }

    public StringProperty releaseKeyIdProperty() {
        return releaseKeyId;
    }

    public StringProperty keyFolderProperty() {
        return keyFolder;
    }

    public ObservableList<CertRow> certs() {
        return certs;
    }

    public StringProperty exportTextProperty() {
        return exportText;
    }

    public StringProperty busyProperty() {
        return busy;
    }

    public BooleanBinding workingProperty() {
        return working;
    }

    public StringProperty passphraseErrorProperty() {
        return passphraseError;
    }

    public StringProperty confirmErrorProperty() {
        return confirmError;
    }

    public StringProperty messageProperty() {
        return message;
    }

    public StringProperty infoProperty() {
        return info;
    }

    /** Whether the connected server is trusted for this app, in words ("" when unknown). */
    public StringProperty serverTrustProperty() {
        return serverTrust;
    }

    public BooleanProperty serverTrustedProperty() {
        return serverTrusted;
    }

    /** The root key is in memory (keys created this session): Register trust also trusts the server. */
    public BooleanProperty rootUnlockedProperty() {
        return rootUnlocked;
    }

    public ConnectionManager connection() {
        return connection;
    }
}
