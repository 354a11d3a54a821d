package dev.patchbay.console.connection;

import dev.patchbay.client.PatchbayClient;
import dev.patchbay.client.ServerUnreachableException;

/**
 * The connection the console works with now.
 *
 * @param connectionId the cache key of this connection ("sandbox" or a saved connection's id)
 * @param label        what the user calls it ("Local sandbox", "Production EU")
 * @param client       the API client, or {@code null} when none could be made (the sandbox failed to start)
 * @param noClientReason why {@code client} is null
 */
public record Session(String connectionId, String label, PatchbayClient client, String noClientReason) {

    /** The client, or the reason there is none as the error offline mode understands. */
    public PatchbayClient requireClient() {
        if (client == null) {
            throw new ServerUnreachableException(noClientReason, null);
        }
        return client;
    }
}
