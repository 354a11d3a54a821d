package dev.patchbay.console.overview;

import dev.patchbay.client.AppOverview;
import dev.patchbay.client.PatchbayClient;
import dev.patchbay.client.ServerUnreachableException;
import dev.patchbay.console.common.TaskRunner;
import dev.patchbay.console.connection.ConnectionManager;
import dev.patchbay.console.connection.Session;
import dev.patchbay.console.data.Problems;
import dev.patchbay.console.devices.FailedDevicesLink;
import dev.patchbay.domain.App;
import dev.patchbay.domain.rollout.HealthReading;
import dev.patchbay.domain.rollout.Rollout;
import dev.patchbay.domain.rollout.RolloutStage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;

/**
 * The Overview page: for every app of the connection, its rollouts in flight and its device numbers of the last 24 h
 * (one {@code GET .../overview} per app, in one background task).
 */
public final class OverviewViewModel {
    /** One app's card; {@code overview} is null when it could not be read ({@code problem} says why). */
    public record AppCard(App app, AppOverview overview, String problem) {
        public List<RolloutLine> rollouts() {
            return overview == null ? List.of() : overview.rolloutsInFlight().stream().map(RolloutLine::new).toList();
        }

        /** Devices per current bundle (adoption), most first. */
        public List<BundleLine> bundles() {
            if (overview == null) {
                return List.of();
            }
            long all = overview.devices();
            return overview.devicesByBundle().stream().map(b -> new BundleLine(b.bundle() == null ? "not reported"
                    : b.bundle(), b.devices(), all == 0 ? 0 : (double) b.devices() / all)).toList();
        }
    }

    /** A bundle and the devices on it: "1.5.0: 120 (40 %)". */
    public record BundleLine(String bundle, long devices, double share) {
        public String text() {
            return String.format(Locale.ROOT, "%s: %,d (%.0f %%)", bundle, devices, share * 100);
        }
    }

    /** What a card shows of a rollout in flight. */
    public record RolloutLine(Rollout rollout) {
        /** 0..1 for the progress bar. */
        public double progress() {
            return rollout.bps() / 10_000.0;
        }

        public String percent() {
            return Rollout.percent(rollout.bps());
        }

        public String state() {
            return rollout.state() == null ? "" : rollout.state().wireName();
        }

        /** "1.4.0 → 1.5.0" (builtin for the app's own assets). */
        public String bundles() {
            return (rollout.stableBundle() == null ? "builtin" : rollout.stableBundle()) + " → " + rollout.targetBundle();
        }

        /** The health policy's last verdict: "healthy", "failing", "insufficient data", or "not read yet". */
        public String health() {
            HealthReading h = rollout.lastHealth();
            if (h == null || h.verdict() == null) {
                return "health not read yet";
            }
            return switch (h.verdict()) {
                case HEALTHY -> "healthy";
                case FAILING -> "failing";
                case INSUFFICIENT -> "insufficient data";
            };
        }

        /** Distinct devices the target failed on in the policy's last window (0 without a reading). */
        public long failures() {
            return rollout.lastHealth() == null ? 0 : rollout.lastHealth().failures();
        }

        /** "2 of 40 failed" (the last reading's window). */
        public String failuresText() {
            HealthReading h = rollout.lastHealth();
            return h == null ? "0 failed" : String.format(Locale.ROOT, "%,d of %,d failed", h.failures(), h.attempts());
        }

        /** "stage 2 of 4", or "" without a plan. */
        public String stage() {
            if (rollout.plan() == null) {
                return "";
            }
            List<RolloutStage> stages = rollout.plan().stages();
            Integer i = rollout.stageIndex();
            return i == null ? "before stage 1 of " + stages.size()
                    : String.format(Locale.ROOT, "stage %d of %d", i + 1, stages.size());
        }
    }

    private final ConnectionManager connection;
    private final TaskRunner tasks;
    private final ObservableList<App> apps;
    private final Runnable refreshApps;
    private final BiConsumer<String, String> openChannel;
    private final ObservableList<AppCard> cards = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<Instant> fetchedAt = new ReadOnlyObjectWrapper<>(this, "fetchedAt");
    private final ReadOnlyBooleanWrapper loading = new ReadOnlyBooleanWrapper(this, "loading");
    private final StringProperty message = new SimpleStringProperty(this, "message", "");
    private long generation;
    private boolean active;

