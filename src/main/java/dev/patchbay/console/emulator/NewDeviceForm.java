package dev.patchbay.console.emulator;

import dev.patchbay.console.connection.Session;
import dev.patchbay.domain.App;
import dev.patchbay.domain.Names;
import dev.patchbay.domain.ValidationException;
import dev.patchbay.updater.AutoUpdate;
import dev.patchbay.updater.UpdaterConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/** The Emulator's "New device" form: what the app on a new device is built with, checked field by field. FX thread. */
public final class NewDeviceForm {
    static final Pattern SEMVER = Pattern.compile(
            "(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?");

    private final StringProperty nativeVersion = new SimpleStringProperty(this, "nativeVersion", "1.0.0");
    private final StringProperty nativeBuild = new SimpleStringProperty(this, "nativeBuild", "100");
    private final StringProperty channel = new SimpleStringProperty(this, "channel", "");
    private final ObjectProperty<AutoUpdate> autoUpdate = new SimpleObjectProperty<>(this, "autoUpdate",
            AutoUpdate.AT_BACKGROUND);
    private final StringProperty appReadyTimeout = new SimpleStringProperty(this, "appReadyTimeout", "10000");
    private final ObjectProperty<Path> assetsFolder = new SimpleObjectProperty<>(this, "assetsFolder");
    private final BooleanProperty reportsEmulator = new SimpleBooleanProperty(this, "reportsEmulator");
    private final ObjectProperty<EmulatorViewModel.WebLayer> webLayer;
    private final StringProperty nativeVersionError = new SimpleStringProperty(this, "nativeVersionError", "");
    private final StringProperty nativeBuildError = new SimpleStringProperty(this, "nativeBuildError", "");
    private final StringProperty channelError = new SimpleStringProperty(this, "channelError", "");
    private final StringProperty appReadyTimeoutError = new SimpleStringProperty(this, "appReadyTimeoutError", "");
    private final StringProperty assetsError = new SimpleStringProperty(this, "assetsError", "");

    NewDeviceForm(EmulatorViewModel.WebLayer webLayer) {
        this.webLayer = new SimpleObjectProperty<>(this, "webLayer", webLayer);
    }

    /** The device to make for {@code app} on {@code s}, or null with the errors shown beside the fields. */
    EmulatorDevices.Setup check(Session s, App app) {
        clearErrors();
        String version = nativeVersion.get() == null ? "" : nativeVersion.get().trim();
        if (!SEMVER.matcher(version).matches()) {
            nativeVersionError.set("A semantic version such as 1.4.0");
        }
        Long build = positive(nativeBuild.get(), nativeBuildError, "A whole number above 0, such as 140");
        Long readyMs = positive(appReadyTimeout.get(), appReadyTimeoutError, "Milliseconds, at least 1000");
        if (readyMs != null && readyMs < UpdaterConfig.MIN_APP_READY_TIMEOUT.toMillis()) {
            appReadyTimeoutError.set("At least " + UpdaterConfig.MIN_APP_READY_TIMEOUT.toMillis() + " ms");
        }
        String ch = channel.get() == null || channel.get().isBlank() ? null : channel.get().trim();
        if (ch != null) {
            try {
                Names.channelName(ch);
            } catch (ValidationException e) {
                channelError.set(e.getMessage());
            }
        }
        if (!nativeVersionError.get().isEmpty() || !nativeBuildError.get().isEmpty()
                || !appReadyTimeoutError.get().isEmpty() || !channelError.get().isEmpty()) {
            return null;
        }
        return new EmulatorDevices.Setup(s.connectionId(), s.client().baseUrl(), app.id(), version, build, ch,
                autoUpdate.get(), Duration.ofMillis(readyMs), assetsFolder.get(), reportsEmulator.get(),
                webLayer.get());
    }

    /** A whole number above 0, or null with {@code hint} in {@code error}. */
    static Long positive(String text, StringProperty error, String hint) {
        try {
            long v = Long.parseLong(text == null ? "" : text.trim());
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // the hint says what is expected
        }
        error.set(hint);
        return null;
    }

    void clearErrors() {
        nativeVersionError.set("");
        nativeBuildError.set("");
        channelError.set("");
        appReadyTimeoutError.set("");
        assetsError.set("");
    }

    public StringProperty nativeVersionProperty() {
        return nativeVersion;
    }

    public StringProperty nativeBuildProperty() {
        return nativeBuild;
    }

    public StringProperty channelProperty() {
        return channel;
    }

    public ObjectProperty<AutoUpdate> autoUpdateProperty() {
        return autoUpdate;
    }

    public StringProperty appReadyTimeoutProperty() {
        return appReadyTimeout;
    }

    /** The builtin web assets folder; null: a generated page that calls notifyAppReady. */
    public ObjectProperty<Path> assetsFolderProperty() {
        return assetsFolder;
    }

    public BooleanProperty reportsEmulatorProperty() {
        return reportsEmulator;
    }

    public ObjectProperty<EmulatorViewModel.WebLayer> webLayerProperty() {
        return webLayer;
    }

    public StringProperty nativeVersionErrorProperty() {
        return nativeVersionError;
    }

    public StringProperty nativeBuildErrorProperty() {
        return nativeBuildError;
    }

    public StringProperty channelErrorProperty() {
        return channelError;
    }

    public StringProperty appReadyTimeoutErrorProperty() {
        return appReadyTimeoutError;
    }

    public StringProperty assetsErrorProperty() {
        return assetsError;
    }
}
