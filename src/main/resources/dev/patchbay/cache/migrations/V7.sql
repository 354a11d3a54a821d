-- Console cache, version 7: a channel's switches for physical devices and production builds (ADR 0105).
ALTER TABLE cached_channel ADD COLUMN allow_physical_devices BOOLEAN DEFAULT TRUE NOT NULL;
ALTER TABLE cached_channel ADD COLUMN allow_production_builds BOOLEAN DEFAULT TRUE NOT NULL;
