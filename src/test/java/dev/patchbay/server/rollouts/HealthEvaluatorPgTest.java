package dev.patchbay.server.rollouts;

import dev.patchbay.server.store.TestDatabases.OnPostgres;

/** {@link HealthEvaluatorTest} on PostgreSQL. */
@OnPostgres
class HealthEvaluatorPgTest extends HealthEvaluatorTest {
}
