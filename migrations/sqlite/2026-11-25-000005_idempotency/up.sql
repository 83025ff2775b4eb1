-- Idempotency-Key records: the first response to a POST, replayed to retries with the same key
-- for 24 hours (see src/idempotency.rs). A row with a NULL status is a reservation: the first
-- request is still running.

CREATE TABLE idempotency_keys (
    "key"       TEXT      NOT NULL,
    subject     TEXT      NOT NULL,
    method      TEXT      NOT NULL,
    path        TEXT      NOT NULL,
    body_sha256 TEXT      NOT NULL,
    status      INTEGER,
    headers     TEXT,
    body        BLOB,
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (subject, "key")
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
