package dev.patchbay.updater;

/** What {@code triggerUpdateCheck()} did. */
public enum CheckStatus {
    QUEUED, ALREADY_RUNNING, UNAVAILABLE
}
