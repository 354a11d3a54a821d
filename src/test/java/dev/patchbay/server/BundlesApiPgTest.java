package dev.patchbay.server;

import dev.patchbay.server.store.TestDatabases.OnPostgres;

/** {@link BundlesApiTest} on PostgreSQL. */
@OnPostgres
class BundlesApiPgTest extends BundlesApiTest {
}
