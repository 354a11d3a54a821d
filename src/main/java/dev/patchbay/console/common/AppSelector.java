package dev.patchbay.console.common;

import dev.patchbay.domain.App;
import javafx.application.Platform;
import javafx.beans.property.ObjectProperty;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.scene.control.ComboBox;
import javafx.scene.control.ListCell;

/** The "App" chooser of the pages that work on one app at a time (Channels, Bundles, Keys). */
public final class AppSelector {
    private AppSelector() {
    }

    /**
     * A page's empty text while no app is chosen: where to make one, or, offline (where New app is disabled), that
     * none is cached.
     */
    public static String noAppText(boolean offline) {
        return offline ? "Choose an app (only apps cached while connected are listed offline)."
                : "Choose an app (create one on the Apps page first).";
    }

    /** A combo box over {@code apps} that follows and sets {@code selected}. */
    public static ComboBox<App> create(String id, ObservableList<App> apps, ObjectProperty<App> selected) {
        ComboBox<App> box = new ComboBox<>(apps);
        box.setId(id);
        box.setPromptText("Choose an app");
        box.setPrefWidth(280);
        box.setCellFactory(l -> new AppCell());
        box.setButtonCell(new AppCell());
        // Not a bidirectional binding: a ComboBox clears its value when its items are replaced, and that null must
        // not reach the view model (the app is still there, as an equal or renamed record).
        box.setValue(selected.get());
        box.valueProperty().addListener((obs, old, now) -> {
            if (now != null && now != selected.get()) {
                selected.set(now);
            }
        });
        selected.addListener((obs, old, now) -> box.setValue(now));
        apps.addListener((ListChangeListener<App>) c -> Platform.runLater(() -> box.setValue(selected.get())));
        return box;
    }

    private static final class AppCell extends ListCell<App> {
        @Override
        protected void updateItem(App item, boolean empty) {
            super.updateItem(item, empty);
            setText(empty || item == null ? null : item.name() + "  (" + item.id() + ")");
        }
    }
}
