package dev.patchbay.console.shell;

import dev.patchbay.console.common.TaskRunner;
import dev.patchbay.console.connection.ConnectionManager;
import dev.patchbay.console.connection.ConnectionState;
import dev.patchbay.console.common.Times;
import dev.patchbay.console.settings.Settings;
import java.time.Instant;
import java.util.List;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.StringProperty;

/** The main window: which page is shown, the theme, and what the status bar says. */
public final class ShellViewModel {
    private final Settings settings;
    private final ConnectionManager connection;
    private final TaskRunner tasks;
    private final List<String> pageIds;
    private final ObjectProperty<Instant> pageFetchedAt = new SimpleObjectProperty<>(this, "pageFetchedAt");
    private final StringBinding statusText;
    private final StringBinding offlineNotice;
    private final BooleanBinding offline;

    public ShellViewModel(Settings settings, ConnectionManager connection, TaskRunner tasks, List<String> pageIds) {
        this.settings = settings;
        this.connection = connection;
        this.tasks = tasks;
        this.pageIds = List.copyOf(pageIds);
        if (!this.pageIds.contains(settings.lastPageProperty().get())) {
            settings.lastPageProperty().set(this.pageIds.contains("apps") ? "apps" : this.pageIds.get(0));
        }
        this.offline = connection.stateProperty().isEqualTo(ConnectionState.OFFLINE);
        this.statusText = Bindings.createStringBinding(() -> connection.describe(pageFetchedAt.get()),
                connection.stateProperty(), connection.detailProperty(), connection.offlineSinceProperty(),
                connection.sessionProperty(), connection.serverUrlProperty(), pageFetchedAt);
        this.offlineNotice = Bindings.createStringBinding(() -> {
            if (!offline.get()) {
                return "";
            }
            String label = connection.session() == null ? "the server" : connection.session().label();
            Instant at = pageFetchedAt.get();
            return "Offline: " + label + " cannot be reached. " + connection.detailProperty().get() + "\n"
                    + (at == null ? "Nothing was cached for this page yet." : "Showing what was fetched at " + Times.format(at) + ".")
                    + " Create, edit and delete are disabled; press F5 to try again.";
        }, offline, connection.detailProperty(), connection.sessionProperty(), pageFetchedAt);
    }

    public List<String> pageIds() {
        return pageIds;
    }

    public StringProperty selectedPageProperty() {
        return settings.lastPageProperty();
    }

    /** Ctrl+1..n. */
    public void selectPage(int index) {
        if (index >= 0 && index < pageIds.size()) {
            settings.lastPageProperty().set(pageIds.get(index));
        }
    }

    public StringProperty themeProperty() {
        return settings.themeProperty();
    }

    public void toggleTheme() {
        settings.themeProperty().set(Settings.DARK.equals(settings.themeProperty().get()) ? Settings.LIGHT : Settings.DARK);
    }

    /** The shown page's fetched-at time; the view binds it to the current page. */
    public ObjectProperty<Instant> pageFetchedAtProperty() {
        return pageFetchedAt;
    }

    public StringBinding statusTextProperty() {
        return statusText;
    }

    public StringBinding offlineNoticeProperty() {
        return offlineNotice;
    }

    public BooleanBinding offlineProperty() {
        return offline;
    }

    public ReadOnlyStringProperty activityProperty() {
        return tasks.activityProperty();
    }

    /** F5: ask the server again; if there is no client at all (the sandbox did not start), reconnect. */
    public boolean needsReconnect() {
        return connection.session() == null || connection.session().client() == null;
    }

    public void reconnect() {
        connection.connectActive();
    }
}
