-- Console cache, version 6: whether an app has Capgo-compatible delivery switched on (docs/capgo-compat.md).
ALTER TABLE cached_app ADD COLUMN capgo_compat BOOLEAN DEFAULT FALSE NOT NULL;
