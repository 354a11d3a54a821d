package dev.patchbay.harness;

import java.time.Duration;
import java.util.function.Predicate;

/** Conditions on a device's state that scenario tests wait for. */
final class Await {
    static final Duration LONG = Duration.ofSeconds(20);

    private Await() {
    }

    /** The device runs (or would boot) {@code version} and the bundle has {@code status}. */
    static Predicate<DeviceState> current(String version, String status) {
        return s -> s.current() != null && version.equals(s.current().version()) && status.equals(s.current().status());
    }

    /** A bundle of {@code version} is queued as next. */
    static Predicate<DeviceState> next(String version) {
        return s -> s.next() != null && version.equals(s.next().version());
    }

    /** The web layer finished loading a page of {@code version}. */
    static Predicate<DeviceState> showing(String version) {
        return s -> s.page() != null && s.page().loaded() && version.equals(s.page().version());
    }

    static DeviceState until(EmulatedDevice d, Predicate<DeviceState> p) throws Exception {
        return d.await(p, LONG);
    }
}
