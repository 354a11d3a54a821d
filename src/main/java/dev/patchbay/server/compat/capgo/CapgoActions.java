package dev.patchbay.server.compat.capgo;

import dev.patchbay.server.devices.DeviceDecisions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The plugin's stats actions in Patchbay's event vocabulary (docs/capgo-compat.md §4), so the device page, the
 * timeline and rollout health (attempts = a failure or {@code app_ready}; failures = {@code download_fail},
 * {@code verify_fail}, {@code rollback}) read compat devices like Patchbay devices. Actions without a Patchbay
 * counterpart are kept under their own name (timeline only).
 */
final class CapgoActions {
    /** Download and install failures: Patchbay's {@code download_fail}, reason = the plugin's action. */
    static final Set<String> DOWNLOAD_FAILURES = Set.of("download_fail", "finish_download_fail",
            "download_manifest_file_fail", "download_manifest_brotli_fail", "manifest_path_fail", "unzip_fail",
            "windows_path_fail", "canonical_path_fail", "directory_path_fail", "low_mem_fail", "set_fail");
    /** Integrity failures: Patchbay's {@code verify_fail}. */
    static final Set<String> VERIFY_FAILURES = Set.of("checksum_fail", "checksum_required", "decrypt_fail",
            "download_manifest_checksum_fail");
    /** Renamed one to one. */
    static final Map<String, String> RENAMED = Map.of("app_moved_to_foreground", "foreground",
            "app_moved_to_background", "background", "app_launch_start", "app_launch", "download_complete",
            "download_complete", "set_next", "set_next", "reset", "reset", "delete", "delete",
            "native_app_version_changed", "native_changed", "rate_limit_reached", "rate_limited");

    private CapgoActions() {
    }

    /**
     * The Patchbay events for one plugin event; {@code state} gives the device's stored current bundle and the last
     * bundle offered to it (read only for failures).
     */
    static List<DeviceDecisions.Event> map(CapgoStatsApi.PluginEvent e, String id, Supplier<String[]> state) {
        String action = e.action();
        String version = e.versionName();
        Map<String, String> details = new LinkedHashMap<>(e.metadata());
        details.put("source", "capgo");
        if (version != null && version.contains(":")) {
            // Per-file failures name "<version>:<file>".
            details.put("file", version.substring(version.indexOf(':') + 1));
            version = version.substring(0, version.indexOf(':'));
        }
        String bundle = version == null || version.isEmpty() ? null : version;
        String at = CapgoStatsApi.at(e);
        List<DeviceDecisions.Event> out = new ArrayList<>();
        if (action.startsWith("download_") && action.substring(9).matches("[0-9]{1,2}")) {
            details.put("percent", action.substring(9));
            out.add(new DeviceDecisions.Event(id, action.equals("download_0") ? "download_start" : "download_progress",
                    bundle, null, at, details));
        } else if (action.equals("download_zip_start") || action.equals("download_manifest_start")) {
            details.put("plugin_action", action);
            out.add(new DeviceDecisions.Event(id, "download_start", bundle, null, at, details));
        } else if (DOWNLOAD_FAILURES.contains(action) || VERIFY_FAILURES.contains(action)
                || action.equals("update_fail")) {
            String patchbay = action.equals("update_fail") ? "rollback"
                    : VERIFY_FAILURES.contains(action) ? "verify_fail" : "download_fail";
            details.put("reason", action);
            String target = failureTarget(bundle, patchbay, state);
            if (target == null) {
                // Reported against the bundle the device runs, with nothing being downloaded (e.g. a check that
                // failed): not a failure of that bundle, so timeline only.
                out.add(new DeviceDecisions.Event(id, action, bundle, null, at, details));
            } else {
                if (!target.equals(bundle) && bundle != null) {
                    details.put("reported_version", bundle);
                }
                out.add(new DeviceDecisions.Event(id, patchbay, target, e.oldVersionName(), at, details));
            }
        } else if (action.equals("set")) {
            // The plugin's success signal: older plugins report nothing when notifyAppReady() confirms, and a bundle
            // that never confirms comes back as update_fail (a rollback) later. A set therefore counts as a start.
            out.add(new DeviceDecisions.Event(id, "set", bundle, e.oldVersionName(), at, details));
            out.add(new DeviceDecisions.Event(id + "r", "app_ready", bundle, e.oldVersionName(), at, details));
        } else if (action.equals("app_launch_ready")) {
            out.add(new DeviceDecisions.Event(id, "app_ready", bundle, null, at, details));
        } else if (RENAMED.containsKey(action)) {
            out.add(new DeviceDecisions.Event(id, RENAMED.get(action), bundle, e.oldVersionName(), at, details));
        } else {
            out.add(new DeviceDecisions.Event(id, action.length() > 40 ? action.substring(0, 40) : action, bundle,
                    e.oldVersionName(), at, details));
        }
        return out;
    }

    /**
     * The bundle a failure is about. The plugin names the bundle it was downloading for failures of the download
     * itself, but the bundle it runs for integrity failures, rollbacks and failed checks; a failure named after the
     * running bundle is moved to the bundle last offered to the device (what it was installing), or dropped from
     * the counts when nothing else was offered. A rollback ({@code update_fail}) is about the running bundle.
     */
    private static String failureTarget(String bundle, String patchbay, Supplier<String[]> state) {
        if (patchbay.equals("rollback")) {
            return bundle == null || bundle.equals("builtin") ? null : bundle;
        }
        String[] s = state.get();
        String current = s[0];
        String offered = s[1];
        if (bundle != null && !bundle.equals("builtin") && !bundle.equals(current)) {
            return bundle;
        }
        return offered != null && !offered.equals(current) ? offered : null;
    }
}
