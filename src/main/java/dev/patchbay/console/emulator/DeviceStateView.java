package dev.patchbay.console.emulator;

import dev.patchbay.harness.BundleView;
import dev.patchbay.harness.DeviceState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/** What the Emulator's selected device holds, as text and rows for the page ("On the device"). FX thread. */
public final class DeviceStateView {
    /** One bundle the selected device holds; {@code role} says if it is current, next and/or last good. */
    public record BundleRow(String id, String version, long sequence, String status, String reason, String role) {
    }

    private final StringProperty process = new SimpleStringProperty(this, "process", "");
    private final StringProperty currentBundle = new SimpleStringProperty(this, "currentBundle", "");
    private final StringProperty nextBundle = new SimpleStringProperty(this, "nextBundle", "");
    private final StringProperty activeFaults = new SimpleStringProperty(this, "activeFaults", "");
    private final ObservableList<BundleRow> bundles = FXCollections.observableArrayList();

    DeviceStateView() {
    }

    /** Shows {@code s} (null: no device selected) with the faults the page set on it. */
    void show(DeviceState s, String faults) {
        if (s == null) {
            process.set("");
            currentBundle.set("");
            nextBundle.set("");
            activeFaults.set("");
            bundles.clear();
            return;
        }
        process.set(describeProcess(s));
        currentBundle.set(s.current() == null ? "" : describe(s.current()));
        nextBundle.set(s.next() == null ? "none" : describe(s.next()));
        activeFaults.set(faults);
        List<BundleRow> rows = new ArrayList<>();
        for (BundleView b : s.bundles()) {
            List<String> roles = new ArrayList<>();
            if (s.current() != null && s.current().id().equals(b.id())) {
                roles.add("current");
            }
            if (s.next() != null && s.next().id().equals(b.id())) {
                roles.add("next");
            }
            if (s.fallback() != null && s.fallback().id().equals(b.id())) {
                roles.add("last good");
            }
            rows.add(new BundleRow(b.id(), b.version(), b.sequence(), b.status(), b.reason(), String.join(", ", roles)));
        }
        rows.sort(Comparator.comparing((BundleRow r) -> !r.id().equals(BundleView.BUILTIN))
                .thenComparingLong(BundleRow::sequence));
        bundles.setAll(rows);
    }

    private static String describeProcess(DeviceState s) {
        String p = switch (s.process()) {
            case NOT_INSTALLED -> "not installed";
            case STOPPED -> "stopped";
            case FOREGROUND -> "running, foreground (pid " + s.pid() + ")";
            case BACKGROUND -> "running, background (pid " + s.pid() + ")";
        };
        String app = s.appId() == null ? "" : s.appId() + " " + s.nativeVersion() + " (" + s.nativeBuild() + "), ";
        return app + p + (s.lastDeath() != null && !s.running() ? "; last exit: " + s.lastDeath() : "");
    }

    private static String describe(BundleView b) {
        return b.version() + (b.builtin() ? " (builtin)" : "") + " – " + b.status()
                + (b.reason() == null ? "" : ": " + b.reason());
    }

    public StringProperty processProperty() {
        return process;
    }

    public StringProperty currentBundleProperty() {
        return currentBundle;
    }

    public StringProperty nextBundleProperty() {
        return nextBundle;
    }

    public StringProperty activeFaultsProperty() {
        return activeFaults;
    }

    public ObservableList<BundleRow> bundles() {
        return bundles;
    }
}
