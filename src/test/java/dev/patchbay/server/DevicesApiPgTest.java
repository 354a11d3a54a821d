package dev.patchbay.server;

import dev.patchbay.server.store.TestDatabases.OnPostgres;

/** {@link DevicesApiTest} on PostgreSQL. */
@OnPostgres
class DevicesApiPgTest extends DevicesApiTest {
}
