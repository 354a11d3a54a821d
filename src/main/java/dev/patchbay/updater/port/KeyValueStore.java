package dev.patchbay.updater.port;

import java.util.Map;
import java.util.Set;

/**
 * One named key-value file, as Android's SharedPreferences: reads are from memory, {@link #commit} writes a batch
 * durably and atomically (all of it or none of it, even if the process dies during the write).
 */
public interface KeyValueStore {
    /** The value, or null. */
    String get(String key);

    /** A snapshot of every entry. */
    Map<String, String> all();

    /**
     * Applies {@code puts} and then {@code removes} in one durable, atomic write.
     *
     * @throws java.io.UncheckedIOException if the write failed (disk full, ...); nothing changed then
     */
    void commit(Map<String, String> puts, Set<String> removes);

    default void put(String key, String value) {
        commit(Map.of(key, value), Set.of());
    }

    default void remove(String key) {
        commit(Map.of(), Set.of(key));
    }
}
