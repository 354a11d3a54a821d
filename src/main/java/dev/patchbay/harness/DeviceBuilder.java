package dev.patchbay.harness;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/** How an {@link EmulatedDevice} is made ({@link EmulatedDevice#builder}). */
public final class DeviceBuilder {
    final Path root;
    final String serial;
    DeviceEnvironment env;
    boolean webView;
    final Map<String, SimulatedBehaviour> simulated = new ConcurrentHashMap<>();
    SimulatedBehaviour simulatedDefault = SimulatedBehaviour.readyAfter(Duration.ZERO);
    RuntimeBinding.Factory runtime;
    boolean reportsEmulator;
    String platform = "android";
    String osVersion = "14";
    boolean devBuild;
    String deviceId;

    DeviceBuilder(Path root, String serial) {
        this.root = Objects.requireNonNull(root);
        if (!serial.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("Invalid serial " + serial);
        }
        this.serial = serial;
    }

    /** Shared threads and time (a fleet's); without one the device has its own. */
    public DeviceBuilder environment(DeviceEnvironment e) {
        this.env = e;
        return this;
    }

    /** A real JavaFX WebView runs the bundles' JS (needs the JavaFX toolkit; headless Monocle works). */
    public DeviceBuilder webView() {
        this.webView = true;
        return this;
    }

    /**
     * SIMULATED web layer (the default): no WebView, no JS; each bundle behaves as {@code behaviours} says for
     * its version, else as its index.html meta tag says, else as {@code fallback}.
     */
    public DeviceBuilder simulated(Map<String, SimulatedBehaviour> behaviours, SimulatedBehaviour fallback) {
        this.webView = false;
        this.simulated.putAll(behaviours);
        this.simulatedDefault = Objects.requireNonNull(fallback);
        return this;
    }

    /** Whether the device says it is an emulator ({@code isEmulator}); false: it passes for a phone. */
    public DeviceBuilder reportsEmulator(boolean yes) {
        this.reportsEmulator = yes;
        return this;
    }

    /**
     * The platform the device reports ({@code android} or {@code ios}) and its OS version; the default is
     * Android 14. The runtime and the emulated ports are the same either way (an iOS device is an Android one
     * that says it is an iPhone); the server sees the platform in every request.
     */
    public DeviceBuilder platform(String platform, String osVersion) {
        if (!platform.equals("android") && !platform.equals("ios")) {
            throw new IllegalArgumentException("A platform is android or ios, not " + platform);
        }
        this.platform = platform;
        this.osVersion = Objects.requireNonNull(osVersion);
        return this;
    }

    /** Whether the app is a development build (debuggable: {@code isProduction} false); default false. */
    public DeviceBuilder devBuild(boolean yes) {
        this.devBuild = yes;
        return this;
    }

    /**
     * The device id the runtime uses (a lower-case UUID), as if an earlier run of the app had generated and
     * stored it: each {@link EmulatedDevice#install} stores it in the runtime's preferences. Without one the runtime makes a
     * random id at its first start, as on a device. Fleets set it so a rerun is the same devices.
     */
    public DeviceBuilder deviceId(String id) {
        if (id != null && !id.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")) {
            throw new IllegalArgumentException("A device id is a lower-case UUID, not " + id);
        }
        this.deviceId = id;
        return this;
    }

    /** Another runtime binding (tests of the harness itself). */
    DeviceBuilder runtime(RuntimeBinding.Factory f) {
        this.runtime = f;
        return this;
    }

    public EmulatedDevice build() {
        return new EmulatedDevice(this);
    }
}
