package dev.patchbay.console.bundles;

import dev.patchbay.client.PatchbayClient;
import dev.patchbay.client.ServerUnreachableException;
import dev.patchbay.console.common.TaskRunner;
import dev.patchbay.console.connection.ConnectionManager;
import dev.patchbay.console.connection.Session;
import dev.patchbay.console.data.Problems;
import dev.patchbay.console.keys.AppKeyStore;
import dev.patchbay.crypto.AppKeys;
import dev.patchbay.crypto.BundleOpener;
import dev.patchbay.crypto.CryptoException;
import dev.patchbay.crypto.DataKeys;
import dev.patchbay.crypto.Manifest;
import dev.patchbay.crypto.ManifestDiff;
import dev.patchbay.crypto.ReleaseVerifier;
import dev.patchbay.crypto.TrustRoot;
import dev.patchbay.crypto.VerifiedRelease;
import dev.patchbay.console.common.AppChoice;
import dev.patchbay.domain.App;
import dev.patchbay.domain.Bundle;
import dev.patchbay.domain.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;

/**
 * The Bundles page: the published bundles of one app (read straight from the server: the list is small and not
 * cached; offline the page says so and publishing is disabled; each names its Capgo artifact, if any), the publish
 * form ({@link PublishFormViewModel}), and the detail of a bundle: its manifest and a diff against another bundle.
 *
 * <p>The server holds only ciphertext; for the detail the console downloads a bundle's encrypted manifest blob
 * ({@code GET /apps/{appId}/blobs/{sha256}}, checked against the signed release) and decrypts it with the content key
 * after an unlock, whoever published the bundle.
 */
public final class BundlesViewModel {
    /** One file of a manifest. */
    public record ManifestRow(String path, long size, String sha256) {
    }

    private final ConnectionManager connection;
    private final TaskRunner tasks;
    private final ObservableList<App> apps;
    private final AppKeyStore keys;

    private final ObjectProperty<App> app = new SimpleObjectProperty<>(this, "app");
    private final ObservableList<Bundle> bundles = FXCollections.observableArrayList();
    private final ObjectProperty<Bundle> selected = new SimpleObjectProperty<>(this, "selected");
    private final ReadOnlyObjectWrapper<Instant> fetchedAt = new ReadOnlyObjectWrapper<>(this, "fetchedAt");
    private final StringProperty message = new SimpleStringProperty(this, "message", "");
    private final StringProperty info = new SimpleStringProperty(this, "info", "");

    private final PublishFormViewModel publishForm;

    // detail
    private final ObservableList<ManifestRow> manifest = FXCollections.observableArrayList();
    private final StringProperty manifestMessage = new SimpleStringProperty(this, "manifestMessage", "");
    private final StringProperty detailPassphraseError = new SimpleStringProperty(this, "detailPassphraseError", "");
    private final BooleanProperty needsUnlock = new SimpleBooleanProperty(this, "needsUnlock");
    private final BooleanProperty unlocking = new SimpleBooleanProperty(this, "unlocking");
    private final ObjectProperty<Bundle> compareTo = new SimpleObjectProperty<>(this, "compareTo");
    private final ObjectProperty<ManifestDiff> diff = new SimpleObjectProperty<>(this, "diff");
    private final StringProperty diffText = new SimpleStringProperty(this, "diffText", "");
    private final Map<String, Opened> opened = new ConcurrentHashMap<>();
    private long generation;
    private long detailGeneration;

    private record Opened(VerifiedRelease release, Manifest manifest) {
    }

