package dev.patchbay.server;

import dev.patchbay.server.store.TestDatabases.OnPostgres;

/** {@link DeviceChangesApiTest} on PostgreSQL. */
@OnPostgres
class DeviceChangesApiPgTest extends DeviceChangesApiTest {
}
