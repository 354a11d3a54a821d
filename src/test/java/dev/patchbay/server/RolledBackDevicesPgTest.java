package dev.patchbay.server;

import dev.patchbay.server.store.TestDatabases.OnPostgres;

/** {@link RolledBackDevicesTest} on PostgreSQL. */
@OnPostgres
class RolledBackDevicesPgTest extends RolledBackDevicesTest {
}