    public BundlesViewModel(ConnectionManager connection, TaskRunner tasks, ObservableList<App> apps,
                            AppKeyStore keys, Path workFolder) {
        this.connection = connection;
        this.tasks = tasks;
        this.apps = apps;
        this.keys = keys;
        this.publishForm = new PublishFormViewModel(connection, tasks, app, bundles, keys, workFolder, (b, line, problem) -> {
            info.set(line);
            message.set(problem == null ? "" : problem);
            reloadSelecting(b.version());
        });
        apps.addListener((ListChangeListener<App>) c -> keepAppSelection());
        connection.sessionProperty().addListener((obs, old, now) -> reload());
        app.addListener((obs, old, now) -> {
            if (old == null || now == null || !old.id().equals(now.id())) {
                opened.clear();
                publishForm.closeForm();
                info.set("");
                reload();
            }
        });
        selected.addListener((obs, old, now) -> loadDetail());
        compareTo.addListener((obs, old, now) -> loadDetail());
        keepAppSelection();
    }

    private void keepAppSelection() {
        AppChoice.keep(apps, app);
    }

    // ---- list ---------------------------------------------------------------------------------------------------

    public void reload() {
        Session s = connection.session();
        App a = app.get();
        long gen = ++generation;
        if (s == null || a == null || s.client() == null) {
            bundles.clear();
            fetchedAt.set(null);
            return;
        }
        tasks.create("Loading bundles of " + a.id(), () -> s.client().listBundles(a.id()))
                .onSuccess(list -> {
                    if (gen == generation) {
                        show(list);
                        message.set("");
                        connection.markOnline();
                    }
                })
                .onError(e -> {
                    if (gen == generation) {
                        if (e instanceof ServerUnreachableException u) {
                            connection.markOffline(u);
                            message.set("Bundles are read from the server only (not cached); reconnect to see them.");
                        } else {
                            message.set(Problems.message(e));
                        }
                    }
                })
                .run();
    }

    private void show(List<Bundle> list) {
        String keep = selected.get() == null ? null : selected.get().version();
        String keepOther = compareTo.get() == null ? null : compareTo.get().version();
        bundles.setAll(list.stream().sorted(Comparator.comparingLong(Bundle::sequence).reversed()).toList());
        fetchedAt.set(Instant.now());
        selected.set(find(keep));
        compareTo.set(find(keepOther));
    }

    private Bundle find(String v) {
        return v == null ? null : bundles.stream().filter(b -> b.version().equals(v)).findFirst().orElse(null);
    }

    private void reloadSelecting(String v) {
        Session s = connection.session();
        App a = app.get();
        if (s == null || a == null || s.client() == null) {
            return;
        }
        long gen = ++generation;
        tasks.create("Loading bundles of " + a.id(), () -> s.client().listBundles(a.id()))
                .onSuccess(list -> {
                    if (gen == generation) {
                        show(list);
                        selected.set(find(v));
                    }
                })
                .onError(e -> message.set(Problems.message(e)))
                .run();
    }

    // ---- detail -------------------------------------------------------------------------------------------------

    /** Unlocks the app's keys for the detail pane (the manifest is encrypted with the content key). */
    public void unlockDetail(char[] passphrase) {
        App a = app.get();
        detailPassphraseError.set("");
        if (a == null || unlocking.get()) {
            Arrays.fill(passphrase, '\0');
            return;
        }
        unlocking.set(true);
        tasks.create("Unlocking keys of " + a.id(), () -> keys.unlock(a.id(), passphrase))
                .onSuccess(k -> loadDetail())
                .onError(e -> detailPassphraseError.set(AppKeyStore.wrongPassphrase(e)
                        ? "Wrong passphrase: it does not open the keys of this app" : Problems.message(e)))
                .andFinally(() -> unlocking.set(false))
                .run();
    }

