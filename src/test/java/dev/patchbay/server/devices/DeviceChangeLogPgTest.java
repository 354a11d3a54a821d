package dev.patchbay.server.devices;

import dev.patchbay.server.store.TestDatabases.OnPostgres;

/** {@link DeviceChangeLogTest} on PostgreSQL. */
@OnPostgres
class DeviceChangeLogPgTest extends DeviceChangeLogTest {
}
