package dev.patchbay.console.channels;

import dev.patchbay.console.common.TaskRunner;
import dev.patchbay.console.connection.Session;
import dev.patchbay.domain.App;
import dev.patchbay.domain.Bundle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import javafx.beans.property.StringProperty;
import javafx.collections.ObservableList;

/** The channel form's bundle selector: "" (the builtin assets) and the app's published versions, newest first. */
final class BundleChoices {
    private BundleChoices() {
    }

    /** Shows {@code current} at once, then the app's bundles read in the background (the choice made meanwhile kept). */
    static void load(Session s, TaskRunner tasks, App a, String current, ObservableList<String> bundleChoices,
                     StringProperty formBundle) {
        List<String> initial = current.isEmpty() ? List.of("") : List.of("", current);
        bundleChoices.setAll(initial);
        formBundle.set(current);
        if (s == null || s.client() == null || a == null) {
            return;
        }
        tasks.create("Loading bundles of " + a.id(), () -> s.client().listBundles(a.id()))
                .onSuccess(list -> {
                    List<String> choices = new ArrayList<>();
                    choices.add("");
                    list.stream().sorted(Comparator.comparingLong(Bundle::sequence).reversed())
                            .forEach(b -> choices.add(b.version()));
                    if (!current.isEmpty() && !choices.contains(current)) {
                        choices.add(current);
                    }
                    String keep = formBundle.get();
                    bundleChoices.setAll(choices);
                    formBundle.set(keep);
                })
                .onError(e -> { })
                .run();
    }
}
