-- Patchbay server schema, version 2: trust material, published bundles, upload sessions, channel -> bundle.
-- Portable SQL (H2 now, PostgreSQL later): TEXT holds JSON documents of any size.
CREATE TABLE app_trust (
    app_id       VARCHAR(128) PRIMARY KEY REFERENCES apps(id) ON DELETE CASCADE,
    root_key_id  VARCHAR(64)  NOT NULL,
    root_public  VARCHAR(200) NOT NULL,
    trust_json   TEXT         NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE bundles (
    app_id          VARCHAR(128) NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    version         VARCHAR(256) NOT NULL,
    sequence        BIGINT       NOT NULL,
    envelope        TEXT         NOT NULL,
    total_bytes     BIGINT       NOT NULL,
    file_count      INT          NOT NULL,
    release_key_id  VARCHAR(64)  NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    published_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (app_id, version),
    UNIQUE (app_id, sequence)
);

-- Every blob a published bundle needs (its file blobs and its manifest blob).
CREATE TABLE bundle_blobs (
    app_id   VARCHAR(128) NOT NULL,
    version  VARCHAR(256) NOT NULL,
    sha256   CHAR(64)     NOT NULL,
    length   BIGINT       NOT NULL,
    PRIMARY KEY (app_id, version, sha256),
    FOREIGN KEY (app_id, version) REFERENCES bundles(app_id, version) ON DELETE CASCADE
);
CREATE INDEX bundle_blobs_sha ON bundle_blobs(sha256);

CREATE TABLE uploads (
    id          VARCHAR(40)  PRIMARY KEY,
    app_id      VARCHAR(128) NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    version     VARCHAR(256) NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE upload_blobs (
    upload_id  VARCHAR(40) NOT NULL REFERENCES uploads(id) ON DELETE CASCADE,
    sha256     CHAR(64)    NOT NULL,
    length     BIGINT      NOT NULL,
    PRIMARY KEY (upload_id, sha256)
);
CREATE INDEX upload_blobs_sha ON upload_blobs(sha256);

-- The bundle a channel serves; NULL = the build's own (builtin) web assets.
ALTER TABLE channels ADD COLUMN bundle_version VARCHAR(256);
