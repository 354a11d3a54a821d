package dev.patchbay.server;

import dev.patchbay.server.store.TestDatabases.OnPostgres;

/** {@link OverviewApiTest} on PostgreSQL. */
@OnPostgres
class OverviewApiPgTest extends OverviewApiTest {
}
