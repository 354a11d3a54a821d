package dev.patchbay.console.activity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.patchbay.client.AuditEntry;
import dev.patchbay.client.AuditPage;
import dev.patchbay.client.AuditQuery;
import dev.patchbay.client.PatchbayClient;
import dev.patchbay.client.ServerUnreachableException;
import dev.patchbay.console.common.TaskRunner;
import dev.patchbay.console.connection.ConnectionManager;
import dev.patchbay.console.connection.Session;
import dev.patchbay.console.data.Problems;
import dev.patchbay.domain.App;
import dev.patchbay.domain.Json;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;

/**
 * The Activity page: the server's audit log, newest first, filtered by app, actor, action (prefix) and dates, paged
 * with "Load more"; the selected entry's detail readable (JSON indented).
 */
public final class ActivityViewModel {
    static final int PAGE = 100;
    /** The action filter's choices: "" for every action, then families (prefixes). */
    public static final List<String> ACTIONS = List.of("", "rollout.", "channel.", "bundle.", "app.", "device.",
            "trust.", "freshness.", "upload.");

    private final ConnectionManager connection;
    private final TaskRunner tasks;
    private final ObservableList<App> apps;
    private final ZoneId zone;

    /** The app filter's choices: "" (every app) and the ids of the connection's apps. */
    private final ObservableList<String> appChoices = FXCollections.observableArrayList("");
    private final StringProperty app = new SimpleStringProperty(this, "app", "");
    private final StringProperty actor = new SimpleStringProperty(this, "actor", "");
    private final StringProperty action = new SimpleStringProperty(this, "action", "");
    private final ObjectProperty<LocalDate> fromDate = new SimpleObjectProperty<>(this, "fromDate");
    private final ObjectProperty<LocalDate> toDate = new SimpleObjectProperty<>(this, "toDate");

    private final ObservableList<AuditEntry> entries = FXCollections.observableArrayList();
    private final ObjectProperty<AuditEntry> selected = new SimpleObjectProperty<>(this, "selected");
    private final ReadOnlyStringWrapper detail = new ReadOnlyStringWrapper(this, "detail", "");
    private final ReadOnlyBooleanWrapper more = new ReadOnlyBooleanWrapper(this, "more");
    private final ReadOnlyBooleanWrapper loading = new ReadOnlyBooleanWrapper(this, "loading");
    private final ReadOnlyObjectWrapper<Instant> fetchedAt = new ReadOnlyObjectWrapper<>(this, "fetchedAt");
    private final StringProperty message = new SimpleStringProperty(this, "message", "");
    private AuditQuery query;
    private String next;
    private long generation;

    public ActivityViewModel(ConnectionManager connection, TaskRunner tasks, ObservableList<App> apps) {
        this(connection, tasks, apps, ZoneId.systemDefault());
    }

    /** With the zone the date filters are days of (tests). */
    public ActivityViewModel(ConnectionManager connection, TaskRunner tasks, ObservableList<App> apps, ZoneId zone) {
        this.connection = connection;
        this.tasks = tasks;
        this.apps = apps;
        this.zone = zone;
        syncAppChoices();
        apps.addListener((ListChangeListener<App>) c -> syncAppChoices());
        connection.sessionProperty().addListener((obs, old, now) -> {
            entries.clear();
            fetchedAt.set(null);
            more.set(false);
        });
        app.addListener((obs, old, now) -> {
            if (now == null) {
                app.set("");
            } else if (!now.equals(old == null ? "" : old)) {
                search();
            }
        });
        action.addListener((obs, old, now) -> search());
        fromDate.addListener((obs, old, now) -> search());
        toDate.addListener((obs, old, now) -> search());
        selected.addListener((obs, old, now) -> detail.set(now == null ? "" : describe(now)));
    }

    private void syncAppChoices() {
        String keep = app.get();
        java.util.ArrayList<String> list = new java.util.ArrayList<>();
        list.add("");
        apps.forEach(a -> list.add(a.id()));
        appChoices.setAll(list);
        // An app deleted meanwhile stays a valid filter: its entries outlive it.
        if (keep != null && !keep.isEmpty() && !list.contains(keep)) {
            appChoices.add(keep);
        }
        app.set(keep == null ? "" : keep);
    }

    /** The newest entries with the current filters (the actor filter applies on Enter or Search). */
    public void search() {
        String problem = validate();
        if (problem != null) {
            message.set(problem);
            return;
        }
        String actorText = actor.get() == null ? "" : actor.get().strip();
        String a = app.get() == null || app.get().isEmpty() ? null : app.get();
        String act = action.get() == null || action.get().isEmpty() ? null : action.get();
        query = new AuditQuery(a, actorText.isEmpty() ? null : actorText, act, null,
                fromDate.get() == null ? null : fromDate.get().atStartOfDay(zone).toInstant(),
                toDate.get() == null ? null : toDate.get().plusDays(1).atStartOfDay(zone).toInstant(), PAGE, null);
        fetch(query, true);
    }

