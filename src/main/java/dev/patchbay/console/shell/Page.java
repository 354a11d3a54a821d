package dev.patchbay.console.shell;

import java.time.Instant;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.scene.Node;
import org.kordamp.ikonli.Ikon;

/** One page of the console's sidebar. Pages do their work through their view model. */
public interface Page {
    /** Stable id ("apps"): remembered in settings, used in node ids ({@code nav-apps}). */
    String id();

    String title();

    Ikon icon();

    Node view();

    /** When the data the page shows was fetched from the server; {@code null} when it has none. */
    default ReadOnlyObjectProperty<Instant> dataFetchedAtProperty() {
        return new ReadOnlyObjectWrapper<Instant>().getReadOnlyProperty();
    }

    /** Ctrl+N. */
    default void newItem() {
    }

    /** F5 / Ctrl+R. */
    default void refresh() {
    }

    /** Delete (after confirmation). */
    default void deleteSelected() {
    }

    /** The page became visible. */
    default void shown() {
    }
}
