package dev.patchbay.server;

import dev.patchbay.server.store.TestDatabases.OnPostgres;

/** {@link OfferedHealthTest} on PostgreSQL. */
@OnPostgres
class OfferedHealthPgTest extends OfferedHealthTest {
}
