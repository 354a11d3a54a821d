-- The channel's update gate (none, major, minor, patch).
ALTER TABLE cached_channel ADD COLUMN update_gate VARCHAR(10) DEFAULT 'none' NOT NULL;
