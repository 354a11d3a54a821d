-- Per-app bundle retention (keep the last N unused bundles; NULL keeps every bundle) and the channel switches for
-- physical devices and production builds, beside the emulator and dev-build ones (ADR 0104, 0105).
ALTER TABLE apps ADD COLUMN keep_unused_bundles INT;
ALTER TABLE channels ADD COLUMN allow_physical_devices BOOLEAN DEFAULT TRUE NOT NULL;
ALTER TABLE channels ADD COLUMN allow_production_builds BOOLEAN DEFAULT TRUE NOT NULL;
