-- Patchbay server schema, version 9.
-- Rolled-back devices (docs/rollouts.md §2): the bundle a device last rolled back from, cleared when it later confirms
-- that bundle; the Devices page's "rolled_back" state. The index finds, per rollout target, the devices that rolled it
-- back (they are served the stable bundle instead of the target).
ALTER TABLE devices ADD COLUMN rolled_back VARCHAR(128);
CREATE INDEX device_bundles_state ON device_bundles(app_id, bundle, state);
