package dev.patchbay.console.settings;

import java.util.List;
import javafx.beans.Observable;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/** What the console remembers between runs, as observable properties (changed on the FX thread). */
public final class Settings {
    public static final String LIGHT = "light";
    public static final String DARK = "dark";
    public static final String SANDBOX_ID = "sandbox";

    private final StringProperty theme = new SimpleStringProperty(this, "theme", LIGHT);
    private final ObjectProperty<WindowBounds> window = new SimpleObjectProperty<>(this, "window");
    private final StringProperty lastPage = new SimpleStringProperty(this, "lastPage", "apps");
    private final ObservableList<SavedConnection> connections = FXCollections.observableArrayList();
    private final StringProperty activeConnection = new SimpleStringProperty(this, "activeConnection", SANDBOX_ID);
    private final BooleanProperty failuresByStage = new SimpleBooleanProperty(this, "failuresByStage");

    public StringProperty themeProperty() {
        return theme;
    }

    public ObjectProperty<WindowBounds> windowProperty() {
        return window;
    }

    public StringProperty lastPageProperty() {
        return lastPage;
    }

    public ObservableList<SavedConnection> connections() {
        return connections;
    }

    public StringProperty activeConnectionProperty() {
        return activeConnection;
    }

    /** Whether the rollout panel's failure chart shows one bar per stage rather than per time step. */
    public BooleanProperty failuresByStageProperty() {
        return failuresByStage;
    }

    /** Everything whose change should be saved. */
    public Observable[] observables() {
        return new Observable[] {theme, window, lastPage, connections, activeConnection, failuresByStage};
    }

    public SettingsData snapshot() {
        return new SettingsData(theme.get(), window.get(), lastPage.get(), List.copyOf(connections), activeConnection.get(),
                failuresByStage.get());
    }

    public void apply(SettingsData data) {
        if (data.theme() != null) {
            theme.set(DARK.equals(data.theme()) ? DARK : LIGHT);
        }
        window.set(data.window());
        if (data.lastPage() != null) {
            lastPage.set(data.lastPage());
        }
        connections.setAll(data.connections() == null ? List.of() : data.connections());
        if (data.activeConnection() != null) {
            activeConnection.set(data.activeConnection());
        }
        failuresByStage.set(Boolean.TRUE.equals(data.failuresByStage()));
    }
}
