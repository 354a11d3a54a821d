package dev.patchbay.console.bundles;

import dev.patchbay.client.ServerUnreachableException;
import dev.patchbay.console.common.TaskRunner;
import dev.patchbay.console.connection.ConnectionManager;
import dev.patchbay.console.connection.Session;
import dev.patchbay.console.data.Problems;
import dev.patchbay.domain.Bundle;

/**
 * Deleting the selected bundle of the Bundles page (kept apart from {@link BundlesViewModel}, which is long enough):
 * in the background, then the list is read again; a bundle in use is refused by the server with the reason, which
 * the page shows.
 */
public final class BundleDeleter {
    private final BundlesViewModel vm;
    private final ConnectionManager connection;
    private final TaskRunner tasks;

    public BundleDeleter(BundlesViewModel vm, ConnectionManager connection, TaskRunner tasks) {
        this.vm = vm;
        this.connection = connection;
        this.tasks = tasks;
    }

    /** Whether the selected bundle may be offered for deletion now. */
    public boolean canDelete() {
        return vm.selectedProperty().get() != null && vm.appProperty().get() != null
                && !connection.readOnlyProperty().get() && !vm.publishForm().publishingProperty().get();
    }

    public void deleteSelected() {
        Bundle b = vm.selectedProperty().get();
        Session s = connection.session();
        if (!canDelete() || s == null) {
            return;
        }
        String appId = vm.appProperty().get().id();
        vm.messageProperty().set("");
        vm.infoProperty().set("");
        tasks.create("Deleting bundle " + b.version() + " of " + appId,
                        () -> s.requireClient().deleteBundle(appId, b.version()))
                .onSuccess(freed -> {
                    vm.infoProperty().set("Deleted bundle " + b.version() + " (" + freed + " blob"
                            + (freed == 1 ? "" : "s") + " freed).");
                    vm.reload();
                })
                .onError(e -> {
                    if (e instanceof ServerUnreachableException u) {
                        connection.markOffline(u);
                    }
                    vm.messageProperty().set(Problems.message(e));
                })
                .run();
    }
}
