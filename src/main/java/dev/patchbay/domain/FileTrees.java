package dev.patchbay.domain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Deleting a folder with everything in it: the one recursive delete every part uses. */
public final class FileTrees {
    private FileTrees() {
    }

    /**
     * Deletes the folder (or file) and everything below it, deepest first; stops at the first entry that cannot be
     * deleted and throws. A missing {@code root} is nothing to do.
     */
    public static void delete(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        List<Path> all;
        try (Stream<Path> s = Files.walk(root)) {
            all = s.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : all) {
            Files.deleteIfExists(p);
        }
    }

    /**
     * Best effort, for temporary folders: deletes what it can below {@code root} (null or missing: nothing to do),
     * skips what it cannot and never throws.
     */
    public static void deleteQuietly(Path root) {
        if (root == null) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: the caller keeps going without it
                }
            });
        } catch (IOException ignored) {
            // gone already, or unreadable: nothing more to do
        }
    }
}
