package dev.patchbay.server;

import dev.patchbay.server.store.TestDatabases.OnPostgres;

/** {@link RolloutHealthEndToEndTest} on PostgreSQL. */
@OnPostgres
class RolloutHealthEndToEndPgTest extends RolloutHealthEndToEndTest {
}
