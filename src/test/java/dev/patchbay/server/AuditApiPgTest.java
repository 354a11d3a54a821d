package dev.patchbay.server;

import dev.patchbay.server.store.TestDatabases.OnPostgres;

/** {@link AuditApiTest} on PostgreSQL. */
@OnPostgres
class AuditApiPgTest extends AuditApiTest {
}
