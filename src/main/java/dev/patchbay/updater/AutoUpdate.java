package dev.patchbay.updater;

import java.util.Locale;

/** When the runtime checks, downloads and installs by itself (device-protocol §8, capgo-protocol §5.5). */
public enum AutoUpdate {
    /** Never by itself: only the JS API (getLatest, download, next/set). */
    OFF("off"),
    /** Check at cold start and foreground, download, queue as next; install at the next background or cold start. */
    AT_BACKGROUND("atBackground"),
    /** Check, download and install at once (set + reload), unless delay conditions are set. */
    ALWAYS("always"),
    /** As {@link #ALWAYS} for the first check after a cold start, then as {@link #AT_BACKGROUND}. */
    ON_LAUNCH("onLaunch"),
    /**
     * As {@link #ALWAYS} for the first check after a fresh install or a native update (native build changed), then
     * as {@link #AT_BACKGROUND}.
     */
    AT_INSTALL("atInstall"),
    /** Checks and downloads by itself (emits updateAvailable), but never sets next nor installs: the app does. */
    ONLY_DOWNLOAD("onlyDownload");

    private final String wire;

    AutoUpdate(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** Parses the config value; {@code true} is {@link #AT_BACKGROUND}, {@code false} is {@link #OFF}. */
    public static AutoUpdate of(String value) {
        if (value == null || value.equalsIgnoreCase("true")) {
            return AT_BACKGROUND;
        }
        if (value.equalsIgnoreCase("false")) {
            return OFF;
        }
        for (AutoUpdate a : values()) {
            if (a.wire.toLowerCase(Locale.ROOT).equals(value.toLowerCase(Locale.ROOT))) {
                return a;
            }
        }
        throw new IllegalArgumentException("autoUpdate \"" + value + "\" is not one of off, atBackground, always, "
                + "onLaunch, atInstall, onlyDownload");
    }
}
