package dev.patchbay.console.connections;

/** A row of the Connections page: the Local sandbox or a saved remote server. */
public record ConnectionItem(String id, String name, String url, boolean sandbox) {
}
