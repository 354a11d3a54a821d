-- Patchbay server schema, version 5: indexes for the console's Overview (GET /api/v1/apps/{app}/overview).
-- Devices seen in the last 24 h: a range of this index instead of every device row of the app
-- (200,000 devices: 2.8 s without, 84 ms with; docs/benchmarks.md).
CREATE INDEX devices_seen ON devices(app_id, last_seen);
-- Devices that failed an update in the last 24 h: one range per failure action instead of all the app's events.
CREATE INDEX device_events_action ON device_events(app_id, action, received_at, device_id);