    private void loadDetail() {
        Bundle b = selected.get();
        Bundle other = compareTo.get();
        App a = app.get();
        Session s = connection.session();
        long gen = ++detailGeneration;
        manifest.clear();
        diff.set(null);
        diffText.set("");
        manifestMessage.set("");
        if (b == null || a == null) {
            needsUnlock.set(false);
            return;
        }
        AppKeys k = keys.unlocked(a.id()).orElse(null);
        needsUnlock.set(k == null);
        if (k == null) {
            manifestMessage.set(keys.exists(a.id()) ? "Unlock the app's keys to read the manifest (it is encrypted)."
                    : "This console has no keys for " + a.id() + ", so it cannot read the manifest.");
            return;
        }
        if (s == null || s.client() == null) {
            return;
        }
        tasks.create("Reading the manifest of " + b.version(), () -> {
                    Opened mine = open(s.client(), k, a.id(), b.version());
                    Opened theirs = other == null || other.version().equals(b.version()) ? null
                            : open(s.client(), k, a.id(), other.version());
                    return new Opened[] {mine, theirs};
                })
                .onSuccess(pair -> {
                    if (gen != detailGeneration) {
                        return;
                    }
                    pair[0].manifest().files().forEach(f -> manifest.add(new ManifestRow(f.path(), f.size(), f.sha256())));
                    if (pair[1] != null) {
                        ManifestDiff d = ManifestDiff.between(pair[1].manifest(), pair[0].manifest(),
                                pair[0].release().manifest());
                        diff.set(d);
                        diffText.set(describe(d, other.version(), b.version()));
                    }
                })
                .onError(e -> {
                    if (gen == detailGeneration) {
                        if (e instanceof ServerUnreachableException u) {
                            connection.markOffline(u);
                        }
                        manifestMessage.set(e instanceof CryptoException ? e.getMessage() : Problems.message(e));
                    }
                })
                .run();
    }

    private Opened open(PatchbayClient client, AppKeys k, String appId, String v) throws IOException {
        Opened cached = opened.get(v);
        if (cached != null) {
            return cached;
        }
        Bundle full = client.getBundle(appId, v);
        byte[] envelope = Json.mapper().writeValueAsBytes(full.envelope());
        TrustRoot trust = k.trust();
        VerifiedRelease release = ReleaseVerifier.verify(envelope, trust);
        byte[] dataKey = DataKeys.unwrap(k.contentKey(), release.wrappedDataKey(), appId, v);
        try {
            // The encrypted manifest blob comes from the server (checked against the signed digest and length as it
            // streams), so bundles published by the CLI or another console read the same; only the decrypted
            // manifest is kept, in memory, per version while this app is shown.
            Opened o = new Opened(release, BundleOpener.readManifest(release,
                    ref -> client.fetchBlob(appId, ref), dataKey));
            opened.put(v, o);
            return o;
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    static String describe(ManifestDiff d, String from, String to) {
        return "From " + from + " to " + to + ": " + d.added().size() + " added, " + d.changed().size() + " changed, "
                + d.removed().size() + " removed. A device on " + from + " downloads " + Sizes.bytes(d.downloadBytes())
                + " of " + Sizes.bytes(d.fullBytes()) + ".";
    }

    // ---- properties ---------------------------------------------------------------------------------------------

    public ObservableList<App> apps() {
        return apps;
    }

    public ObjectProperty<App> appProperty() {
        return app;
    }

    public ObservableList<Bundle> bundles() {
        return bundles;
    }

    public ObjectProperty<Bundle> selectedProperty() {
        return selected;
    }

    public ReadOnlyObjectProperty<Instant> fetchedAtProperty() {
        return fetchedAt.getReadOnlyProperty();
    }

    public StringProperty messageProperty() {
        return message;
    }

    public StringProperty infoProperty() {
        return info;
    }

    /** The publish form (its own view model). */
    public PublishFormViewModel publishForm() {
        return publishForm;
    }

    public ObservableList<ManifestRow> manifest() {
        return manifest;
    }

    public StringProperty manifestMessageProperty() {
        return manifestMessage;
    }

    public StringProperty detailPassphraseErrorProperty() {
        return detailPassphraseError;
    }

    public BooleanProperty needsUnlockProperty() {
        return needsUnlock;
    }

    public BooleanProperty unlockingProperty() {
        return unlocking;
    }

    public ObjectProperty<Bundle> compareToProperty() {
        return compareTo;
    }

    public ObjectProperty<ManifestDiff> diffProperty() {
        return diff;
    }

    public StringProperty diffTextProperty() {
        return diffText;
    }

    public ConnectionManager connection() {
        return connection;
    }
}
