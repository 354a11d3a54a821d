package dev.patchbay.console.devices;

import dev.patchbay.cache.DeviceCache;
import dev.patchbay.cache.DeviceColumn;
import dev.patchbay.cache.DeviceQuery;
import dev.patchbay.cache.DeviceResult;
import dev.patchbay.cache.DeviceRow;
import dev.patchbay.cache.DeviceSyncState;
import dev.patchbay.client.ServerUnreachableException;
import dev.patchbay.console.common.AppChoice;
import dev.patchbay.console.common.TaskRunner;
import dev.patchbay.console.connection.ConnectionManager;
import dev.patchbay.console.connection.Session;
import dev.patchbay.console.data.Problems;
import dev.patchbay.domain.App;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;

/**
 * The Devices page: the selected app's devices as the local cache holds them, kept current by an incremental sync
 * ({@link DeviceSync}), searched, filtered and sorted in SQL one page of {@link #PAGE_SIZE} rows at a time. Queries
 * and syncs run as background tasks; only the newest query's result is shown (a query asked while one runs waits and
 * the stale one's result is dropped). The selected device is shown by {@link #detail()}.
 */
public final class DevicesViewModel {
    public static final int PAGE_SIZE = 200;
    /** How often the page syncs by itself while it is shown. */
    public static final Duration SYNC_INTERVAL = Duration.ofSeconds(30);
    /** Last check outcomes (device-protocol §4): the State filter. */
    public static final List<String> STATES = List.of("up_to_date", "update", "builtin", "blocked", "failed",
            DeviceSync.ROLLED_BACK);
    public static final List<String> PLATFORMS = List.of("android", "ios");

    /** The "last seen" filter. */
    public enum SeenWithin {
        ANY("Any time", null), HOUR("Last hour", Duration.ofHours(1)), DAY("Last 24 hours", Duration.ofDays(1)),
        WEEK("Last 7 days", Duration.ofDays(7)), MONTH("Last 30 days", Duration.ofDays(30));

        public final String label;
        final Duration window;