    /** The next page with the same filters, appended. */
    public void loadMore() {
        if (query != null && next != null && !loading.get()) {
            fetch(query.after(next), false);
        }
    }

    private String validate() {
        if (fromDate.get() != null && toDate.get() != null && fromDate.get().isAfter(toDate.get())) {
            return "The From date is after the To date.";
        }
        if (actor.get() != null && actor.get().strip().length() > 200) {
            return "The actor filter is at most 200 characters.";
        }
        return null;
    }

    private void fetch(AuditQuery q, boolean replace) {
        Session s = connection.session();
        if (s == null || s.client() == null) {
            entries.clear();
            return;
        }
        PatchbayClient client = s.client();
        long gen = ++generation;
        loading.set(true);
        tasks.create(replace ? "Loading the activity" : "Loading more activity", () -> client.audit(q))
                .onSuccess((AuditPage page) -> {
                    if (gen != generation) {
                        return;
                    }
                    AuditEntry keep = selected.get();
                    if (replace) {
                        entries.setAll(page.items());
                        fetchedAt.set(Instant.now());
                    } else {
                        entries.addAll(page.items());
                    }
                    next = page.next();
                    more.set(next != null);
                    message.set("");
                    selected.set(keep == null ? null
                            : entries.stream().filter(e -> e.id() == keep.id()).findFirst().orElse(null));
                    connection.markOnline();
                })
                .onError(e -> {
                    if (gen != generation) {
                        return;
                    }
                    if (e instanceof ServerUnreachableException u) {
                        connection.markOffline(u);
                        message.set("");
                    } else {
                        message.set(Problems.message(e));
                    }
                })
                .andFinally(() -> {
                    if (gen == generation) {
                        loading.set(false);
                    }
                })
                .run();
    }

    /** The entry as the detail pane shows it: its fields, then the detail (indented when it is JSON). */
    static String describe(AuditEntry e) {
        StringBuilder b = new StringBuilder();
        b.append("Time:    ").append(dev.patchbay.console.common.Times.withUtc(e.at())).append('\n');
        b.append("Actor:   ").append(e.actor()).append('\n');
        b.append("Action:  ").append(e.action()).append('\n');
        b.append("App:     ").append(e.appId() == null ? "–" : e.appId()).append('\n');
        b.append("Target:  ").append(e.target()).append("\n\n");
        b.append(pretty(readable(e.detail(), true)));
        return b.toString();
    }

    private static final java.util.regex.Pattern BPS = java.util.regex.Pattern.compile("\\bbps=(\\d{1,5})(?:->(\\d{1,5}))?");

    /**
     * An audit detail as people read it: server (UTC) instants in local time — followed by the UTC form when
     * {@code keepUtc}, for the detail pane that is copied from — and rollout shares in percent, not basis points.
     */
    public static String readable(String detail, boolean keepUtc) {
        if (detail == null) {
            return null;
        }
        String local = keepUtc ? dev.patchbay.console.common.Times.localWithUtc(detail)
                : dev.patchbay.console.common.Times.local(detail);
        java.util.regex.Matcher m = BPS.matcher(local);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String share = "share=" + dev.patchbay.domain.rollout.Rollout.percent(Integer.parseInt(m.group(1)))
                    + (m.group(2) == null ? "" : " -> " + dev.patchbay.domain.rollout.Rollout.percent(
                    Integer.parseInt(m.group(2))));
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(share));
        }
        m.appendTail(out);
        return out.toString();
    }

    static String pretty(String detail) {
        if (detail == null || detail.isBlank()) {
            return "(no detail)";
        }
        String t = detail.strip();
        if (t.startsWith("{") || t.startsWith("[")) {
            try {
                JsonNode n = Json.mapper().readTree(t);
                return Json.mapper().writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(n);
            } catch (java.io.IOException notJson) {
                // as it is
            }
        }
        return detail;
    }

    public ObservableList<String> appChoices() {
        return appChoices;
    }

    /** The app id filtered on, "" for every app. */
    public StringProperty appProperty() {
        return app;
    }

    public StringProperty actorProperty() {
        return actor;
    }

    public StringProperty actionProperty() {
        return action;
    }

    public ObjectProperty<LocalDate> fromDateProperty() {
        return fromDate;
    }

    public ObjectProperty<LocalDate> toDateProperty() {
        return toDate;
    }

    public ObservableList<AuditEntry> entries() {
        return entries;
    }

    public ObjectProperty<AuditEntry> selectedProperty() {
        return selected;
    }

    public ReadOnlyStringProperty detailProperty() {
        return detail.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty moreProperty() {
        return more.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty loadingProperty() {
        return loading.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Instant> fetchedAtProperty() {
        return fetchedAt.getReadOnlyProperty();
    }

    public StringProperty messageProperty() {
        return message;
    }

    public ConnectionManager connection() {
        return connection;
    }
}
