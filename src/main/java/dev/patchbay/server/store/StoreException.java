package dev.patchbay.server.store;

import java.sql.SQLException;

/** A database failure that is not the client's fault; surfaces as a 500 with an incident id, never as SQL text. */
public final class StoreException extends RuntimeException {
    public StoreException(SQLException cause) {
        super(cause.getMessage(), cause);
    }

    public SQLException sqlCause() {
        return (SQLException) getCause();
    }
}