    /**
     * @param apps        the connection's apps, as the Apps page holds them
     * @param refreshApps asks the server for that list again
     * @param openChannel shows a channel of an app on the Channels page (app id, channel)
     */
    public OverviewViewModel(ConnectionManager connection, TaskRunner tasks, ObservableList<App> apps,
                             Runnable refreshApps, BiConsumer<String, String> openChannel) {
        this.connection = connection;
        this.tasks = tasks;
        this.apps = apps;
        this.refreshApps = refreshApps;
        this.openChannel = openChannel;
        apps.addListener((ListChangeListener<App>) c -> {
            if (active) {
                load();
            }
        });
        connection.sessionProperty().addListener((obs, old, now) -> {
            cards.clear();
            fetchedAt.set(null);
        });
    }

    /** Whether the page is shown: only then does a change of the app list ask the server. */
    public void setActive(boolean shown) {
        this.active = shown;
    }

    /** F5: the app list and every app's numbers again. */
    public void refresh() {
        refreshApps.run();
        load();
    }

    /** The periodic refresh: {@link #load()} unless one is still under way (a slow server is not asked twice). */
    public void tick() {
        if (!loading.get()) {
            load();
        }
    }

    /** Every app's numbers again. */
    public void load() {
        Session s = connection.session();
        if (s == null || s.client() == null) {
            cards.clear();
            return;
        }
        List<App> list = List.copyOf(apps);
        long gen = ++generation;
        PatchbayClient client = s.client();
        loading.set(true);
        tasks.create("Loading the overview", () -> fetch(client, list))
                .onSuccess(result -> {
                    if (gen == generation) {
                        cards.setAll(result);
                        fetchedAt.set(Instant.now());
                        message.set("");
                        if (!list.isEmpty()) {
                            // Without apps no request was made: that says nothing about the server (offline stays).
                            connection.markOnline();
                        }
                    }
                })
                .onError(e -> {
                    if (gen == generation) {
                        if (e instanceof ServerUnreachableException u) {
                            connection.markOffline(u);
                            message.set("");
                        } else {
                            message.set(Problems.message(e));
                        }
                    }
                })
                .andFinally(() -> {
                    if (gen == generation) {
                        loading.set(false);
                    }
                })
                .run();
    }

    private static List<AppCard> fetch(PatchbayClient client, List<App> apps) {
        List<AppCard> out = new ArrayList<>();
        for (App a : apps) {
            try {
                out.add(new AppCard(a, client.overview(a.id()), null));
            } catch (ServerUnreachableException e) {
                throw e;
            } catch (RuntimeException e) {
                // One app's problem (deleted meanwhile, say) must not hide the others.
                out.add(new AppCard(a, null, Problems.message(e)));
            }
        }
        return out;
    }

    private BiConsumer<String, String> openDevices = (appId, state) -> { };

    /** What the failure count of an app opens: the Devices page with the app and a state filter (app id, state). */
    public void setOpenDevices(BiConsumer<String, String> open) {
        this.openDevices = open;
    }

    /** Shows the app's rolled-back devices on the Devices page. */
    public void openFailures(String appId) {
        openDevices.accept(appId, "rolled_back");
    }

    private FailedDevicesLink.Opener openFailed = (appId, rolloutId, from, to, label) -> { };

    /** What a rollout's failure count opens: its failed devices on the Devices page. */
    public void setOpenFailedDevices(FailedDevicesLink.Opener open) {
        this.openFailed = open;
    }

    /** Shows the devices the rollout's target failed on since it started, on the Devices page. */
    public void openFailures(Rollout r) {
        openFailed.open(r.appId(), r.id(), r.startedAt(), null, "failed " + r.targetBundle() + " on " + r.channel()
                + " since the rollout started");
    }

    /** Shows the rollout's channel on the Channels page. */
    public void open(Rollout r) {
        openChannel.accept(r.appId(), r.channel());
    }

    public ObservableList<AppCard> cards() {
        return cards;
    }

    public ReadOnlyObjectProperty<Instant> fetchedAtProperty() {
        return fetchedAt.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty loadingProperty() {
        return loading.getReadOnlyProperty();
    }

    public StringProperty messageProperty() {
        return message;
    }

    public ConnectionManager connection() {
        return connection;
    }
}
