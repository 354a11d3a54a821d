package dev.patchbay.harness;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.domain.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What an installed device holds, read from its preferences files on disk (the runtime's records of its bundles). */
final class DeviceStates {
    private DeviceStates() {
    }

    /** The state of an installed app from its {@code prefs} (CapacitorUpdater) and {@code web} (CapWebViewSettings). */
    static DeviceState installed(String serial, AppPackage a, DeviceState.ProcessState processState, int pid,
                                 DeviceState.PageView page, String lastDeath, List<String> faults, Map<String, String> prefs,
                                 Map<String, String> web) {
        BundleView builtin = new BundleView(BundleView.BUILTIN, a.versionName(), -1, "success", null);
        List<BundleView> bundles = new ArrayList<>();
        bundles.add(builtin);
        for (Map.Entry<String, String> e : prefs.entrySet()) {
            if (e.getKey().startsWith("bundle.")) {
                bundles.add(bundleView(e.getKey().substring("bundle.".length()), e.getValue()));
            }
        }
        return new DeviceState(serial, a.appId(), a.versionName(), a.versionCode(), processState, pid,
                find(bundles, prefs.get("current"), builtin), find(bundles, prefs.get("next"), null),
                find(bundles, prefs.get("fallback"), builtin), List.copyOf(bundles), web.get("serverBasePath"),
                page, lastDeath, faults);
    }

    private static BundleView find(List<BundleView> bundles, String id, BundleView otherwise) {
        if (id == null || id.isEmpty()) {
            return otherwise;
        }
        return bundles.stream().filter(b -> b.id().equals(id)).findFirst()
                .orElse(new BundleView(id, "?", -1, "missing", "no bundle." + id + " entry"));
    }

    /** A bundle as the runtime records it ({@code bundle.<id>} in its preferences). */
    static BundleView bundleView(String id, String json) {
        try {
            JsonNode n = Json.mapper().readTree(json);
            return new BundleView(id, n.path("version").asText("?"), n.path("sequence").asLong(-1),
                    n.path("status").asText("?"), n.hasNonNull("reason") ? n.get("reason").asText() : null);
        } catch (IOException | RuntimeException e) {
            return new BundleView(id, "?", -1, "unreadable", e.getMessage());
        }
    }

    /** A preferences file {@code name} in {@code dir} as it is on disk (empty when missing or dir is null). */
    static Map<String, String> readPrefs(Path dir, String name) {
        if (dir == null) {
            return Map.of();
        }
        Path f = dir.resolve(name + ".xml");
        try {
            return Files.exists(f) ? SharedPrefsFile.parse(Files.readAllBytes(f)) : Map.of();
        } catch (IOException e) {
            return Map.of();
        }
    }
}
