-- Every token this service mints is recorded: `healthhub token list` shows them,
-- `healthhub token revoke` sets `revoked_at`, and verification refuses a token whose row is
-- missing or revoked. `last_used_at` is written in batches (see src/tokens/usage.rs).
-- Same as SQLite.

CREATE TABLE api_tokens (
    jti          TEXT      NOT NULL PRIMARY KEY,
    subject      TEXT      NOT NULL,
    scopes       TEXT      NOT NULL,
    kid          TEXT      NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP
);
CREATE INDEX api_tokens_subject ON api_tokens (subject);
