package dev.patchbay.updater;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.crypto.Codec;
import dev.patchbay.crypto.KeyIds;
import dev.patchbay.domain.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;

/**
 * The runtime's configuration, as {@code capacitor.config.json} → {@code plugins.PatchbayUpdater} (device-protocol
 * §8). {@code rootPublicKey} is the app's raw 32-byte Ed25519 root key and {@code contentKey} the 32-byte AES content
 * key, both compiled into the app. Build with {@link #builder} or {@link #fromJson}.
 */
public record UpdaterConfig(String serverUrl, String appId, byte[] rootPublicKey, byte[] contentKey,
        AutoUpdate autoUpdate, Duration appReadyTimeout, Duration responseTimeout, boolean autoDeleteFailed,
        boolean autoDeletePrevious, boolean resetWhenUpdate, String defaultChannel, boolean statsEnabled,
        Duration downloadDeadline, int maxRetries, Duration retryBaseDelay, Duration periodCheckDelay) {
    public static final Duration MIN_APP_READY_TIMEOUT = Duration.ofSeconds(1);
    /** The shortest periodic check interval, as the reference plugin: shorter non-zero values become this. */
    public static final Duration MIN_PERIOD_CHECK_DELAY = Duration.ofSeconds(600);

    public UpdaterConfig {
        Objects.requireNonNull(serverUrl, "serverUrl");
        Objects.requireNonNull(appId, "appId");
        if (rootPublicKey == null || rootPublicKey.length != 32) {
            throw new IllegalArgumentException("rootPublicKey must be the 32-byte Ed25519 root public key");
        }
        if (contentKey == null || contentKey.length != 32) {
            throw new IllegalArgumentException("contentKey must be the 32-byte content key");
        }
        while (serverUrl.endsWith("/")) {
            serverUrl = serverUrl.substring(0, serverUrl.length() - 1);
        }
        rootPublicKey = rootPublicKey.clone();
        contentKey = contentKey.clone();
        autoUpdate = autoUpdate == null ? AutoUpdate.AT_BACKGROUND : autoUpdate;
        appReadyTimeout = appReadyTimeout == null ? Duration.ofSeconds(10)
                : appReadyTimeout.compareTo(MIN_APP_READY_TIMEOUT) < 0 ? MIN_APP_READY_TIMEOUT : appReadyTimeout;
        responseTimeout = responseTimeout == null ? Duration.ofSeconds(20) : responseTimeout;
        downloadDeadline = downloadDeadline == null ? Duration.ofMinutes(10) : downloadDeadline;
        retryBaseDelay = retryBaseDelay == null ? Duration.ofSeconds(1) : retryBaseDelay;
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries cannot be negative");
        }
        if (periodCheckDelay != null && periodCheckDelay.isNegative()) {
            throw new IllegalArgumentException("periodCheckDelay cannot be negative");
        }
        periodCheckDelay = periodCheckDelay == null || periodCheckDelay.isZero() ? Duration.ZERO
                : periodCheckDelay.compareTo(MIN_PERIOD_CHECK_DELAY) < 0 ? MIN_PERIOD_CHECK_DELAY : periodCheckDelay;
    }

    public String rootKeyId() {
        return KeyIds.ofPublicKey(rootPublicKey);
    }

    public String contentKeyId() {
        return KeyIds.ofContentKey(contentKey);
    }

    @Override
    public byte[] rootPublicKey() {
        return rootPublicKey.clone();
    }

    @Override
    public byte[] contentKey() {
        return contentKey.clone();
    }

    public static Builder builder(String serverUrl, String appId, byte[] rootPublicKey, byte[] contentKey) {
        return new Builder(serverUrl, appId, rootPublicKey, contentKey);
    }

    /**
     * Reads {@code plugins.PatchbayUpdater} of a capacitor.config.json (or that object itself): {@code serverUrl},
     * {@code appId}, {@code rootPublicKey} and {@code contentKey} (b64), and the optional settings of §8
     * ({@code appReadyTimeout} ms, {@code responseTimeout} s, {@code downloadDeadline} s).
     */
    public static UpdaterConfig fromJson(String json) {
        JsonNode node;
        try {
            node = Json.mapper().readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("The updater config is not JSON: " + e.getMessage(), e);
        }
        if (node.has("plugins")) {
            node = node.path("plugins").path("PatchbayUpdater");
        }
        Builder b = builder(text(node, "serverUrl", null), text(node, "appId", null),
                Codec.unb64(text(node, "rootPublicKey", null), 32, "rootPublicKey"),
                Codec.unb64(text(node, "contentKey", null), 32, "contentKey"));
        if (node.has("autoUpdate")) {
            b.autoUpdate(AutoUpdate.of(node.get("autoUpdate").asText()));
        }
        if (node.has("appReadyTimeout")) {
            b.appReadyTimeout(Duration.ofMillis(node.get("appReadyTimeout").asLong()));
        }
        if (node.has("responseTimeout")) {
            b.responseTimeout(Duration.ofSeconds(node.get("responseTimeout").asLong()));
        }
        if (node.has("downloadDeadline")) {
            b.downloadDeadline(Duration.ofSeconds(node.get("downloadDeadline").asLong()));
        }
        if (node.has("periodCheckDelay")) {
            b.periodCheckDelay(Duration.ofSeconds(node.get("periodCheckDelay").asLong()));
        }
        b.autoDeleteFailed(node.path("autoDeleteFailed").asBoolean(true));
        b.autoDeletePrevious(node.path("autoDeletePrevious").asBoolean(true));
        b.resetWhenUpdate(node.path("resetWhenUpdate").asBoolean(true));
        b.statsEnabled(node.path("statsEnabled").asBoolean(true));
        b.defaultChannel(text(node, "defaultChannel", null));
        return b.build();
    }

    private static String text(JsonNode node, String name, String dflt) {
        JsonNode v = node.get(name);
        return v == null || v.isNull() ? dflt : v.asText();
    }

    /** Settings with the defaults of device-protocol §8. */
    public static final class Builder {
        private final String serverUrl;
        private final String appId;
        private final byte[] rootPublicKey;
        private final byte[] contentKey;
        private AutoUpdate autoUpdate = AutoUpdate.AT_BACKGROUND;
        private Duration appReadyTimeout = Duration.ofSeconds(10);
        private Duration responseTimeout = Duration.ofSeconds(20);
        private boolean autoDeleteFailed = true;
        private boolean autoDeletePrevious = true;
        private boolean resetWhenUpdate = true;
        private String defaultChannel;
        private boolean statsEnabled = true;
        private Duration downloadDeadline = Duration.ofMinutes(10);
        private int maxRetries = 3;
        private Duration retryBaseDelay = Duration.ofSeconds(1);
        private Duration periodCheckDelay = Duration.ZERO;

        private Builder(String serverUrl, String appId, byte[] rootPublicKey, byte[] contentKey) {
            this.serverUrl = serverUrl;
            this.appId = appId;
            this.rootPublicKey = rootPublicKey;
            this.contentKey = contentKey;
        }

        public Builder autoUpdate(AutoUpdate v) {
            autoUpdate = v;
            return this;
        }

        public Builder appReadyTimeout(Duration v) {
            appReadyTimeout = v;
            return this;
        }

        public Builder responseTimeout(Duration v) {
            responseTimeout = v;
            return this;
        }

        public Builder autoDeleteFailed(boolean v) {
            autoDeleteFailed = v;
            return this;
        }

        public Builder autoDeletePrevious(boolean v) {
            autoDeletePrevious = v;
            return this;
        }

        public Builder resetWhenUpdate(boolean v) {
            resetWhenUpdate = v;
            return this;
        }

        public Builder defaultChannel(String v) {
            defaultChannel = v;
            return this;
        }

        public Builder statsEnabled(boolean v) {
            statsEnabled = v;
            return this;
        }

        public Builder downloadDeadline(Duration v) {
            downloadDeadline = v;
            return this;
        }

        /** Retries of one request after a 429, 5xx, timeout or dropped connection (default 3). */
        public Builder maxRetries(int v) {
            maxRetries = v;
            return this;
        }

        /** First retry delay; doubled per retry, with ±50 % jitter (default 1 s). */
        public Builder retryBaseDelay(Duration v) {
            retryBaseDelay = v;
            return this;
        }

        /**
         * While in the foreground, check every this long (0 = off, the default; non-zero values under 600 s become
         * 600 s, as the reference plugin). Needs an automatic mode.
         */
        public Builder periodCheckDelay(Duration v) {
            periodCheckDelay = v;
            return this;
        }

        public UpdaterConfig build() {
            return new UpdaterConfig(serverUrl, appId, rootPublicKey, contentKey, autoUpdate, appReadyTimeout,
                    responseTimeout, autoDeleteFailed, autoDeletePrevious, resetWhenUpdate, defaultChannel,
                    statsEnabled, downloadDeadline, maxRetries, retryBaseDelay, periodCheckDelay);
        }
    }
}
