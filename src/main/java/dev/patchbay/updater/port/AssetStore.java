package dev.patchbay.updater.port;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** The builtin web assets shipped inside the app package (Android {@code AssetManager}, folder {@code public/}). */
public interface AssetStore {
    /** Every file path, relative and '/'-separated, e.g. {@code index.html}, {@code assets/app.js}. */
    List<String> list() throws IOException;

    InputStream open(String path) throws IOException;
}
