package dev.patchbay.console.bundles;

import dev.patchbay.client.BundlePublish;
import dev.patchbay.client.ConflictException;
import dev.patchbay.client.PatchbayClient;
import dev.patchbay.client.ServerUnreachableException;
import dev.patchbay.client.ValidationFailedException;
import dev.patchbay.console.common.TaskRunner;
import dev.patchbay.console.connection.ConnectionManager;
import dev.patchbay.console.connection.Session;
import dev.patchbay.console.data.Problems;
import dev.patchbay.console.keys.AppKeyStore;
import dev.patchbay.crypto.AppKeys;
import dev.patchbay.crypto.BlobRef;
import dev.patchbay.crypto.BundleInput;
import dev.patchbay.crypto.BundleOpener;
import dev.patchbay.crypto.BundleSealer;
import dev.patchbay.crypto.CryptoException;
import dev.patchbay.crypto.DataKeys;
import dev.patchbay.crypto.Manifest;
import dev.patchbay.crypto.ManifestDiff;
import dev.patchbay.crypto.ReleaseVerifier;
import dev.patchbay.crypto.SealedBundle;
import dev.patchbay.crypto.TrustRoot;
import dev.patchbay.crypto.VerifiedRelease;
import dev.patchbay.console.common.AppChoice;
import dev.patchbay.domain.App;
import dev.patchbay.domain.Bundle;
import dev.patchbay.domain.Channel;
import dev.patchbay.domain.Json;
import dev.patchbay.domain.ValidationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;

/**
 * The Bundles page: the published bundles of one app (read straight from the server: the list is small and not
 * cached; offline the page says so and publishing is disabled), publishing a folder or zip (seal, upload with
 * progress and cancel), and the detail of a bundle: its manifest and a diff against another bundle.
 *
 * <p>The server holds only ciphertext; for the detail the console downloads a bundle's encrypted manifest blob
 * ({@code GET /apps/{appId}/blobs/{sha256}}, checked against the signed release) and decrypts it with the content key
 * after an unlock, whoever published the bundle.
 */
public final class BundlesViewModel {
    /** One file of a manifest. */
    public record ManifestRow(String path, long size, String sha256) {
    }

    private static final Pattern SEMVER = Pattern.compile(
            "(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?");

    private final ConnectionManager connection;
    private final TaskRunner tasks;
    private final ObservableList<App> apps;
    private final AppKeyStore keys;
    private final Path workFolder;

    private final ObjectProperty<App> app = new SimpleObjectProperty<>(this, "app");
    private final ObservableList<Bundle> bundles = FXCollections.observableArrayList();
    private final ObjectProperty<Bundle> selected = new SimpleObjectProperty<>(this, "selected");
    private final ReadOnlyObjectWrapper<Instant> fetchedAt = new ReadOnlyObjectWrapper<>(this, "fetchedAt");
    private final StringProperty message = new SimpleStringProperty(this, "message", "");
    private final StringProperty info = new SimpleStringProperty(this, "info", "");

