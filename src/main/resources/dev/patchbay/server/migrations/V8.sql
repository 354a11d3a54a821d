-- Patchbay server schema, version 8: scoped API keys (ADR 0095) and rollout health only from offered devices (ADR 0094).
-- A key's app scope: comma-separated app ids, NULL = every app.
ALTER TABLE api_keys ADD COLUMN apps VARCHAR(4000);
-- The key the server itself minted into the data folder's admin-api-key file (rotated, or replaced when the file is lost).
ALTER TABLE api_keys ADD COLUMN bootstrap BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE api_keys ADD COLUMN created_by VARCHAR(300);

-- Which release the server offered to which device (update checks that answered "install this"): the one source of
-- truth for whether that device's success or failure reports count for a rollout. counted = FALSE when the client
-- address of the check had already reached its share of counted devices for that release.
CREATE TABLE release_offers (
    app_id      VARCHAR(128) NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    device_id   VARCHAR(128) NOT NULL,
    bundle      VARCHAR(256) NOT NULL,
    address     VARCHAR(64)  NOT NULL,
    counted     BOOLEAN      NOT NULL,
    offered_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (app_id, device_id, bundle)
);
CREATE INDEX release_offers_address ON release_offers(app_id, bundle, address, counted);

-- Health reports the server refused to count, per rollout and reason (shown with the rollout's status).
CREATE TABLE rollout_discards (
    rollout_id  VARCHAR(16)  NOT NULL REFERENCES rollouts(id) ON DELETE CASCADE,
    reason      VARCHAR(40)  NOT NULL,
    count       BIGINT       NOT NULL,
    last_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (rollout_id, reason)
);
