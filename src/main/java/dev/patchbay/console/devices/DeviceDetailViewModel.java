package dev.patchbay.console.devices;

import dev.patchbay.client.Device;
import dev.patchbay.client.DeviceEvent;
import dev.patchbay.client.NotFoundException;
import dev.patchbay.client.PatchbayClient;
import dev.patchbay.client.ServerUnreachableException;
import dev.patchbay.console.common.TaskRunner;
import dev.patchbay.console.connection.ConnectionManager;
import dev.patchbay.console.connection.Session;
import dev.patchbay.console.data.Problems;
import dev.patchbay.domain.Channel;
import dev.patchbay.domain.rollout.RolloutDecision;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.beans.value.ChangeListener;
import javafx.beans.value.WeakChangeListener;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The detail of one device (docs/console.md, Devices): what it runs now and next, the bundles it holds, where its
 * channel comes from, what the channel's rollout decided for it, and its timeline (paged: {@link #loadOlder()}).
 * Sets and clears the device's channel override. Every read runs as a task; the newest {@link #show} or
 * {@link #refresh} wins, so a late answer about the previous device is dropped.
 */
public final class DeviceDetailViewModel {
    /** Timeline entries per page. */
    public static final int PAGE = 50;

    /** A bundle the device holds; {@code percent} is null unless it is downloading; {@code role} "runs now"/"next". */
    public record BundleRow(String bundle, String state, Integer percent, String reason, Instant updatedAt,
                            String role) {
        /** "downloading 40 %", "pending", "success", "error: verify_fail: signature does not verify". */
        public String stateText() {
            if ("downloading".equals(state)) {
                return percent == null ? "downloading" : "downloading " + percent + " %";
            }
            return "error".equals(state) && reason != null ? "error: " + reason : state;
        }
    }

    /** One timeline entry in words, with the device's clock and the server's. */
    public record TimelineRow(long seq, String action, DeviceEventText.Kind kind, String sentence, String deviceTime,
                              String serverTime) {
    }

    private record Loaded(Device device, DeviceEvent.Page events, List<String> channels, String channelsProblem) {
    }

    private final ConnectionManager connection;
    private final TaskRunner tasks;
    private final Clock clock;
    private final ZoneId zone;

    private final ReadOnlyStringWrapper appId = new ReadOnlyStringWrapper(this, "appId");
    private final ReadOnlyStringWrapper deviceId = new ReadOnlyStringWrapper(this, "deviceId");
    private final ReadOnlyBooleanWrapper loading = new ReadOnlyBooleanWrapper(this, "loading");
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");
    private final ReadOnlyObjectWrapper<Device> device = new ReadOnlyObjectWrapper<>(this, "device");

    private final ReadOnlyStringWrapper customId = text("customId");
    private final ReadOnlyStringWrapper platform = text("platform");
    private final ReadOnlyStringWrapper nativeVersion = text("nativeVersion");
    private final ReadOnlyStringWrapper runtimeVersion = text("runtimeVersion");
    private final ReadOnlyStringWrapper flags = text("flags");
    private final ReadOnlyStringWrapper lastSeen = text("lastSeen");
    private final ReadOnlyStringWrapper firstSeen = text("firstSeen");
    private final ReadOnlyStringWrapper runsNow = text("runsNow");
    private final ReadOnlyStringWrapper next = text("next");
    private final ReadOnlyStringWrapper lastCheck = text("lastCheck");
    private final ReadOnlyStringWrapper channel = text("channel");
    private final ReadOnlyStringWrapper channelSource = text("channelSource");
    private final ReadOnlyStringWrapper channelExplanation = text("channelExplanation");
    private final ReadOnlyStringWrapper channelReason = text("channelReason");
    private final ReadOnlyStringWrapper channelOverride = text("channelOverride");

    private final ReadOnlyObjectWrapper<RolloutDecision> rollout = new ReadOnlyObjectWrapper<>(this, "rollout");
    private final ReadOnlyStringWrapper rolloutSummary = text("rolloutSummary");
    private final ReadOnlyStringWrapper rolloutBucket = text("rolloutBucket");
    private final ReadOnlyStringWrapper rolloutPercentage = text("rolloutPercentage");
    private final ReadOnlyStringWrapper rolloutSelected = text("rolloutSelected");
    private final ReadOnlyStringWrapper rolloutExplanation = text("rolloutExplanation");

    private final ObservableList<BundleRow> bundles = FXCollections.observableArrayList();
    private final ObservableList<TimelineRow> timeline = FXCollections.observableArrayList();
    private final ReadOnlyBooleanWrapper hasOlder = new ReadOnlyBooleanWrapper(this, "hasOlder");
    private final ReadOnlyBooleanWrapper loadingOlder = new ReadOnlyBooleanWrapper(this, "loadingOlder");
    private final ReadOnlyStringWrapper timelineMessage = text("timelineMessage");

    private final ObservableList<String> channelChoices = FXCollections.observableArrayList();
    private final StringProperty overrideChoice = new SimpleStringProperty(this, "overrideChoice");
    private final ReadOnlyStringWrapper overrideMessage = text("overrideMessage");
    private final ReadOnlyBooleanWrapper saving = new ReadOnlyBooleanWrapper(this, "saving");
    private final BooleanBinding cannotSetOverride;
    private final BooleanBinding cannotClearOverride;

    private final ChangeListener<Session> sessionListener = (obs, old, now) -> show(null, null);
    private long generation;
    private String olderCursor;

    public DeviceDetailViewModel(ConnectionManager connection, TaskRunner tasks) {
        this(connection, tasks, Clock.systemUTC(), ZoneId.systemDefault());
    }

    /** @param clock "now" for "last seen 3 min ago"; {@code zone} for the absolute times */
    public DeviceDetailViewModel(ConnectionManager connection, TaskRunner tasks, Clock clock, ZoneId zone) {
        this.connection = connection;
        this.tasks = tasks;
        this.clock = clock;
        this.zone = zone;
        BooleanBinding busy = connection.readOnlyProperty().or(saving).or(device.isNull());
        this.cannotSetOverride = busy.or(overrideChoice.isNull()).or(overrideChoice.isEmpty());
        this.cannotClearOverride = busy.or(channelOverride.isEmpty());
        // Another server knows other devices: do not keep showing this one. Weak: a detail window's view model
        // must not live as long as the connection.
        connection.sessionProperty().addListener(new WeakChangeListener<>(sessionListener));
    }

    private ReadOnlyStringWrapper text(String name) {
        return new ReadOnlyStringWrapper(this, name, "");
    }

    // ---- loading ------------------------------------------------------------------------------------------------

    /** Shows the device (null clears the pane): the previous device's data is gone at once, the new one loads. */
    public void show(String app, String id) {
        appId.set(app);
        deviceId.set(id);
        clear();
        if (app != null && id != null) {
            load();
        }
    }

    /** Asks the server again about the device shown (the data shown stays until the answer arrives). */
    public void refresh() {
        if (appId.get() != null && deviceId.get() != null) {
            load();
        }
    }

    private void load() {
        long gen = ++generation;
        String app = appId.get();
        String id = deviceId.get();
        loadingOlder.set(false);
        Session s = connection.session();
        if (s == null || s.client() == null) {
            loading.set(false);
            message.set(s == null ? "Not connected to a server." : s.noClientReason());
            return;
        }
        PatchbayClient client = s.client();
        loading.set(true);
        tasks.create("Loading device " + id, () -> read(client, app, id))
                .onSuccess(r -> {
                    if (gen == generation) {
                        loading.set(false);
                        message.set("");
                        apply(r);
                        connection.markOnline();
                    }
                })
                .onError(e -> {
                    if (gen == generation) {
                        loading.set(false);
                        failed(e, app, id);
                    }
                })
                .run();
    }

    private static Loaded read(PatchbayClient client, String app, String id) {
        Device d = client.device(app, id);
        DeviceEvent.Page events = client.deviceEvents(app, id, PAGE, null);
        List<String> channels = List.of();
        String problem = "";
        try {
            channels = client.listChannels(app).stream().map(Channel::name).sorted().toList();
        } catch (ServerUnreachableException e) {
            throw e;
        } catch (RuntimeException e) {
            problem = "The app's channels could not be read: " + Problems.message(e);
        }
        return new Loaded(d, events, channels, problem);
    }

    private void failed(Throwable e, String app, String id) {
        if (e instanceof NotFoundException) {
            clear();
            message.set("The server knows no device " + id + " of app " + app + ".");
            return;
        }
        if (e instanceof ServerUnreachableException u) {
            connection.markOffline(u);
        }
        message.set("Could not load device " + id + ": " + Problems.message(e));
    }

    private void clear() {
        ++generation;
        loading.set(false);
        message.set("");
        device.set(null);
        for (ReadOnlyStringWrapper p : List.of(customId, platform, nativeVersion, runtimeVersion, flags, lastSeen,
                firstSeen, runsNow, next, lastCheck, channel, channelSource, channelExplanation, channelReason,
                channelOverride, timelineMessage, overrideMessage)) {
            p.set("");
        }
        showRollout(null);
        bundles.clear();
        timeline.clear();
        hasOlder.set(false);
        loadingOlder.set(false);
        olderCursor = null;
        channelChoices.clear();
        overrideChoice.set(null);
    }

    private void apply(Loaded r) {
        Device d = r.device();
        device.set(d);
        Instant now = clock.instant();
        customId.set(orDash(d.customId()));
        platform.set(platformText(d));
        nativeVersion.set(d.nativeVersion() == null ? "–"
                : d.nativeVersion() + (d.nativeBuild() == null ? "" : " (build " + d.nativeBuild() + ")"));
        runtimeVersion.set(orDash(d.runtimeVersion()));
        List<String> f = new ArrayList<>();
        if (Boolean.TRUE.equals(d.isEmulator())) {
            f.add("emulator");
        }
        if (Boolean.FALSE.equals(d.isProduction())) {
            f.add("development build");
        }
        flags.set(String.join(", ", f));
        lastSeen.set(d.lastSeen() == null ? "never"
                : DeviceEventText.relative(d.lastSeen(), now) + " (" + DeviceEventText.absolute(d.lastSeen(), zone) + ")");
        firstSeen.set(DeviceEventText.absolute(d.firstSeen(), zone));
        runsNow.set(d.currentBundle() == null ? "unknown (it has not checked yet)"
                : DeviceEventText.bundle(d.currentBundle())
                + (d.currentSequence() == null ? "" : " (sequence " + d.currentSequence() + ")"));
        next.set(d.nextBundle() == null ? "nothing waiting" : d.nextBundle() + " at the next start");
        lastCheck.set(lastCheckText(d));
        channel.set(d.channel() == null ? "none" : d.channel());
        channelSource.set(d.channelSource() == null ? "" : d.channelSource());
        channelExplanation.set(channelText(d));
        channelReason.set(d.channelReason() == null ? "" : d.channelReason());
        channelOverride.set(d.channelOverride() == null ? "" : d.channelOverride());
        showRollout(d.rollout());

        bundles.setAll(d.bundles().stream().map(b -> new BundleRow(b.bundle(), b.state(),
                "downloading".equals(b.state()) ? b.percent() : null, b.reason(), b.updatedAt(),
                role(d, b.bundle()))).toList());

        timeline.setAll(rows(r.events().items()));
        olderCursor = r.events().next();
        hasOlder.set(olderCursor != null);
        timelineMessage.set("");

        String keep = overrideChoice.get();
        channelChoices.setAll(r.channels());
        overrideChoice.set(keep != null && r.channels().contains(keep) ? keep
                : d.channelOverride() != null && r.channels().contains(d.channelOverride()) ? d.channelOverride() : null);
        overrideMessage.set(r.channelsProblem());
    }

    private static String orDash(String s) {
        return s == null || s.isBlank() ? "–" : s;
    }

    private static String platformText(Device d) {
        String p = d.platform() == null ? "unknown platform" : switch (d.platform()) {
            case "android" -> "Android";
            case "ios" -> "iOS";
            default -> d.platform();
        };
        return d.osVersion() == null ? p : p + " " + d.osVersion();
    }

    private static String role(Device d, String bundle) {
        List<String> roles = new ArrayList<>();
        if (bundle.equals(d.currentBundle())) {
            roles.add("runs now");
        }
        if (bundle.equals(d.nextBundle())) {
            roles.add("next");
        }
        return String.join(", ", roles);
    }

    private static String lastCheckText(Device d) {
        if (d.lastOutcome() == null) {
            return "no check yet";
        }
        String s = d.lastOutcome().replace('_', ' ') + (d.lastError() == null ? "" : " (" + d.lastError().replace('_', ' ') + ")");
        return d.lastMessage() == null || d.lastMessage().isBlank() ? s : s + ": " + d.lastMessage();
    }

    /** Where the channel comes from, in words. */
    static String channelText(Device d) {
        if (d.channel() == null) {
            return d.channelOverride() != null ? "Pinned to " + d.channelOverride() + " from the console; it has not"
                    + " checked since." : "No channel yet: the device has not checked, or no channel serves it.";
        }
        return switch (Objects.requireNonNullElse(d.channelSource(), "")) {
            case "override" -> d.channel() + ": pinned to it from the console (override)";
            case "self" -> d.channel() + ": the device asked for it (self-assigned)";
            case "default" -> d.channel() + ": the app's default channel for " + platformText(d).split(" ")[0]
                    + (d.channelAsked() == null ? "" : " (it asked for " + d.channelAsked() + ")");
            default -> d.channel();
        };
    }

    private void showRollout(RolloutDecision r) {
        rollout.set(r);
        if (r == null) {
            rolloutSummary.set(device.get() == null ? "" : "No rollout on this device's channel.");
            rolloutBucket.set("");
            rolloutPercentage.set("");
            rolloutSelected.set("");
            rolloutExplanation.set("");
            return;
        }
        rolloutSummary.set("Rollout " + r.id() + " on " + r.channel() + ": " + r.state().wireName().replace('_', ' ')
                + ", " + DeviceEventText.bundle(r.stableBundle()) + " → " + DeviceEventText.bundle(r.targetBundle()));
        rolloutBucket.set(r.bucket() + " of 10000");
        rolloutPercentage.set(DeviceEventText.percent(r.bps()));
        rolloutSelected.set(r.selected() ? "selected: gets " + DeviceEventText.bundle(r.targetBundle())
                : "not selected: stays on " + DeviceEventText.bundle(r.stableBundle()));
        rolloutExplanation.set(r.explanation() == null ? "" : r.explanation());
    }

    private List<TimelineRow> rows(List<DeviceEvent> events) {
        return events.stream().map(e -> new TimelineRow(e.seq(), e.action(), DeviceEventText.kind(e.action()),
                DeviceEventText.sentence(e), DeviceEventText.deviceTime(e.at(), zone),
                DeviceEventText.absolute(e.receivedAt(), zone))).toList();
    }

    /** Appends the next older page of the timeline. */
    public void loadOlder() {
        Session s = connection.session();
        String cursor = olderCursor;
        if (cursor == null || loadingOlder.get() || s == null || s.client() == null) {
            return;
        }
        long gen = generation;
        String app = appId.get();
        String id = deviceId.get();
        PatchbayClient client = s.client();
        loadingOlder.set(true);
        tasks.create("Loading older events of " + id, () -> client.deviceEvents(app, id, PAGE, cursor))
                .onSuccess(page -> {
                    if (gen == generation) {
                        loadingOlder.set(false);
                        timeline.addAll(rows(page.items()));
                        olderCursor = page.next();
                        hasOlder.set(olderCursor != null);
                        timelineMessage.set("");
                    }
                })
                .onError(e -> {
                    if (gen == generation) {
                        loadingOlder.set(false);
                        if (e instanceof ServerUnreachableException u) {
                            connection.markOffline(u);
                        }
                        timelineMessage.set("Could not load older events: " + Problems.message(e));
                    }
                })
                .run();
    }

    // ---- override -----------------------------------------------------------------------------------------------

    /** Pins the device to {@link #overrideChoiceProperty()}'s channel, then reads the device again. */
    public void setOverride() {
        String ch = overrideChoice.get();
        if (cannotSetOverride.get()) {
            return;
        }
        changeOverride("Pinning " + deviceId.get() + " to " + ch, c -> c.setChannelOverride(appId.get(), deviceId.get(), ch));
    }

    /** Removes the device's channel override, then reads the device again. */
    public void clearOverride() {
        if (cannotClearOverride.get()) {
            return;
        }
        changeOverride("Clearing the channel override of " + deviceId.get(), c -> {
            c.clearChannelOverride(appId.get(), deviceId.get());
            return null;
        });
    }

    private void changeOverride(String what, java.util.function.Function<PatchbayClient, Object> call) {
        Session s = connection.session();
        if (s == null || s.client() == null) {
            return;
        }
        String app = appId.get();
        String id = deviceId.get();
        PatchbayClient client = s.client();
        saving.set(true);
        overrideMessage.set("");
        tasks.create(what, () -> call.apply(client))
                .onSuccess(v -> {
                    if (Objects.equals(app, appId.get()) && Objects.equals(id, deviceId.get())) {
                        refresh();
                    }
                })
                .onError(e -> {
                    if (e instanceof ServerUnreachableException u) {
                        connection.markOffline(u);
                    }
                    if (Objects.equals(app, appId.get()) && Objects.equals(id, deviceId.get())) {
                        overrideMessage.set(Problems.message(e));
                    }
                })
                .andFinally(() -> saving.set(false))
                .run();
    }

    // ---- properties ---------------------------------------------------------------------------------------------

    public ReadOnlyStringProperty appIdProperty() {
        return appId.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty deviceIdProperty() {
        return deviceId.getReadOnlyProperty();
    }

    /** True while the device is being read (first load or refresh). */
    public ReadOnlyBooleanProperty loadingProperty() {
        return loading.getReadOnlyProperty();
    }

    /** Why the device could not be shown, or "". */
    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    /** The device as the server answered, or null while nothing is shown. */
    public ReadOnlyObjectProperty<Device> deviceProperty() {
        return device.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty customIdProperty() {
        return customId.getReadOnlyProperty();
    }

    /** "Android 14". */
    public ReadOnlyStringProperty platformProperty() {
        return platform.getReadOnlyProperty();
    }

    /** "1.4.0 (build 140)". */
    public ReadOnlyStringProperty nativeVersionProperty() {
        return nativeVersion.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty runtimeVersionProperty() {
        return runtimeVersion.getReadOnlyProperty();
    }

    /** "emulator, development build", or "" for a production build on a real device. */
    public ReadOnlyStringProperty flagsProperty() {
        return flags.getReadOnlyProperty();
    }

    /** "3 min ago (2026-11-22 21:40:12)". */
    public ReadOnlyStringProperty lastSeenProperty() {
        return lastSeen.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty firstSeenProperty() {
        return firstSeen.getReadOnlyProperty();
    }

    /** "1.5.0 (sequence 8)", "the builtin assets". */
    public ReadOnlyStringProperty runsNowProperty() {
        return runsNow.getReadOnlyProperty();
    }

    /** "1.6.0 at the next start", "nothing waiting". */
    public ReadOnlyStringProperty nextProperty() {
        return next.getReadOnlyProperty();
    }

    /** The last check's outcome, error and message. */
    public ReadOnlyStringProperty lastCheckProperty() {
        return lastCheck.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty channelProperty() {
        return channel.getReadOnlyProperty();
    }

    /** override, self, default or "". */
    public ReadOnlyStringProperty channelSourceProperty() {
        return channelSource.getReadOnlyProperty();
    }

    /** Where the channel comes from, in a sentence. */
    public ReadOnlyStringProperty channelExplanationProperty() {
        return channelExplanation.getReadOnlyProperty();
    }

    /** Why the channel asked for (or the override) was not used, or "". */
    public ReadOnlyStringProperty channelReasonProperty() {
        return channelReason.getReadOnlyProperty();
    }

    /** The console's override, or "". */
    public ReadOnlyStringProperty channelOverrideProperty() {
        return channelOverride.getReadOnlyProperty();
    }

    /** What the channel's rollout decided for the device, or null when its channel has none. */
    public ReadOnlyObjectProperty<RolloutDecision> rolloutProperty() {
        return rollout.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty rolloutSummaryProperty() {
        return rolloutSummary.getReadOnlyProperty();
    }

    /** "4211 of 10000". */
    public ReadOnlyStringProperty rolloutBucketProperty() {
        return rolloutBucket.getReadOnlyProperty();
    }

    /** "10.00 %". */
    public ReadOnlyStringProperty rolloutPercentageProperty() {
        return rolloutPercentage.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty rolloutSelectedProperty() {
        return rolloutSelected.getReadOnlyProperty();
    }

    /** The server's explanation sentence. */
    public ReadOnlyStringProperty rolloutExplanationProperty() {
        return rolloutExplanation.getReadOnlyProperty();
    }

    public ObservableList<BundleRow> bundles() {
        return bundles;
    }

    /** Newest first. */
    public ObservableList<TimelineRow> timeline() {
        return timeline;
    }

    public ReadOnlyBooleanProperty hasOlderProperty() {
        return hasOlder.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty loadingOlderProperty() {
        return loadingOlder.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty timelineMessageProperty() {
        return timelineMessage.getReadOnlyProperty();
    }

    /** The app's channels, for the override chooser. */
    public ObservableList<String> channelChoices() {
        return channelChoices;
    }

    /** The channel {@link #setOverride()} pins the device to. */
    public StringProperty overrideChoiceProperty() {
        return overrideChoice;
    }

    /** Why the override could not be changed (or the channels not read), or "". */
    public ReadOnlyStringProperty overrideMessageProperty() {
        return overrideMessage.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty savingProperty() {
        return saving.getReadOnlyProperty();
    }

    public BooleanBinding cannotSetOverrideProperty() {
        return cannotSetOverride;
    }

    public BooleanBinding cannotClearOverrideProperty() {
        return cannotClearOverride;
    }

    public ConnectionManager connection() {
        return connection;
    }
}
