-- Patchbay server schema: several server instances on one database (ADR 0116, ADR 0117). Portable SQL.
-- The change feed: every management write appends (topic) rows in its own transaction; each instance polls the feed
-- and drops what it caches about the topic. Ids come from the counter row below, bumped as the last statement of the
-- writing transaction: its row lock is held until commit, so ids are handed out in commit order, without gaps.
CREATE TABLE cluster_counters (
    name   VARCHAR(40) PRIMARY KEY,
    last_id BIGINT     NOT NULL
);
INSERT INTO cluster_counters(name, last_id) VALUES ('changes', 0);

CREATE TABLE cluster_changes (
    id     BIGINT       PRIMARY KEY,
    topic  VARCHAR(200) NOT NULL,
    at     TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX cluster_changes_at ON cluster_changes(at);

-- Leases of jobs that exactly one instance runs (the rollout supervisor, retention): who holds it, until when (the
-- database's clock, epoch milliseconds), and a fencing number that grows each time another instance takes it.
CREATE TABLE cluster_leases (
    name        VARCHAR(40)  PRIMARY KEY,
    holder      VARCHAR(200) NOT NULL,
    expires_ms  BIGINT       NOT NULL,
    fence       BIGINT       NOT NULL
);
