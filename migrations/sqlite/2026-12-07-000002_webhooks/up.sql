-- Webhooks: targets that receive the changes log's entries matching their event patterns.
-- `cursor_seq` is the last log seq already turned into deliveries (a new webhook starts at the
-- log's newest seq, so it receives the changes made after its creation).
CREATE TABLE webhooks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    url TEXT NOT NULL,
    events TEXT NOT NULL,
    secret TEXT NOT NULL,
    enabled BOOLEAN NOT NULL DEFAULT 1,
    description TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    cursor_seq BIGINT NOT NULL,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    disabled_at TIMESTAMP,
    disabled_reason TEXT
);

-- One log entry to send to one webhook: the exact body (retries send the same bytes), its state
-- and the outcome of its last attempt. Persisted before the first attempt, so a crash delays a
-- delivery but never loses it.
CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    event TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    last_attempt_at TIMESTAMP,
    last_status_code INTEGER,
    last_duration_ms BIGINT,
    last_error TEXT,
    response_excerpt TEXT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (webhook_id, seq)
);
-- The worker's question: a webhook's oldest delivery still pending.
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (webhook_id, seq)
    WHERE status = 'pending';
