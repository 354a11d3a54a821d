-- Patchbay server schema, version 6: Capgo-compatible delivery (docs/capgo-compat.md).
-- Per app: whether the /compat/capgo/ routes serve it (off unless switched on).
ALTER TABLE apps ADD COLUMN capgo_compat BOOLEAN DEFAULT FALSE NOT NULL;
-- The plugin-format twin of a published bundle, as its publisher uploaded it: the zip (ciphertext when encrypted) is
-- a blob of the bundle (bundle_blobs), so it is kept, served at /blobs/{sha256} and collected with the bundle.
CREATE TABLE capgo_artifacts (
    app_id       VARCHAR(128)  NOT NULL,
    version      VARCHAR(256)  NOT NULL,
    zip_sha256   CHAR(64)      NOT NULL,
    zip_length   BIGINT        NOT NULL,
    session_key  VARCHAR(512)  NOT NULL,
    checksum     VARCHAR(1024) NOT NULL,
    key_id       VARCHAR(20),
    manifest     TEXT,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (app_id, version),
    FOREIGN KEY (app_id, version) REFERENCES bundles(app_id, version) ON DELETE CASCADE
);
