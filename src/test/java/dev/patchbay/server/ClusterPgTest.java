package dev.patchbay.server;

import dev.patchbay.server.store.TestDatabases.OnPostgres;

/** {@link ClusterTest} with both instances on one PostgreSQL database (ADR 0118). */
@OnPostgres
class ClusterPgTest extends ClusterTest {
}
