package dev.patchbay.server;

import dev.patchbay.server.store.TestDatabases.OnPostgres;

/** {@link RolloutsApiTest} on PostgreSQL. */
@OnPostgres
class RolloutsApiPgTest extends RolloutsApiTest {
}
