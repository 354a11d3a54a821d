package dev.patchbay.console.bundles;

import dev.patchbay.client.ConflictException;
import dev.patchbay.client.ServerPatchBases;
import dev.patchbay.client.ServerUnreachableException;
import dev.patchbay.client.ValidationFailedException;
import dev.patchbay.console.common.TaskRunner;
import dev.patchbay.console.connection.ConnectionManager;
import dev.patchbay.console.connection.Session;
import dev.patchbay.console.data.Problems;
import dev.patchbay.console.keys.AppKeyStore;
import dev.patchbay.crypto.CryptoException;
import dev.patchbay.domain.App;
import dev.patchbay.domain.Bundle;
import dev.patchbay.domain.Channel;
import dev.patchbay.domain.ValidationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    /**
     * K: binary patches of changed files from up to K earlier releases (0: none), the CLI's {@code --patches}. Starts
     * at the CLI's default and is kept from one publish to the next while the console runs (like nothing else in
     * this form, which is filled afresh each time).
     */
    private final ObjectProperty<Integer> patchReleases = new SimpleObjectProperty<>(this, "patchReleases",
            ServerPatchBases.DEFAULT_RELEASES);
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
    private final AtomicReference<PublishJob> running = new AtomicReference<>();
    /** The steps of the running (or last) publish, in the order they started: shown and tested. */
    private final ObservableList<String> phases = FXCollections.observableArrayList();
    /** The step shown now (FX thread). */
    private PublishJob.Phase current;

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
        // Binary patches from up to K earlier releases (ADR 0107): the form's K, the CLI's default when unset.
        Integer k = patchReleases.get();
        int releases = k == null ? ServerPatchBases.DEFAULT_RELEASES : Math.max(0, Math.min(MAX_PATCH_RELEASES, k));
        PublishJob.Request req = new PublishJob.Request(a.id(), src, v, ch, a.capgoCompat(), capgoManifest.get(),
                releases);
        publishing.set(true);
        phase.set(PublishJob.Phase.READING.label + " " + src.getFileName() + "…"); // from the first moment
        phases.setAll(PublishJob.Phase.READING.label);
        current = PublishJob.Phase.READING;
        progress.set(-1);
        bytesDone.set(0);
        bytesTotal.set(0);
        progressText.set("");
        PublishJob job = new PublishJob(keys, workFolder, new JobListener(System.nanoTime()));
        running.set(job);
        tasks.create("Publishing " + a.id() + " " + v, () -> job.run(s.requireClient(), req, passphrase))
                .onSuccess(o -> {
                    formOpen.set(false);
                    published.accept(o.bundle(), "Published " + o.bundle().version()
                            + (o.patches() == 0 ? "" : ", with " + o.patches() + " binary patch"
                            + (o.patches() == 1 ? "" : "es") + " from " + String.join(" and ", o.patchedFrom()))
                            + (ch == null ? "" : ", to channel " + ch) + "."
                            + (o.capgo() == null ? "" : " " + o.capgo()), o.capgoProblem());
                })
                .onError(e -> publishFailed(e, job.isCancelled()))
                .andFinally(() -> {
                    publishing.set(false);
                    running.set(null);
                    phase.set("");
                })
                .run();
    }

    /**
     * Shows the job's steps and progress on the FX thread. A step is posted as it starts; progress is coalesced (one
     * post pending at a time, showing the latest) and dropped when it belongs to a step already left; a step's last
     * value (done = total) is posted on its own, so the bar is seen full before the next step.
     */
    private final class JobListener implements PublishJob.Listener {
        private final long started;
        private final AtomicReference<Object[]> latest = new AtomicReference<>();
        private final AtomicBoolean pending = new AtomicBoolean();
        private volatile long uploadStarted;

        JobListener(long started) {
            this.started = started;
        }

        @Override
        public void phase(PublishJob.Phase p, String label) {
            if (p == PublishJob.Phase.UPLOADING) {
                uploadStarted = System.nanoTime();
            }
            post(() -> {
                PublishJob job = running.get();
                if (!publishing.get() || job != null && job.isCancelled()) {
                    return; // "Cancelling…" stays until the job stops
                }
                if (current != p) { // READING is shown from the click on, before the job says so
                    phases.add(p.label);
                    current = p;
                }
                phase.set(label);
                if (p.compareTo(PublishJob.Phase.UPLOADING) <= 0) { // after the upload the bar stays full
                    progress.set(-1);
                    progressText.set("");
                }
            });
        }

        @Override
        public void progress(PublishJob.Phase p, long done, long total) {
            long nanos = System.nanoTime() - (p == PublishJob.Phase.UPLOADING ? uploadStarted : started);
            if (done >= total) { // the end of a step's measure is always shown, before the next step's name
                post(() -> {
                    if (publishing.get() && current == p) {
                        showProgress(p, done, total, nanos);
                    }
                });
                return;
            }
            latest.set(new Object[] {p, done, total, nanos});
            if (pending.compareAndSet(false, true)) {
                post(() -> {
                    pending.set(false);
                    Object[] l = latest.get();
                    if (publishing.get() && current == l[0]) {
                        showProgress((PublishJob.Phase) l[0], (Long) l[1], (Long) l[2], (Long) l[3]);
                    }
                });
            }
        }
    }

    private void showProgress(PublishJob.Phase p, long done, long total, long nanos) {
        progress.set(total == 0 ? 1.0 : (double) done / total);
        if (p == PublishJob.Phase.PATCHING) {
            progressText.set(done + " of " + total + " files diffed against earlier releases");
            return;
        }
        if (p == PublishJob.Phase.SEALING) {
            progressText.set(Sizes.bytes(done) + " of " + Sizes.bytes(total));
            return;
        }
        bytesDone.set(done);
        bytesTotal.set(total);
        double seconds = nanos / 1e9;
        double speed = seconds > 0 ? done / seconds : 0;
        String eta = speed > 0 && done < total ? " · " + Math.max(1, Math.round((total - done) / speed)) + " s left" : "";
        progressText.set(total == 0 ? "Every blob is on the server already" : Sizes.bytes(done) + " of "
                + Sizes.bytes(total) + (speed > 0 ? " · " + Sizes.bytes((long) speed) + "/s" : "") + eta);
    }

    private void post(Runnable r) {
        tasks.post(r);
    }

    /** Stops the upload; the server session is aborted and the sealed files deleted. */
    public void cancelPublish() {
        if (!publishing.get()) {
            return;
        }
        PublishJob job = running.get();
        if (job != null) {
            job.cancel();
        }
        phase.set("Cancelling…");
    }

    private void publishFailed(Throwable e, boolean cancelled) {
        if (e instanceof CancellationException || cancelled && !(e instanceof ValidationException)) {
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
    /** The most earlier releases a publish patches from (the CLI's {@code --patches} limit). */
    public static final int MAX_PATCH_RELEASES = 10;

    /** K, how many earlier releases changed files are patched from (0: no patches); see {@link #MAX_PATCH_RELEASES}. */
    public ObjectProperty<Integer> patchReleasesProperty() {
        return patchReleases;
    }

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

    /** The steps the running (or last) publish has started, in order ("Reading", "Compressing and sealing", …). */
    public ObservableList<String> phases() {
        return phases;
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