        SeenWithin(String label, Duration window) {
            this.label = label;
            this.window = window;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    private final ConnectionManager connection;
    private final TaskRunner tasks;
    private final ObservableList<App> apps;
    private final DeviceCache cache;
    private final Clock clock;
    private final DeviceDetailViewModel detail;

    private final ObjectProperty<App> app = new SimpleObjectProperty<>(this, "app");
    private final StringProperty search = new SimpleStringProperty(this, "search", "");
    private final StringProperty channel = new SimpleStringProperty(this, "channel");
    private final StringProperty bundle = new SimpleStringProperty(this, "bundle");
    private final StringProperty state = new SimpleStringProperty(this, "state");
    private final StringProperty platform = new SimpleStringProperty(this, "platform");
    private final StringProperty nativeVersion = new SimpleStringProperty(this, "nativeVersion");
    private final ObjectProperty<SeenWithin> seenWithin = new SimpleObjectProperty<>(this, "seenWithin", SeenWithin.ANY);
    private final ObjectProperty<DevicePick> pick = new SimpleObjectProperty<>(this, "pick");
    private final ReadOnlyObjectWrapper<DeviceColumn> sort =
            new ReadOnlyObjectWrapper<>(this, "sort", DeviceColumn.LAST_SEEN);
    private final ReadOnlyBooleanWrapper descending = new ReadOnlyBooleanWrapper(this, "descending", true);
    private final ObservableList<DeviceRow> rows = FXCollections.observableArrayList();
    private final ObjectProperty<DeviceRow> selected = new SimpleObjectProperty<>(this, "selected");
    private final ObservableList<String> channelChoices = FXCollections.observableArrayList();
    private final ObservableList<String> bundleChoices = FXCollections.observableArrayList();
    private final ObservableList<String> nativeChoices = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper countText = new ReadOnlyStringWrapper(this, "countText", "");
    private final ReadOnlyBooleanWrapper hasPrevious = new ReadOnlyBooleanWrapper(this, "hasPrevious");
    private final ReadOnlyBooleanWrapper hasNext = new ReadOnlyBooleanWrapper(this, "hasNext");
    private final ReadOnlyBooleanWrapper querying = new ReadOnlyBooleanWrapper(this, "querying");
    private final ReadOnlyBooleanWrapper syncing = new ReadOnlyBooleanWrapper(this, "syncing");
    private final ReadOnlyDoubleWrapper syncProgress = new ReadOnlyDoubleWrapper(this, "syncProgress", 0);
    private final ReadOnlyStringWrapper syncStatus = new ReadOnlyStringWrapper(this, "syncStatus", "");
    private final ReadOnlyObjectWrapper<DeviceSyncState> syncState = new ReadOnlyObjectWrapper<>(this, "syncState");
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");
    private final ReadOnlyObjectWrapper<DeviceResult> result = new ReadOnlyObjectWrapper<>(this, "result");

    private int offset;
    private long queryGeneration;
    private boolean queryRunning;
    private boolean queryPending;
    private long scopeGeneration;
    private AtomicBoolean syncCancel;
    private long syncReceived;
    private Instant lastSyncAttempt;

    /**
     * @param apps  the connection's apps, as the Apps page holds them
     * @param cache the console's device cache
     */
    public DevicesViewModel(ConnectionManager connection, TaskRunner tasks, ObservableList<App> apps, DeviceCache cache,
                            Clock clock, DeviceDetailViewModel detail) {
        this.connection = connection;
        this.tasks = tasks;
        this.apps = apps;
        this.cache = cache;
        this.clock = clock;
        this.detail = detail;
        apps.addListener((ListChangeListener<App>) c -> AppChoice.keep(apps, app));
        connection.sessionProperty().addListener((obs, old, now) -> scopeChanged());
        app.addListener((obs, old, now) -> {
            if (old == null || now == null || !old.id().equals(now.id())) {
                scopeChanged();
            }
        });
        search.addListener((obs, old, now) -> firstPage());
        for (StringProperty p : List.of(channel, bundle, state, platform, nativeVersion)) {
            p.addListener((obs, old, now) -> firstPage());
        }
        seenWithin.addListener((obs, old, now) -> firstPage());
        pick.addListener((obs, old, now) -> firstPage());
        selected.addListener((obs, old, now) -> {
            App a = app.get();
            if (now == null || a == null) {
                detail.show(null, null);
            } else if (old == null || !old.deviceId().equals(now.deviceId())) {
                detail.show(a.id(), now.deviceId());
            }
        });
        AppChoice.keep(apps, app);
    }

    // ---- scope (connection, app) ------------------------------------------------------------------------------

    private void scopeChanged() {
        scopeGeneration++;
        cancelSync();
        rows.clear();
        selected.set(null);
        syncState.set(null);
        channelChoices.clear();
        bundleChoices.clear();
        nativeChoices.clear();
        message.set("");
        lastSyncAttempt = null;
        offset = 0;
        updateSyncStatus();
        if (connection.session() != null && app.get() != null) {
            loadState();
            query();
            syncNow();
        } else {
            countText.set("");
        }
    }

    private void loadState() {
        Session s = connection.session();
        App a = app.get();
        long gen = scopeGeneration;
        tasks.create("Reading cached devices of " + a.id(), () -> new Object[] {cache.state(s.connectionId(), a.id()),
                        cache.values(s.connectionId(), a.id(), DeviceColumn.CHANNEL, 500),
                        cache.values(s.connectionId(), a.id(), DeviceColumn.BUNDLE, 500),
                        cache.values(s.connectionId(), a.id(), DeviceColumn.NATIVE_VERSION, 500)})
                .onSuccess(v -> {
                    if (gen == scopeGeneration) {
                        syncState.set((DeviceSyncState) v[0]);
                        setChoices(channelChoices, v[1]);
                        setChoices(bundleChoices, v[2]);
                        setChoices(nativeChoices, v[3]);
                        updateSyncStatus();
                    }
                })
                .onError(e -> message.set(Problems.message(e)))
                .run();
    }

    @SuppressWarnings("unchecked")
    private static void setChoices(ObservableList<String> list, Object values) {
        List<String> v = (List<String>) values;
        if (!list.equals(v)) {
            list.setAll(v);
        }
    }

    // ---- queries ----------------------------------------------------------------------------------------------

    /** The query the page shows now. */
    public DeviceQuery currentQuery() {
        SeenWithin w = seenWithin.get();
        Instant since = w == null || w.window == null ? null : clock.instant().minus(w.window);
        return new DeviceQuery(search.get(), channel.get(), bundle.get(), state.get(), platform.get(),
                nativeVersion.get(), since, sort.get(), descending.get(), offset, PAGE_SIZE,
                pick.get() == null ? null : pick.get().deviceIds());
    }

    private void firstPage() {
        offset = 0;
        query();
    }

    /** Runs the current query in the background; a query asked meanwhile replaces it (newest wins). */
    public void query() {
        queryGeneration++;
        if (queryRunning) {
            queryPending = true;
            return;
        }
        Session s = connection.session();
        App a = app.get();
        if (s == null || a == null) {
            rows.clear();
            countText.set("");
            return;
        }
        long gen = queryGeneration;
        DeviceQuery q = currentQuery();
        queryRunning = true;
        querying.set(true);
        tasks.create("Querying cached devices", () -> cache.query(s.connectionId(), a.id(), q))
                .onSuccess(r -> {
                    if (gen == queryGeneration) {
                        show(r);
                    }
                })
                .onError(e -> {
                    if (gen == queryGeneration) {
                        message.set(Problems.message(e));
                    }
                })
                .andFinally(() -> {
                    queryRunning = false;
                    querying.set(false);
                    if (queryPending) {
                        queryPending = false;
                        query();
                    }
                })
                .run();
    }

    private void show(DeviceResult r) {
        String keep = selected.get() == null ? null : selected.get().deviceId();
        rows.setAll(r.rows());
        result.set(r);
        DeviceRow again = keep == null ? null
                : r.rows().stream().filter(x -> x.deviceId().equals(keep)).findFirst().orElse(null);
        if (again != null) {
            // Same device, fresher data: keep the detail as it is.
            selected.set(again);
        }
        int from = r.query().offset();
        hasPrevious.set(from > 0);
        hasNext.set(from + r.rows().size() < r.total() || r.capped());
        if (r.rows().isEmpty()) {
            countText.set(r.total() == 0 ? "No devices" : "");
        } else {
            countText.set(String.format(Locale.ROOT, "%,d–%,d of %,d%s", from + 1, from + r.rows().size(), r.total(),
                    r.capped() ? "+" : ""));
        }
    }

    public void nextPage() {
        if (hasNext.get()) {
            offset += PAGE_SIZE;
            query();
        }
    }

    public void previousPage() {
        if (offset > 0) {
            offset = Math.max(0, offset - PAGE_SIZE);
            query();
        }
    }

    /** A click on a column header: sort by it, or flip the direction when it is the sort column already. */
    public void sortBy(DeviceColumn column) {
        if (sort.get() == column) {
            descending.set(!descending.get());
        } else {
            sort.set(column);
            descending.set(column == DeviceColumn.LAST_SEEN);
        }
        firstPage();
    }

    /** Sets sort column and direction at once. */
    public void sort(DeviceColumn column, boolean desc) {
        sort.set(column);
        descending.set(desc);
        firstPage();
    }

    /** Shows the devices of {@code appId} in {@code state} (the Overview's failure count), other filters cleared. */
    public void open(String appId, String stateName) {
        App a = apps.stream().filter(x -> x.id().equals(appId)).findFirst().orElse(null);
        if (a == null) {
            return;
        }
        clearFilters();
        state.set(stateName);
        if (app.get() == null || !app.get().id().equals(appId)) {
            app.set(a);
        } else {
            syncNow();
        }
    }

    /** Shows only the devices of {@code p} (a failure bar's, say) of {@code appId}, other filters cleared. */
    public void open(String appId, DevicePick p) {
        App a = apps.stream().filter(x -> x.id().equals(appId)).findFirst().orElse(null);
        if (a == null) {
            return;
        }
        clearFilters();
        pick.set(p);
        if (app.get() == null || !app.get().id().equals(appId)) {
            app.set(a);
        } else {
            syncNow();
        }
    }

    public void clearFilters() {
        pick.set(null);
        search.set("");
        channel.set(null);
        bundle.set(null);
        state.set(null);
        platform.set(null);
        nativeVersion.set(null);
        seenWithin.set(SeenWithin.ANY);
    }

    // ---- sync -------------------------------------------------------------------------------------------------

    /** Syncs when the last attempt is older than {@link #SYNC_INTERVAL} (the page calls this while it is shown). */
    public void syncIfDue() {
        updateSyncStatus();
        if (!syncing.get() && (lastSyncAttempt == null
                || !clock.instant().isBefore(lastSyncAttempt.plus(SYNC_INTERVAL)))) {
            syncNow();
        }
    }

    /** Pulls the changes since the stored cursor (the whole app the first time). */
    public void syncNow() {
        Session s = connection.session();
        App a = app.get();
        if (s == null || a == null || syncing.get() || s.client() == null) {
            return;
        }
        long gen = scopeGeneration;
        AtomicBoolean cancel = new AtomicBoolean();
        syncCancel = cancel;
        syncing.set(true);
        syncReceived = 0;
        syncProgress.set(-1);
        lastSyncAttempt = clock.instant();
        updateSyncStatus();
        DeviceSync sync = new DeviceSync(cache, s.client(), s.connectionId(), a.id());
        long[] lastRequery = {System.nanoTime()};
        tasks.create("Syncing devices of " + a.id(), () -> sync.run(cancel::get, received -> tasks.post(() -> {
                    if (gen == scopeGeneration) {
                        syncReceived = received;
                        updateSyncStatus();
                        // A first sync of many devices: show what has arrived now and then.
                        if (System.nanoTime() - lastRequery[0] > 2_000_000_000L) {
                            lastRequery[0] = System.nanoTime();
                            query();
                        }
                    }
                }), clock))
                .onSuccess(r -> {
                    if (gen != scopeGeneration) {
                        return;
                    }
                    connection.markOnline();
                    syncState.set(r.state());
                    if (r.received() > 0) {
                        query();
                        loadState();
                    }
                })
                .onError(e -> {
                    if (gen != scopeGeneration) {
                        return;
                    }
                    if (e instanceof ServerUnreachableException u) {
                        connection.markOffline(u);
                    }
                    message.set("Sync failed: " + Problems.message(e));
                    loadState();
                    query();
                })
                .andFinally(() -> {
                    if (syncCancel == cancel) {
                        syncCancel = null;
                        syncing.set(false);
                        syncProgress.set(0);
                        if (gen == scopeGeneration) {
                            updateSyncStatus();
                        }
                    }
                })
                .run();
    }

    /** Stops a running sync after the page it is storing (the cache stays consistent; the next sync resumes). */
    public void cancelSync() {
        if (syncCancel != null) {
            syncCancel.set(true);
            syncCancel = null;
            syncing.set(false);
            syncProgress.set(0);
        }
    }

    /** Recomputes the sync status text ("Synced 1,000,000 devices · 2 s ago"); the page calls it every second. */
    public void updateSyncStatus() {
        if (app.get() == null) {
            syncStatus.set("");
        } else if (syncing.get()) {
            syncStatus.set(syncReceived == 0 ? "Syncing…"
                    : String.format(Locale.ROOT, "Syncing… %,d devices received", syncReceived));
        } else {
            DeviceSyncState st = syncState.get();
            if (st == null || st.syncedAt() == null) {
                syncStatus.set(st != null && st.cursor() != null ? "Sync incomplete: Sync now continues it"
                        : "Not synced yet");
            } else {
                syncStatus.set(String.format(Locale.ROOT, "Synced %,d devices · %s", st.devices(),
                        ago(Duration.between(st.syncedAt(), clock.instant()))));
            }
        }
    }

    static String ago(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 60) {
            return s + " s ago";
        }
        if (s < 3600) {
            return s / 60 + " min ago";
        }
        if (s < 86400) {
            return s / 3600 + " h ago";
        }
        return s / 86400 + " d ago";
    }

