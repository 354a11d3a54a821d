package dev.patchbay.server.rollouts;

import dev.patchbay.server.store.TestDatabases.OnPostgres;

/** {@link RolloutSupervisorTest} on PostgreSQL. */
@OnPostgres
class RolloutSupervisorPgTest extends RolloutSupervisorTest {
}
