package dev.patchbay.console.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import javafx.scene.Node;
import org.junit.jupiter.api.Test;
import org.kordamp.ikonli.Ikon;
import org.kordamp.ikonli.feather.Feather;

/** A lazy page is built once, on first use, and must be the page it says it is. */
class LazyPageTest {
    private static Page page(String id, String title) {
        return new Page() {
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
                return Feather.LIST;
            }

            @Override
            public Node view() {
                return null;
            }
        };
    }

    @Test
    void builtOnFirstUseOnly() {
        AtomicInteger builds = new AtomicInteger();
        LazyPage lazy = new LazyPage("apps", "Apps", Feather.PACKAGE, () -> {
            builds.incrementAndGet();
            return page("apps", "Apps");
        });
        assertEquals("apps", lazy.id());
        assertEquals("Apps", lazy.title());
        assertEquals(Feather.PACKAGE, lazy.icon());
        assertFalse(lazy.built());
        assertEquals(0, builds.get());
        lazy.view();
        lazy.refresh();
        lazy.shown();
        assertTrue(lazy.built());
        assertEquals(1, builds.get());
    }

    @Test
    void aPageThatIsNotTheOneNamedFailsAtItsFirstBuild() {
        LazyPage lazy = new LazyPage("apps", "Apps", Feather.PACKAGE, () -> page("apps", "Applications"));
        IllegalStateException e = assertThrows(IllegalStateException.class, lazy::view);
        assertTrue(e.getMessage().contains("Applications"), e.getMessage());
    }
}
