-- Change notifications are PostgreSQL's (see migrations/postgres/2026-12-15-000001_notify_ids):
-- SQLite has one process serving. The version exists on both backends so that a database's
-- migrations mean the same schema history on each.
SELECT 1;
