package dev.patchbay.domain;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * A named release track of an app ({@code production}, {@code beta}, ...).
 *
 * @param defaultFor            platforms for which this channel is the app's default (at most one channel per platform)
 * @param platforms             platforms this channel serves at all
 * @param allowDeviceSelfAssign whether a device may switch itself to this channel
 * @param allowEmulators        whether emulators receive updates from it
 * @param allowDevBuilds        whether debug (non-production) builds receive updates from it
 * @param bundle                version of the published bundle it serves, or {@code null} for the app's builtin assets
 * @param updateGate            which native version boundary its bundle may not cross ({@code none} when null)
 * @param allowPhysicalDevices  whether physical devices (not emulators) receive updates from it
 * @param allowProductionBuilds whether production (release) builds receive updates from it
 */
public record Channel(
        String appId,
        String name,
        String description,
        Set<Platform> defaultFor,
        Set<Platform> platforms,
        boolean allowDeviceSelfAssign,
        boolean allowEmulators,
        boolean allowDevBuilds,
        Instant createdAt,
        Instant updatedAt,
        String bundle,
        UpdateGate updateGate,
        boolean allowPhysicalDevices,
        boolean allowProductionBuilds) {

    public Channel {
        defaultFor = ordered(defaultFor);
        platforms = ordered(platforms);
        updateGate = updateGate == null ? UpdateGate.NONE : updateGate;
    }

    /** A channel that serves physical devices and production builds. */
    public Channel(String appId, String name, String description, Set<Platform> defaultFor, Set<Platform> platforms,
                   boolean allowDeviceSelfAssign, boolean allowEmulators, boolean allowDevBuilds, Instant createdAt,
                   Instant updatedAt, String bundle, UpdateGate updateGate) {
        this(appId, name, description, defaultFor, platforms, allowDeviceSelfAssign, allowEmulators, allowDevBuilds,
                createdAt, updatedAt, bundle, updateGate, true, true);
    }

    /** A channel without an update gate. */
    public Channel(String appId, String name, String description, Set<Platform> defaultFor, Set<Platform> platforms,
                   boolean allowDeviceSelfAssign, boolean allowEmulators, boolean allowDevBuilds, Instant createdAt,
                   Instant updatedAt, String bundle) {
        this(appId, name, description, defaultFor, platforms, allowDeviceSelfAssign, allowEmulators, allowDevBuilds,
                createdAt, updatedAt, bundle, UpdateGate.NONE);
    }

    /** A channel serving the builtin assets (no bundle). */
    public Channel(String appId, String name, String description, Set<Platform> defaultFor, Set<Platform> platforms,
                   boolean allowDeviceSelfAssign, boolean allowEmulators, boolean allowDevBuilds, Instant createdAt,
                   Instant updatedAt) {
        this(appId, name, description, defaultFor, platforms, allowDeviceSelfAssign, allowEmulators, allowDevBuilds,
                createdAt, updatedAt, null, UpdateGate.NONE);
    }

    public Channel withBundle(String version) {
        return new Channel(appId, name, description, defaultFor, platforms, allowDeviceSelfAssign, allowEmulators,
                allowDevBuilds, createdAt, updatedAt, version, updateGate, allowPhysicalDevices, allowProductionBuilds);
    }

    public Channel withUpdateGate(UpdateGate gate) {
        return new Channel(appId, name, description, defaultFor, platforms, allowDeviceSelfAssign, allowEmulators,
                allowDevBuilds, createdAt, updatedAt, bundle, gate, allowPhysicalDevices, allowProductionBuilds);
    }

    /** Immutable, in declaration order (android before ios), so output and equality are stable. */
    private static Set<Platform> ordered(Set<Platform> platforms) {
        EnumSet<Platform> copy = EnumSet.noneOf(Platform.class);
        copy.addAll(platforms);
        return Collections.unmodifiableSet(copy);
    }
}
