package dev.patchbay.server;

import dev.patchbay.server.store.TestDatabases.OnPostgres;

/** {@link EventRetentionTest} on PostgreSQL. */
@OnPostgres
class EventRetentionPgTest extends EventRetentionTest {
}
