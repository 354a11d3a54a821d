package dev.patchbay.server.auth;

/** What a management route needs from the calling key (ADR 0095); {@link RoutePermissions} maps routes to these. */
public enum Permission {
    /** Any GET: apps, channels, bundles, rollouts, devices, audit. */
    READ,
    /** Publish bundles, edit channels and trust, drive rollouts of an app. */
    PUBLISH,
    /** Set or clear a device's channel override. */
    DEVICE_ADMIN,
    /** Create, rename or delete apps; manage API keys. */
    ADMIN
}
