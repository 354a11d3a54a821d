package dev.patchbay.server;

import dev.patchbay.server.store.TestDatabases.OnPostgres;

/** {@link CapgoCompatTest} on PostgreSQL. */
@OnPostgres
class CapgoCompatPgTest extends CapgoCompatTest {
}
