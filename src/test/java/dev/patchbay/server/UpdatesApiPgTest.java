package dev.patchbay.server;

import dev.patchbay.server.store.TestDatabases.OnPostgres;

/** {@link UpdatesApiTest} on PostgreSQL. */
@OnPostgres
class UpdatesApiPgTest extends UpdatesApiTest {
}
