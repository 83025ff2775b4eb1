-- Categories get a version, like articles: every change adds one, and PATCH/DELETE honour
-- If-Match against it (RFC 9110 §13.1.1).
-- Same as SQLite.
ALTER TABLE categories ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