    // publish form
    private final BooleanProperty formOpen = new SimpleBooleanProperty(this, "formOpen");
    private final ObjectProperty<Path> source = new SimpleObjectProperty<>(this, "source");
    private final StringProperty version = new SimpleStringProperty(this, "version", "");
    private final StringProperty channel = new SimpleStringProperty(this, "channel", "");
    private final ObservableList<String> channelChoices = FXCollections.observableArrayList();
    private final StringProperty sourceError = new SimpleStringProperty(this, "sourceError", "");
    private final StringProperty versionError = new SimpleStringProperty(this, "versionError", "");
    private final StringProperty passphraseError = new SimpleStringProperty(this, "passphraseError", "");
    private final StringProperty formError = new SimpleStringProperty(this, "formError", "");
    private final BooleanProperty publishing = new SimpleBooleanProperty(this, "publishing");
    private final StringProperty phase = new SimpleStringProperty(this, "phase", "");
    private final LongProperty bytesDone = new SimpleLongProperty(this, "bytesDone");
    private final LongProperty bytesTotal = new SimpleLongProperty(this, "bytesTotal");
    private final DoubleProperty progress = new SimpleDoubleProperty(this, "progress", -1);
    private final StringProperty progressText = new SimpleStringProperty(this, "progressText", "");
    private final BooleanBinding cannotPublish;
    private final AtomicBoolean cancelRequested = new AtomicBoolean();
    private final AtomicReference<BundlePublish> running = new AtomicReference<>();

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
        this.workFolder = workFolder;
        this.cannotPublish = connection.readOnlyProperty().or(publishing).or(app.isNull());
        apps.addListener((ListChangeListener<App>) c -> keepAppSelection());
        connection.sessionProperty().addListener((obs, old, now) -> reload());
        app.addListener((obs, old, now) -> {
            if (old == null || now == null || !old.id().equals(now.id())) {
                opened.clear();
                closeForm();
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

    // ---- publish ------------------------------------------------------------------------------------------------

    /** Opens the publish form for a folder or zip (from the chooser or a drop). */
    public void startPublish(Path folderOrZip) {
        if (app.get() == null || publishing.get()) {
            return;
        }
        clearFormErrors();
        info.set("");
        source.set(folderOrZip);
        version.set(suggestVersion());
        channel.set("");
        formOpen.set(true);
        progress.set(-1);
        progressText.set("");
        phase.set("");
        loadChannels();
    }

    private void loadChannels() {
        Session s = connection.session();
        App a = app.get();
        channelChoices.setAll("");
        if (s == null || s.client() == null || a == null) {
            return;
        }
        tasks.create("Loading channels of " + a.id(), () -> s.client().listChannels(a.id()))
                .onSuccess(list -> {
                    channelChoices.setAll("");
                    list.stream().map(Channel::name).sorted().forEach(channelChoices::add);
                })
                .onError(e -> { })
                .run();
    }

    /** The next patch version after the newest bundle (rollback releases aside: they re-sign older content), or 1.0.0. */
    public String suggestVersion() {
        Bundle newest = bundles.stream().filter(b -> b.rollbackOf() == null).findFirst().orElse(null);
        if (newest == null) {
            return "1.0.0";
        }
        Matcher m = SEMVER.matcher(newest.version());
        if (!m.matches()) {
            return "";
        }
        return m.group(1) + "." + m.group(2) + "." + (Long.parseLong(m.group(3)) + (m.group(4) == null ? 1 : 0));
    }

    public void closeForm() {
        if (publishing.get()) {
            return;
        }
        formOpen.set(false);
        clearFormErrors();
    }

    /** Seals and uploads; the passphrase array is wiped. */
    public void publish(char[] passphrase) {
        Session s = connection.session();
        App a = app.get();
        Path src = source.get();
        clearFormErrors();
        if (s == null || a == null || !formOpen.get() || publishing.get()) {
            Arrays.fill(passphrase, '\0');
            return;
        }
        if (connection.readOnlyProperty().get()) {
            Arrays.fill(passphrase, '\0');
            formError.set(connection.readOnlyReasonProperty().get());
            return;
        }
        String v = version.get() == null ? "" : version.get().trim();
        boolean ok = true;
        if (src == null) {
            sourceError.set("Choose a folder or a zip file (or drop one onto the page)");
            ok = false;
        } else if (!Files.exists(src)) {
            sourceError.set(src + " does not exist");
            ok = false;
        }
        if (!SEMVER.matcher(v).matches()) {
            versionError.set("Use a semantic version such as 1.4.0");
            ok = false;
        } else if (find(v) != null) {
            versionError.set("Version " + v + " is already published");
            ok = false;
        }
        if (passphrase.length == 0) {
            passphraseError.set("Enter the passphrase of the app's keys");
            ok = false;
        } else if (!keys.exists(a.id())) {
            passphraseError.set("This app has no keys yet: create them on the Keys page");
            ok = false;
        }
        if (!ok) {
            Arrays.fill(passphrase, '\0');
            return;
        }
        String ch = channel.get() == null || channel.get().isBlank() ? null : channel.get();
        cancelRequested.set(false);
        publishing.set(true);
        phase.set("Unlocking…");
        progress.set(-1);
        bytesDone.set(0);
        bytesTotal.set(0);
        progressText.set("");
        tasks.create("Publishing " + a.id() + " " + v, () -> doPublish(s.requireClient(), a.id(), src, v, ch, passphrase))
                .onSuccess(b -> {
                    formOpen.set(false);
                    info.set("Published " + b.version() + (ch == null ? "" : " to channel " + ch) + ".");
                    reloadSelecting(b.version());
                })
                .onError(this::publishFailed)
                .andFinally(() -> {
                    publishing.set(false);
                    running.set(null);
                    phase.set("");
                })
                .run();
    }

    private Bundle doPublish(PatchbayClient client, String appId, Path src, String v, String ch, char[] passphrase)
            throws IOException {
        AppKeys k;
        try (BundleInput input = BundleInput.open(src)) {
            k = keys.unlock(appId, passphrase);
            post(() -> phase.set("Sealing…"));
            client.registerTrust(appId, k.exportTrust());
            long sequence = 1 + client.listBundles(appId).stream().mapToLong(Bundle::sequence).max().orElse(0);
            Files.createDirectories(workFolder);
            Path tmp = Files.createTempDirectory(workFolder, "publish-");
            try {
                SealedBundle sealed = BundleSealer.seal(input, BundleSealer.Request.of(k, v, sequence, null, null), tmp);
                Map<String, BlobRef> all = new LinkedHashMap<>();
                all.put(sealed.manifestBlob().sha256(), sealed.manifestBlob());
                sealed.blobs().forEach(b -> all.put(b.sha256(), b));
                post(() -> phase.set("Uploading…"));
                long started = System.nanoTime();
                BundlePublish upload = client.newPublish(appId, v, sealed.envelope(), tmp, List.copyOf(all.values()),
                        progressListener(started));
                running.set(upload);
                if (cancelRequested.get()) {
                    upload.cancel();
                }
                Bundle published = upload.run();
                if (ch != null) {
                    post(() -> phase.set("Pointing " + ch + " at " + v + "…"));
                    client.setChannelBundle(appId, ch, v);
                }
                return published;
            } finally {
                deleteTree(tmp);
            }
        } finally {
            Arrays.fill(passphrase, '\0');
        }
    }

    private dev.patchbay.client.ProgressListener progressListener(long started) {
        AtomicReference<long[]> latest = new AtomicReference<>();
        AtomicBoolean pending = new AtomicBoolean();
        return (done, total) -> {
            latest.set(new long[] {done, total, System.nanoTime() - started});
            if (pending.compareAndSet(false, true)) {
                post(() -> {
                    pending.set(false);
                    long[] p = latest.get();
                    showProgress(p[0], p[1], p[2]);
                });
            }
        };
    }

    private void showProgress(long done, long total, long nanos) {
        bytesDone.set(done);
        bytesTotal.set(total);
        progress.set(total == 0 ? 1.0 : (double) done / total);
        double seconds = nanos / 1e9;
        double speed = seconds > 0 ? done / seconds : 0;
        String eta = speed > 0 && done < total ? " · " + Math.max(1, Math.round((total - done) / speed)) + " s left" : "";
        progressText.set(Sizes.bytes(done) + " of " + Sizes.bytes(total)
                + (speed > 0 ? " · " + Sizes.bytes((long) speed) + "/s" : "") + eta);
    }

    private void post(Runnable r) {
        tasks.post(r);
    }

    /** Stops the upload; the server session is aborted and the sealed files deleted. */
    public void cancelPublish() {
        if (!publishing.get()) {
            return;
        }
        cancelRequested.set(true);
        BundlePublish p = running.get();
        if (p != null) {
            p.cancel();
        }
        phase.set("Cancelling…");
    }

    private void publishFailed(Throwable e) {
        if (e instanceof CancellationException || cancelRequested.get() && !(e instanceof ValidationException)) {
            formError.set("Publishing cancelled: nothing was published.");
            progress.set(-1);
            progressText.set("");
        } else if (AppKeyStore.wrongPassphrase(e)) {
            passphraseError.set("Wrong passphrase: it does not open the keys of this app");
        } else if (e instanceof ValidationException v) {
            // BundleInput names the offending entry (or "bundle", or index.html) in the message.
            sourceError.set(v.getMessage());
        } else if (e instanceof ConflictException c && c.getMessage().contains("version")) {
            versionError.set(c.getMessage());
        } else if (e instanceof ValidationFailedException v && "version".equals(v.field())) {
            versionError.set(v.getMessage());
        } else {
            if (e instanceof ServerUnreachableException u) {
                connection.markOffline(u);
            }
            formError.set(e instanceof CryptoException ? e.getMessage() : Problems.message(e));
        }
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

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: only ciphertext is left
                }
            });
        } catch (IOException ignored) {
            // gone already
        }
    }

    private void clearFormErrors() {
        sourceError.set("");
        versionError.set("");
        passphraseError.set("");
        formError.set("");
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

    public BooleanProperty formOpenProperty() {
        return formOpen;
    }

    public ObjectProperty<Path> sourceProperty() {
        return source;
    }

    public StringProperty versionProperty() {
        return version;
    }

    public StringProperty channelProperty() {
        return channel;
    }

    public ObservableList<String> channelChoices() {
        return channelChoices;
    }

    public StringProperty sourceErrorProperty() {
        return sourceError;
    }

    public StringProperty versionErrorProperty() {
        return versionError;
    }

    public StringProperty passphraseErrorProperty() {
        return passphraseError;
    }

    public StringProperty formErrorProperty() {
        return formError;
    }

    public BooleanProperty publishingProperty() {
        return publishing;
    }

    public StringProperty phaseProperty() {
        return phase;
    }

    public LongProperty bytesDoneProperty() {
        return bytesDone;
    }

    public LongProperty bytesTotalProperty() {
        return bytesTotal;
    }

    public DoubleProperty progressProperty() {
        return progress;
    }

    public StringProperty progressTextProperty() {
        return progressText;
    }

    public BooleanBinding cannotPublishProperty() {
        return cannotPublish;
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
