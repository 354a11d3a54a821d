package dev.patchbay.console.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DataFolderTest {
    @Test
    void patchbayHomeWinsThenThePropertyThenXdgThenTheHomeFolder() {
        assertEquals(Path.of("/a"), DataFolder.resolve(Map.of("PATCHBAY_HOME", "/a", "XDG_DATA_HOME", "/x"), "/p", "/h"));
        assertEquals(Path.of("/p"), DataFolder.resolve(Map.of("XDG_DATA_HOME", "/x"), "/p", "/h"));
        assertEquals(Path.of("/x/patchbay"), DataFolder.resolve(Map.of("XDG_DATA_HOME", "/x"), null, "/h"));
        assertEquals(Path.of("/h/.local/share/patchbay"), DataFolder.resolve(Map.of("PATCHBAY_HOME", " "), "", "/h"));
    }
}
