package dev.patchbay.console.bundles;

import dev.patchbay.client.BundleRetentionClient;
import dev.patchbay.client.BundleRetentionClient.Retention;
import dev.patchbay.client.ServerUnreachableException;
import dev.patchbay.console.common.TaskRunner;
import dev.patchbay.console.connection.ConnectionManager;
import dev.patchbay.console.connection.Session;
import dev.patchbay.console.data.Problems;
import dev.patchbay.domain.App;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * The Bundles page's retention rule of the chosen app, "delete old unused bundles, keeping the last N" (ADR 0104):
 * read from the server when the app changes, saved in the background; saving applies it at once, and the page shows
 * what it deleted. Kept apart from {@link BundlesViewModel}, which is long enough.
 */
public final class BundleRetentionViewModel {
    private static final int DEFAULT_KEEP = 5;

    private final BundlesViewModel bundles;
    private final ConnectionManager connection;
    private final TaskRunner tasks;

    private final BooleanProperty enabled = new SimpleBooleanProperty(this, "enabled");
    private final StringProperty keep = new SimpleStringProperty(this, "keep", Integer.toString(DEFAULT_KEEP));
    private final StringProperty status = new SimpleStringProperty(this, "status", "");
    private final StringProperty error = new SimpleStringProperty(this, "error", "");
    private final BooleanProperty loaded = new SimpleBooleanProperty(this, "loaded");
    private final BooleanProperty busy = new SimpleBooleanProperty(this, "busy");
    private long generation;

    public BundleRetentionViewModel(BundlesViewModel bundles, ConnectionManager connection, TaskRunner tasks) {
        this.bundles = bundles;
        this.connection = connection;
        this.tasks = tasks;
        bundles.appProperty().addListener((obs, old, now) -> {
            if (old == null || now == null || !old.id().equals(now.id())) {
                load();
            }
        });
        connection.sessionProperty().addListener((obs, old, now) -> load());
        load();
    }

    /** Reads the chosen app's rule from the server. */
    public void load() {
        long gen = ++generation;
        loaded.set(false);
        error.set("");
        Session s = connection.session();
        App a = bundles.appProperty().get();
        if (s == null || a == null || s.client() == null) {
            status.set("");
            return;
        }
        tasks.create("Reading the bundle retention of " + a.id(), () -> new BundleRetentionClient(s.client()).get(a.id()))
                .onSuccess(r -> {
                    if (gen == generation) {
                        show(r);
                        loaded.set(true);
                    }
                })
                .onError(e -> {
                    if (gen == generation) {
                        status.set("");
                        error.set(e instanceof ServerUnreachableException ? "" : Problems.message(e));
                    }
                })
                .run();
    }

    /** Saves the rule as the controls show it; the server applies it at once. */
    public void save() {
        Session s = connection.session();
        App a = bundles.appProperty().get();
        if (cannotSave().get() || s == null || a == null) {
            return;
        }
        Integer n = null;
        if (enabled.get()) {
            try {
                n = Integer.parseInt(keep.get().strip());
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 1 || n > 10_000) {
                error.set("Keep a whole number of unused bundles between 1 and 10000");
                return;
            }
        }
        Integer wanted = n;
        error.set("");
        busy.set(true);
        long gen = ++generation;
        tasks.create("Saving the bundle retention of " + a.id(),
                        () -> new BundleRetentionClient(s.requireClient()).set(a.id(), wanted))
                .onSuccess(r -> {
                    if (gen != generation) {
                        return;
                    }
                    show(r);
                    if (!r.deleted().isEmpty()) {
                        status.set(status.get() + " Deleted " + String.join(", ", r.deleted()) + " (" + r.freedBlobs()
                                + " blob" + (r.freedBlobs() == 1 ? "" : "s") + " freed).");
                        bundles.reload();
                    }
                })
                .onError(e -> {
                    if (e instanceof ServerUnreachableException u) {
                        connection.markOffline(u);
                    }
                    error.set(Problems.message(e));
                })
                .andFinally(() -> busy.set(false))
                .run();
    }

    private void show(Retention r) {
        enabled.set(r.keepUnusedBundles() != null);
        if (r.keepUnusedBundles() != null) {
            keep.set(Integer.toString(r.keepUnusedBundles()));
        }
        status.set(r.keepUnusedBundles() == null ? "Every bundle is kept."
                : "Unused bundles beyond the newest " + r.keepUnusedBundles() + " are deleted after each publish.");
    }

    /** Saving needs the rule read first, a connection that is not read-only, and no save under way. */
    public BooleanBinding cannotSave() {
        return Bindings.createBooleanBinding(() -> !loaded.get() || busy.get() || connection.readOnlyProperty().get(),
                loaded, busy, connection.readOnlyProperty());
    }

    public BooleanProperty enabledProperty() {
        return enabled;
    }

    public StringProperty keepProperty() {
        return keep;
    }

    public StringProperty statusProperty() {
        return status;
    }

    public StringProperty errorProperty() {
        return error;
    }
}
