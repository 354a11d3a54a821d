package dev.patchbay.server;

import dev.patchbay.server.store.TestDatabases.OnPostgres;

/**
 * {@link ClusterProxyTest} with both {@code serve} processes on one PostgreSQL database (ADR 0118): nginx in front,
 * the leader killed with SIGKILL mid-rollout, no device check failed.
 */
@OnPostgres
class ClusterProxyPgTest extends ClusterProxyTest {
}
