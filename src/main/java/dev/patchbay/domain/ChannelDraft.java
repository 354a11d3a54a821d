package dev.patchbay.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Set;

/**
 * A channel to create, or the changes to one: every field is optional on update, where {@code null} keeps the
 * current value. On create, {@code name} is required and the other nulls take the defaults of {@link #withDefaults()}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChannelDraft(
        String name,
        String description,
        Set<Platform> defaultFor,
        Set<Platform> platforms,
        Boolean allowDeviceSelfAssign,
        Boolean allowEmulators,
        Boolean allowDevBuilds,
        UpdateGate updateGate,
        Boolean allowPhysicalDevices,
        Boolean allowProductionBuilds) {

    /** A draft that leaves the physical-device and production-build switches unset. */
    public ChannelDraft(String name, String description, Set<Platform> defaultFor, Set<Platform> platforms,
                        Boolean allowDeviceSelfAssign, Boolean allowEmulators, Boolean allowDevBuilds,
                        UpdateGate updateGate) {
        this(name, description, defaultFor, platforms, allowDeviceSelfAssign, allowEmulators, allowDevBuilds, updateGate,
                null, null);
    }

    /** A draft that leaves the update gate unset. */
    public ChannelDraft(String name, String description, Set<Platform> defaultFor, Set<Platform> platforms,
                        Boolean allowDeviceSelfAssign, Boolean allowEmulators, Boolean allowDevBuilds) {
        this(name, description, defaultFor, platforms, allowDeviceSelfAssign, allowEmulators, allowDevBuilds, null);
    }

    public static ChannelDraft named(String name) {
        return new ChannelDraft(name, null, null, null, null, null, null, null, null, null);
    }

    public ChannelDraft withDescription(String value) {
        return new ChannelDraft(name, value, defaultFor, platforms, allowDeviceSelfAssign, allowEmulators, allowDevBuilds,
                updateGate, allowPhysicalDevices, allowProductionBuilds);
    }

    public ChannelDraft withDefaultFor(Set<Platform> value) {
        return new ChannelDraft(name, description, value, platforms, allowDeviceSelfAssign, allowEmulators, allowDevBuilds,
                updateGate, allowPhysicalDevices, allowProductionBuilds);
    }

    public ChannelDraft withPlatforms(Set<Platform> value) {
        return new ChannelDraft(name, description, defaultFor, value, allowDeviceSelfAssign, allowEmulators, allowDevBuilds,
                updateGate, allowPhysicalDevices, allowProductionBuilds);
    }

    public ChannelDraft withAllowDeviceSelfAssign(Boolean value) {
        return new ChannelDraft(name, description, defaultFor, platforms, value, allowEmulators, allowDevBuilds,
                updateGate, allowPhysicalDevices, allowProductionBuilds);
    }

    public ChannelDraft withAllowEmulators(Boolean value) {
        return new ChannelDraft(name, description, defaultFor, platforms, allowDeviceSelfAssign, value, allowDevBuilds,
                updateGate, allowPhysicalDevices, allowProductionBuilds);
    }

    public ChannelDraft withAllowDevBuilds(Boolean value) {
        return new ChannelDraft(name, description, defaultFor, platforms, allowDeviceSelfAssign, allowEmulators, value,
                updateGate, allowPhysicalDevices, allowProductionBuilds);
    }

    public ChannelDraft withUpdateGate(UpdateGate value) {
        return new ChannelDraft(name, description, defaultFor, platforms, allowDeviceSelfAssign, allowEmulators,
                allowDevBuilds, value, allowPhysicalDevices, allowProductionBuilds);
    }

    public ChannelDraft withAllowPhysicalDevices(Boolean value) {
        return new ChannelDraft(name, description, defaultFor, platforms, allowDeviceSelfAssign, allowEmulators,
                allowDevBuilds, updateGate, value, allowProductionBuilds);
    }

    public ChannelDraft withAllowProductionBuilds(Boolean value) {
        return new ChannelDraft(name, description, defaultFor, platforms, allowDeviceSelfAssign, allowEmulators,
                allowDevBuilds, updateGate, allowPhysicalDevices, value);
    }

    /**
     * Fills unset fields with the defaults of a new channel: all platforms, no default, self-assign off, emulators, dev
     * builds, physical devices and production builds allowed, no update gate.
     */
    public ChannelDraft withDefaults() {
        return new ChannelDraft(name,
                description == null ? "" : description,
                defaultFor == null ? Set.of() : defaultFor,
                platforms == null ? Set.of(Platform.values()) : platforms,
                allowDeviceSelfAssign == null ? Boolean.FALSE : allowDeviceSelfAssign,
                allowEmulators == null ? Boolean.TRUE : allowEmulators,
                allowDevBuilds == null ? Boolean.TRUE : allowDevBuilds,
                updateGate == null ? UpdateGate.NONE : updateGate,
                allowPhysicalDevices == null ? Boolean.TRUE : allowPhysicalDevices,
                allowProductionBuilds == null ? Boolean.TRUE : allowProductionBuilds);
    }
}
