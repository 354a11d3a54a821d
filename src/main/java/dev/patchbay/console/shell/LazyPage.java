package dev.patchbay.console.shell;

import java.time.Instant;
import java.util.function.Supplier;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.scene.Node;
import org.kordamp.ikonli.Ikon;

/**
 * A page that is built the first time it is needed (shown, or asked for its data): the sidebar and the View menu need
 * only its id, title and icon, so the console's first frame does not wait for the nine pages nobody looks at yet
 * (ADR 0121). The id and title given here must be the built page's own; a mismatch is a programming error and fails
 * at the first build.
 */
public final class LazyPage implements Page {
    private final String id;
    private final String title;
    private final Ikon icon;
    private Supplier<? extends Page> factory;
    private Page page;

    public LazyPage(String id, String title, Ikon icon, Supplier<? extends Page> factory) {
        this.id = id;
        this.title = title;
        this.icon = icon;
        this.factory = factory;
    }

    /** Whether the page has been built. */
    public boolean built() {
        return page != null;
    }

    /** The page itself, built now if it was not yet. */
    public Page page() {
        if (page == null) {
            Page made = factory.get();
            if (!id.equals(made.id()) || !title.equals(made.title())) {
                throw new IllegalStateException("Lazy page '" + id + "' / '" + title + "' built a page '" + made.id()
                        + "' / '" + made.title() + "'");
            }
            page = made;
            factory = null;
        }
        return page;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String title() {
        return title;
    }

    @Override
    public Ikon icon() {
        return icon;
    }

    @Override
    public Node view() {
        return page().view();
    }

    @Override
    public ReadOnlyObjectProperty<Instant> dataFetchedAtProperty() {
        return page().dataFetchedAtProperty();
    }

    @Override
    public void newItem() {
        page().newItem();
    }

    @Override
    public void refresh() {
        page().refresh();
    }

    @Override
    public void deleteSelected() {
        page().deleteSelected();
    }

    @Override
    public void shown() {
        page().shown();
    }
}
