package dev.patchbay.server;

import dev.patchbay.server.store.TestDatabases.OnPostgres;

/** {@link BundleDeletionTest} on PostgreSQL. */
@OnPostgres
class BundleDeletionPgTest extends BundleDeletionTest {
}
