-- Change notifications are PostgreSQL's (see migrations/postgres/2026-12-14-000002_view_notifications):
-- on SQLite one process serves the file and learns of its own flushes of views. The version exists
-- on both backends so that a database's migrations mean the same schema history on each.
SELECT 1;
