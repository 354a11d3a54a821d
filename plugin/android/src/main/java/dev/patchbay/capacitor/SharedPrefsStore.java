package dev.patchbay.capacitor;

import android.content.Context;
import android.content.SharedPreferences;
import dev.patchbay.updater.port.KeyValueStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The runtime's key-value port on Android's {@link SharedPreferences}: {@code commit()} writes the whole file
 * through a backup copy, so a batch is on disk entirely or not at all, even if the process dies meanwhile.
 */
final class SharedPrefsStore implements KeyValueStore {
    private final SharedPreferences prefs;

    SharedPrefsStore(Context context, String name) {
        this.prefs = context.getSharedPreferences(name, Context.MODE_PRIVATE);
    }

    @Override
    public String get(String key) {
        Object v = prefs.getAll().get(key);
        return v == null ? null : String.valueOf(v);
    }

    @Override
    public Map<String, String> all() {
        Map<String, String> out = new HashMap<>();
        prefs.getAll().forEach((k, v) -> {
            if (v != null) {
                out.put(k, String.valueOf(v));
            }
        });
        return out;
    }

    @Override
    public void commit(Map<String, String> puts, Set<String> removes) {
        SharedPreferences.Editor e = prefs.edit();
        puts.forEach(e::putString);
        removes.forEach(e::remove);
        if (!e.commit()) {
            throw new UncheckedIOException(new IOException("SharedPreferences could not write its file"));
        }
    }
}
