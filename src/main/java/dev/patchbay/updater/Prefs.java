package dev.patchbay.updater;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.domain.Json;
import dev.patchbay.updater.port.Clock;
import dev.patchbay.updater.port.KeyValueStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The runtime's preferences ({@code CapacitorUpdater}, device-protocol §8) and its persisted stats queue. Every
 * change is one {@link Tx}: state keys and the device events describing the change are written in one atomic commit,
 * so a kill never separates a state change from its event.
 */
final class Prefs {
    static final String DEVICE_ID = "deviceId";
    static final String BUNDLE = "bundle.";
    static final String CURRENT = "current";
    static final String NEXT = "next";
    static final String FALLBACK = "fallback";
    static final String FAILED = "failed.";
    static final String SEQUENCE_FLOOR = "sequenceFloor";
    static final String NATIVE_BUILD = "nativeBuild";
    static final String DELAYS = "delays";
    static final String CHANNEL = "channel";
    static final String CUSTOM_ID = "customId";
    static final String STATS_QUEUE = "statsQueue";
    /** Most events kept; the oldest are dropped first (device-protocol §5). */
    static final int MAX_QUEUE = 500;

    private final KeyValueStore kv;
    private final Clock clock;
    private final boolean statsEnabled;
    private List<ObjectNode> queue;
    /** Events not worth a write of their own (download progress): they go with the next commit. */
    private final List<ObjectNode> deferred = new ArrayList<>();

    Prefs(KeyValueStore kv, Clock clock, boolean statsEnabled) {
        this.kv = kv;
        this.clock = clock;
        this.statsEnabled = statsEnabled;
    }

    String get(String key) {
        return kv.get(key);
    }

    String current() {
        String c = kv.get(CURRENT);
        return c == null ? BundleInfo.BUILTIN_ID : c;
    }

    String next() {
        return kv.get(NEXT);
    }

    String fallback() {
        String f = kv.get(FALLBACK);
        return f == null ? BundleInfo.BUILTIN_ID : f;
    }

    long sequenceFloor() {
        String s = kv.get(SEQUENCE_FLOOR);
        return s == null ? -1 : Long.parseLong(s);
    }

    BundleRecord bundle(String id) {
        return id == null ? null : BundleRecord.parse(kv.get(BUNDLE + id));
    }

    /** Every bundle record, by id. */
    Map<String, BundleRecord> bundles() {
        Map<String, BundleRecord> out = new TreeMap<>();
        kv.all().forEach((k, v) -> {
            if (k.startsWith(BUNDLE)) {
                BundleRecord r = BundleRecord.parse(v);
                if (r != null) {
                    out.put(r.id(), r);
                }
            }
        });
        return out;
    }

    /** Why this version failed before (never installed again automatically), or null. */
    String failed(String version) {
        return kv.get(FAILED + version);
    }

    Tx tx() {
        return new Tx();
    }

    synchronized List<ObjectNode> queue() {
        if (queue == null) {
            queue = new ArrayList<>();
            String stored = kv.get(STATS_QUEUE);
            if (stored != null) {
                try {
                    for (JsonNode n : Json.mapper().readTree(stored)) {
                        if (n.isObject()) {
                            queue.add((ObjectNode) n);
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    queue.clear(); // a damaged queue is dropped, never a reason not to start
                }
            }
        }
        return new ArrayList<>(queue);
    }

    /** Queues an event with the next commit instead of writing it now (lost if the process dies first). */
    synchronized void defer(String action, String bundle, Map<String, String> details) {
        Tx t = new Tx();
        t.event(action, bundle, null, details);
        deferred.addAll(t.events);
    }

    /** Removes events the server acknowledged. */
    synchronized void acknowledge(Set<String> ids) {
        List<ObjectNode> left = new ArrayList<>();
        for (ObjectNode e : queue()) {
            if (!ids.contains(e.path("id").asText())) {
                left.add(e);
            }
        }
        kv.commit(Map.of(STATS_QUEUE, serialize(left)), Set.of());
        queue = left;
    }

    private static String serialize(List<ObjectNode> events) {
        ArrayNode a = Json.mapper().createArrayNode();
        events.forEach(a::add);
        return a.toString();
    }

    /** One atomic change of preferences with the events that describe it. */
    final class Tx {
        private final Map<String, String> puts = new LinkedHashMap<>();
        private final Set<String> removes = new LinkedHashSet<>();
        private final List<ObjectNode> events = new ArrayList<>();

        Tx put(String key, String value) {
            if (value == null) {
                return remove(key);
            }
            removes.remove(key);
            puts.put(key, value);
            return this;
        }

        Tx remove(String key) {
            puts.remove(key);
            removes.add(key);
            return this;
        }

        Tx bundle(BundleRecord r) {
            return put(BUNDLE + r.id(), r.toJson());
        }

        /** A device event (device-protocol §5); details are strings. */
        Tx event(String action, String bundle, String oldBundle, Map<String, String> details) {
            if (!statsEnabled) {
                return this;
            }
            ObjectNode e = Json.mapper().createObjectNode();
            e.put("id", UUID.randomUUID().toString());
            e.put("action", action);
            if (bundle == null) {
                e.putNull("bundle");
            } else {
                e.put("bundle", bundle);
            }
            if (oldBundle == null) {
                e.putNull("oldBundle");
            } else {
                e.put("oldBundle", oldBundle);
            }
            e.put("at", clock.now().toString());
            ObjectNode d = e.putObject("details");
            if (details != null) {
                details.forEach((k, v) -> {
                    if (v != null) {
                        d.put(k, v);
                    }
                });
            }
            events.add(e);
            return this;
        }

        Tx event(String action, String bundle) {
            return event(action, bundle, null, null);
        }

        boolean isEmpty() {
            return puts.isEmpty() && removes.isEmpty() && events.isEmpty();
        }

        /** Writes everything at once; on failure (disk full) nothing changed and the exception propagates. */
        void commit() {
            if (isEmpty()) {
                return;
            }
            synchronized (Prefs.this) {
                Map<String, String> p = new LinkedHashMap<>(puts);
                List<ObjectNode> q = null;
                if (!events.isEmpty() || !deferred.isEmpty()) {
                    q = queue();
                    q.addAll(deferred);
                    q.addAll(events);
                    if (q.size() > MAX_QUEUE) {
                        int drop = q.size() - MAX_QUEUE + 1;
                        q = new ArrayList<>(q.subList(drop, q.size()));
                        Tx note = new Tx();
                        note.event("stats_dropped", null, null, Map.of("count", Integer.toString(drop)));
                        q.add(note.events.get(0));
                    }
                    p.put(STATS_QUEUE, serialize(q));
                }
                Set<String> r = new HashSet<>(removes);
                r.removeAll(p.keySet());
                kv.commit(p, r);
                if (q != null) {
                    queue = q;
                    deferred.clear();
                }
            }
        }
    }
}
