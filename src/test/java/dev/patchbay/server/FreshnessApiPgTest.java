package dev.patchbay.server;

import dev.patchbay.server.store.TestDatabases.OnPostgres;

/** {@link FreshnessApiTest} on PostgreSQL. */
@OnPostgres
class FreshnessApiPgTest extends FreshnessApiTest {
}
