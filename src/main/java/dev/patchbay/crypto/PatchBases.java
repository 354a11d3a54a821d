package dev.patchbay.crypto;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where the publisher finds older versions of a file to make binary patches from (bundle-format §5.4): the files of
 * earlier releases a device may still run. The CLI and the console read them from the server (decrypting with the
 * content key); tests give them directly.
 */
public interface PatchBases {
    /** No bases: no patches. */
    PatchBases NONE = file -> List.of();

    /** An older file: its plaintext SHA-256 and size, and a way to read it (called only when a patch is made). */
    record Base(String sha256, long size, Content content) {
    }

    /** Reads an older file's plaintext. */
    interface Content {
        byte[] read() throws IOException;
    }

    /** The older files to try for {@code file} of the new release (may be empty; duplicates are ignored). */
    List<Base> basesFor(Manifest.File file) throws IOException;

    /** A hex or base-36 run of 6+ characters with a digit, between '-', '.' or '_': a build hash in a file name. */
    Pattern HASH = Pattern.compile("(?<=[-._])(?=[A-Za-z0-9]*[0-9])[A-Za-z0-9]{6,}(?=[-._])");

    /**
     * The files of {@code older} worth diffing {@code target} against: the file at the same path, or else the file
     * whose path is the same once build hashes are taken out of the name ({@code assets/index-4f3a9c1b.js} and
     * {@code assets/index-77d0e2aa.js}), the closest in size first. Files with the target's own content are not
     * returned (a device holding them copies them).
     */
    static List<Manifest.File> candidates(Manifest older, Manifest.File target) {
        List<Manifest.File> out = new ArrayList<>();
        Manifest.File samePath = null;
        String key = stem(target.path());
        List<Manifest.File> similar = new ArrayList<>();
        for (Manifest.File f : older.files()) {
            if (f.sha256().equals(target.sha256())) {
                return List.of(); // a device on that release has the file already
            }
            if (f.path().equals(target.path())) {
                samePath = f;
            } else if (stem(f.path()).equals(key)) {
                similar.add(f);
            }
        }
        if (samePath != null) {
            out.add(samePath);
        } else {
            similar.stream().min(java.util.Comparator.comparingLong(f -> Math.abs(f.size() - target.size())))
                    .ifPresent(out::add);
        }
        return out;
    }

    /** A path with build hashes in its file name replaced by "*", lower case. */
    static String stem(String path) {
        int slash = path.lastIndexOf('/');
        String name = path.substring(slash + 1);
        return (path.substring(0, slash + 1) + HASH.matcher(name).replaceAll("*")).toLowerCase(Locale.ROOT);
    }
}
