package dev.patchbay.console.bundles;

import dev.patchbay.client.BundlePublish;
import dev.patchbay.client.CapgoPublish;
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
import dev.patchbay.crypto.BundleSealer;
import dev.patchbay.crypto.CryptoException;
import dev.patchbay.crypto.SealedBundle;
import dev.patchbay.crypto.capgo.CapgoKeyPair;
import dev.patchbay.domain.App;
import dev.patchbay.domain.Bundle;
import dev.patchbay.domain.Channel;
import dev.patchbay.domain.ValidationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
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
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The publish form of the Bundles page: a folder or zip is sealed with the app's keys and uploaded with progress and
 * cancel; when the app has Capgo-compatible delivery on, the plugin-format artifact is built here too and uploaded
 * as the bundle's twin (docs/capgo-compat.md §5), encrypted when the app's key folder holds a Capgo key pair (opened
 * with the same passphrase).
 */
public final class PublishFormViewModel {
    static final Pattern SEMVER = Pattern.compile(
            "(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?");

    private final ConnectionManager connection;
    private final TaskRunner tasks;
    private final ObjectProperty<App> app;
    private final ObservableList<Bundle> bundles;
    private final AppKeyStore keys;
    private final Path workFolder;
    /** Told (on the FX thread) of a published bundle. */
    private final Published published;

    private final BooleanProperty formOpen = new SimpleBooleanProperty(this, "formOpen");
    private final ObjectProperty<Path> source = new SimpleObjectProperty<>(this, "source");
    private final StringProperty version = new SimpleStringProperty(this, "version", "");
    private final StringProperty channel = new SimpleStringProperty(this, "channel", "");
    private final ObservableList<String> channelChoices = FXCollections.observableArrayList();
    private final BooleanProperty capgoManifest = new SimpleBooleanProperty(this, "capgoManifest");
    private final StringProperty capgoNote = new SimpleStringProperty(this, "capgoNote", "");
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

    private record Outcome(Bundle bundle, String capgo, String capgoProblem) {
    }

    /** What the page shows once a bundle is published: a line, and a problem with its Capgo artifact (or null). */
    interface Published {
        void accept(Bundle bundle, String info, String problem);
    }

    PublishFormViewModel(ConnectionManager connection, TaskRunner tasks, ObjectProperty<App> app,
                         ObservableList<Bundle> bundles, AppKeyStore keys, Path workFolder,
                         Published published) {
        this.connection = connection;
        this.tasks = tasks;
        this.app = app;
        this.bundles = bundles;
        this.keys = keys;
        this.workFolder = workFolder;
        this.published = published;
        this.cannotPublish = connection.readOnlyProperty().or(publishing).or(app.isNull());
    }

    /** Opens the form for a folder or zip (from the chooser or a drop). */
    public void startPublish(Path folderOrZip) {
        App a = app.get();
        if (a == null || publishing.get()) {
            return;
        }
        clearFormErrors();
        source.set(folderOrZip);
        version.set(suggestVersion());
        channel.set("");
        capgoManifest.set(false);
        capgoNote.set(!a.capgoCompat() ? "" : keys.capgoExists(a.id())
                ? "Capgo-compatible delivery is on: the plugin's artifact is built too, encrypted with the app's"
                + " Capgo key pair."
                : "Capgo-compatible delivery is on: the plugin's artifact is built too, UNENCRYPTED (no Capgo key"
                + " pair: create or import one on the Keys page).");
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

    /** Seals and uploads (and, for a compat app, builds and uploads the Capgo artifact); the passphrase is wiped. */
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
        } else if (bundles.stream().anyMatch(b -> b.version().equals(v))) {
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
        boolean capgo = a.capgoCompat();
        boolean manifest = capgoManifest.get();
        cancelRequested.set(false);
        publishing.set(true);
        phase.set("Unlocking…");
        progress.set(-1);
        bytesDone.set(0);
        bytesTotal.set(0);
        progressText.set("");
        tasks.create("Publishing " + a.id() + " " + v,
                        () -> doPublish(s.requireClient(), a.id(), src, v, ch, capgo, manifest, passphrase))
                .onSuccess(o -> {
                    formOpen.set(false);
                    published.accept(o.bundle(), "Published " + o.bundle().version()
                            + (ch == null ? "" : " to channel " + ch) + "." + (o.capgo() == null ? "" : " " + o.capgo()),
                            o.capgoProblem());
                })
                .onError(this::publishFailed)
                .andFinally(() -> {
                    publishing.set(false);
                    running.set(null);
                    phase.set("");
                })
                .run();
    }

    private Outcome doPublish(PatchbayClient client, String appId, Path src, String v, String ch, boolean capgo,
                              boolean manifest, char[] passphrase) throws IOException {
        AppKeys k;
        CapgoKeyPair capgoKeys = null;
        try (BundleInput input = BundleInput.open(src)) {
            if (capgo && keys.capgoExists(appId)) {
                // The same passphrase opens both (AppKeyStore.storeCapgo checks that when the pair is stored).
                capgoKeys = keys.capgoUnlocked(appId).orElse(null);
                if (capgoKeys == null) {
                    capgoKeys = keys.unlockCapgo(appId, passphrase.clone());
                }
            }
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
                Bundle bundle = upload.run();
                String capgoLine = null;
                String capgoProblem = null;
                if (capgo) {
                    post(() -> phase.set("Building the Capgo artifact…"));
                    try {
                        Path capgoWork = Files.createDirectory(tmp.resolve("capgo"));
                        CapgoPublish.Result r = CapgoPublish.buildAndUpload(client, appId, v, input, capgoKeys,
                                manifest, capgoWork);
                        capgoLine = "Capgo artifact: zip " + Sizes.bytes(r.built().zip().length())
                                + (r.encrypted() ? ", encrypted for key " + r.built().keyId() : ", unencrypted")
                                + (r.built().manifest().isEmpty() ? "" : ", " + r.built().manifest().size()
                                + " manifest files") + ".";
                    } catch (RuntimeException | IOException e) {
                        // The bundle is published already: say so, and what is missing for the plugin.
                        if (e instanceof ServerUnreachableException u) {
                            throw u;
                        }
                        capgoProblem = v + " is published, but without its Capgo artifact (devices of the reference"
                                + " plugin get no_capgo_artifact): " + (e instanceof CryptoException
                                ? e.getMessage() : Problems.message(e));
                    }
                }
                if (ch != null) {
                    post(() -> phase.set("Pointing " + ch + " at " + v + "…"));
                    client.setChannelBundle(appId, ch, v);
                }
                return new Outcome(capgo ? client.listBundles(appId).stream().filter(b -> b.version().equals(v))
                        .findFirst().orElse(bundle) : bundle, capgoLine, capgoProblem);
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

    // ---- properties ---------------------------------------------------------------------------------------------

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

    /** With Capgo-compatible delivery: also per-file manifest entries ({@code --capgo-manifest}). */
    public BooleanProperty capgoManifestProperty() {
        return capgoManifest;
    }

    /** What the form will build for the plugin (empty when the app's Capgo mode is off). */
    public StringProperty capgoNoteProperty() {
        return capgoNote;
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
}
