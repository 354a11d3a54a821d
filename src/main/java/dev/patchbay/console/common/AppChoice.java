package dev.patchbay.console.common;

import dev.patchbay.domain.App;
import javafx.beans.property.ObjectProperty;
import javafx.collections.ObservableList;

/** The view-model side of the pages that work on one app at a time (Channels, Bundles, Keys). */
public final class AppChoice {
    private AppChoice() {
    }

    /**
     * After the app list changed: keeps the selected app if it is still there (as the fresh record), else selects the
     * first app, or none.
     */
    public static void keep(ObservableList<App> apps, ObjectProperty<App> selected) {
        App current = selected.get();
        App match = current == null ? null
                : apps.stream().filter(a -> a.id().equals(current.id())).findFirst().orElse(null);
        selected.set(match != null ? match : apps.isEmpty() ? null : apps.get(0));
    }
}
