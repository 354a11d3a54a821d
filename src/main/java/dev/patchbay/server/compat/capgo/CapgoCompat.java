package dev.patchbay.server.compat.capgo;

import dev.patchbay.server.blobs.BlobStore;
import dev.patchbay.server.devices.DeviceDecisions;
import dev.patchbay.server.http.ApiResponse;
import dev.patchbay.server.http.Router;
import dev.patchbay.server.store.Database;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Capgo-compatible delivery (docs/capgo-compat.md): the device routes the reference updater plugin
 * ({@code @capgo/capacitor-updater} 6, 7 and 8) calls when an app's {@code updateUrl}, {@code statsUrl} and
 * {@code channelUrl} point at {@code <server>/compat/capgo/...}, for apps that switched the mode on, and the
 * management routes for the plugin-format artifacts publishers upload. Patchbay's own device protocol is untouched.
 */
public final class CapgoCompat {
    /** Where the routes live; the plugin's hosted backend also mounts them under {@code /plugin}. */
    static final List<String> PREFIXES = List.of("/compat/capgo", "/compat/capgo/plugin");
    /** Update checks decided at once before 429s. */
    static final int CHECK_CONCURRENCY = 256;

    private CapgoCompat() {
    }

    /** Registers every compat route; {@code decisions} is the shared update decision of the device protocol. */
    public static void register(Router router, Database db, Clock clock, BlobStore blobs, DeviceDecisions decisions,
                                String publicUrl, Supplier<String> serverUrl, int statsConcurrency) {
        CapgoArtifacts artifacts = new CapgoArtifacts(db, decisions.catalog());
        CapgoGate gate = new CapgoGate(CHECK_CONCURRENCY, statsConcurrency, clock::millis);
        for (String prefix : PREFIXES) {
            // Health: what the plugin's hosted backend answers on GET of each device route and on /ok.
            for (String path : List.of("/ok", "/updates", "/stats")) {
                router.open("GET", prefix + path, r -> ApiResponse.ok(Map.of("status", "ok")));
            }
        }
        router.open("GET", "/compat/capgo", r -> ApiResponse.ok(Map.of("status", "ok")));
        new CapgoUpdatesApi(artifacts, decisions, gate, publicUrl, serverUrl).register(router);
        new CapgoStatsApi(artifacts, decisions, gate, clock::millis).register(router);
        new CapgoChannelSelfApi(artifacts, decisions, gate, clock::millis).register(router);
        new CapgoArtifactsApi(db, clock, blobs).register(router);
    }
}
