package dev.patchbay.server;

import dev.patchbay.server.store.TestDatabases.OnPostgres;

/** {@link StatsApiTest} on PostgreSQL. */
@OnPostgres
class StatsApiPgTest extends StatsApiTest {
}
