package dev.patchbay.console.settings;

import java.util.List;

/** The JSON form of {@link Settings} ({@code settings.json}); every field may be missing in an older file. */
public record SettingsData(
        String theme,
        WindowBounds window,
        String lastPage,
        List<SavedConnection> connections,
        String activeConnection,
        Boolean failuresByStage) {
}
