package dev.patchbay.server;

import dev.patchbay.server.store.TestDatabases.OnPostgres;

/** {@link ManagementApiTest} on PostgreSQL. */
@OnPostgres
class ManagementApiPgTest extends ManagementApiTest {
}