    // ---- properties -------------------------------------------------------------------------------------------

    public ConnectionManager connection() {
        return connection;
    }

    public DeviceDetailViewModel detail() {
        return detail;
    }

    public ObservableList<App> apps() {
        return apps;
    }

    public ObjectProperty<App> appProperty() {
        return app;
    }

    public StringProperty searchProperty() {
        return search;
    }

    public StringProperty channelProperty() {
        return channel;
    }

    public StringProperty bundleProperty() {
        return bundle;
    }

    public StringProperty stateProperty() {
        return state;
    }

    public StringProperty platformProperty() {
        return platform;
    }

    public StringProperty nativeVersionProperty() {
        return nativeVersion;
    }

    /** The devices picked elsewhere (a failure bar, the Overview) that the page is limited to; null: all. */
    public ObjectProperty<DevicePick> pickProperty() {
        return pick;
    }

    public ObjectProperty<SeenWithin> seenWithinProperty() {
        return seenWithin;
    }

    public ReadOnlyObjectProperty<DeviceColumn> sortProperty() {
        return sort.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty descendingProperty() {
        return descending.getReadOnlyProperty();
    }

    public ObservableList<DeviceRow> rows() {
        return rows;
    }

    public ObjectProperty<DeviceRow> selectedProperty() {
        return selected;
    }

    public ObservableList<String> channelChoices() {
        return channelChoices;
    }

    public ObservableList<String> bundleChoices() {
        return bundleChoices;
    }

    public ObservableList<String> nativeChoices() {
        return nativeChoices;
    }

    public ReadOnlyStringProperty countTextProperty() {
        return countText.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty hasPreviousProperty() {
        return hasPrevious.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty hasNextProperty() {
        return hasNext.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty queryingProperty() {
        return querying.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty syncingProperty() {
        return syncing.getReadOnlyProperty();
    }

    /** -1 while syncing (the server does not say how many changes wait), else 0. */
    public ReadOnlyDoubleProperty syncProgressProperty() {
        return syncProgress.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty syncStatusProperty() {
        return syncStatus.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<DeviceSyncState> syncStateProperty() {
        return syncState.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    /** The result shown now (for tests and the status line). */
    public ReadOnlyObjectProperty<DeviceResult> resultProperty() {
        return result.getReadOnlyProperty();
    }
}
