-- Local cache of server state, per connection. Rows are replaced on every refresh.
CREATE TABLE cached_app_list (
    connection_id VARCHAR(100) NOT NULL PRIMARY KEY,
    fetched_at TIMESTAMP(9) WITH TIME ZONE NOT NULL
);
CREATE TABLE cached_app (
    connection_id VARCHAR(100) NOT NULL,
    id VARCHAR(128) NOT NULL,
    name VARCHAR(200) NOT NULL,
    created_at TIMESTAMP(9) WITH TIME ZONE,
    updated_at TIMESTAMP(9) WITH TIME ZONE,
    fetched_at TIMESTAMP(9) WITH TIME ZONE NOT NULL,
    PRIMARY KEY (connection_id, id)
);
CREATE TABLE cached_channel_list (
    connection_id VARCHAR(100) NOT NULL,
    app_id VARCHAR(128) NOT NULL,
    fetched_at TIMESTAMP(9) WITH TIME ZONE NOT NULL,
    PRIMARY KEY (connection_id, app_id)
);
CREATE TABLE cached_channel (
    connection_id VARCHAR(100) NOT NULL,
    app_id VARCHAR(128) NOT NULL,
    name VARCHAR(64) NOT NULL,
    description VARCHAR(1000) NOT NULL,
    default_for VARCHAR(100) NOT NULL,
    platforms VARCHAR(100) NOT NULL,
    allow_self_assign BOOLEAN NOT NULL,
    allow_emulators BOOLEAN NOT NULL,
    allow_dev_builds BOOLEAN NOT NULL,
    created_at TIMESTAMP(9) WITH TIME ZONE,
    updated_at TIMESTAMP(9) WITH TIME ZONE,
    fetched_at TIMESTAMP(9) WITH TIME ZONE NOT NULL,
    PRIMARY KEY (connection_id, app_id, name)
);
