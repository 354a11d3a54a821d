package dev.patchbay.client;

import dev.patchbay.domain.rollout.Rollout;
import java.util.List;

/**
 * What the console's Overview shows of one app.
 *
 * @param rolloutsInFlight the app's running and paused rollouts, by channel
 * @param failures24h      distinct devices that reported a failed update (rollback, verify_fail, download_fail) in
 *                         the last 24 h
 * @param devicesSeen24h   devices that checked in or reported in the last 24 h
 * @param devices          every device the server knows of the app
 * @param devicesByBundle  devices per current bundle, most first (at most 20 bundles)
 * @param devicesByBundleAt when the server counted them (it counts at most once a minute per app; null from servers
 *                          before that)
 */
public record AppOverview(List<Rollout> rolloutsInFlight, long failures24h, long devicesSeen24h, long devices,
                          List<BundleDevices> devicesByBundle, java.time.Instant devicesByBundleAt) {
    public AppOverview {
        rolloutsInFlight = rolloutsInFlight == null ? List.of() : List.copyOf(rolloutsInFlight);
        devicesByBundle = devicesByBundle == null ? List.of() : List.copyOf(devicesByBundle);
    }

    /** Devices whose current bundle is {@code bundle} (null: the builtin assets). */
    public record BundleDevices(String bundle, long devices) {
    }
}
