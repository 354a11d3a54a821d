package dev.patchbay.server;

import dev.patchbay.server.store.TestDatabases.OnPostgres;

/** {@link ApiKeysApiTest} on PostgreSQL. */
@OnPostgres
class ApiKeysApiPgTest extends ApiKeysApiTest {
}
