package dev.patchbay.console.settings;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.patchbay.domain.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * API keys of remote connections, in {@code secrets.json}: a separate file created owner-only (rw-------) and
 * replaced atomically, so settings.json can be shared or shown without leaking a key. Reads are from memory;
 * writes block on disk (call them off the FX thread). Thread-safe: readers never wait for a writer's disk I/O.
 */
public final class SecretStore {
    public static final String FILE = "secrets.json";

    private final Path file;
    private final Object writeLock = new Object();
    private volatile Map<String, String> keys = Map.of();

    private SecretStore(Path file) {
        this.file = file;
    }

    /** A store that starts empty (the file could not be read) and overwrites the file on the first write. */
    public static SecretStore empty(Path dataFolder) {
        return new SecretStore(dataFolder.resolve(FILE));
    }

    public static SecretStore load(Path dataFolder) {
        SecretStore store = new SecretStore(dataFolder.resolve(FILE));
        if (Files.exists(store.file)) {
            try {
                store.keys = Map.copyOf(Json.mapper().readValue(store.file.toFile(), new TypeReference<Map<String, String>>() { }));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read API keys from " + store.file + ": " + e.getMessage(), e);
            }
        }
        return store;
    }

    public Optional<String> apiKey(String connectionId) {
        return Optional.ofNullable(keys.get(connectionId));
    }

    public void put(String connectionId, String apiKey) throws IOException {
        synchronized (writeLock) {
            Map<String, String> next = new TreeMap<>(keys);
            next.put(connectionId, apiKey);
            save(next);
        }
    }

    public void remove(String connectionId) throws IOException {
        synchronized (writeLock) {
            if (keys.containsKey(connectionId)) {
                Map<String, String> next = new TreeMap<>(keys);
                next.remove(connectionId);
                save(next);
            }
        }
    }

    /** Writes first, then publishes: a failed write leaves memory and file as they were. */
    private void save(Map<String, String> next) throws IOException {
        AtomicFiles.write(file, Json.mapper().writeValueAsBytes(next), true);
        keys = Map.copyOf(next);
    }
}
