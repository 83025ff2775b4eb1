-- Shared rate-limit buckets are PostgreSQL's (see migrations/postgres/2026-12-08-000002_shared_limits):
-- on SQLite one process serves the file and keeps its buckets in memory. The version exists on
-- both backends so that a database's migrations mean the same schema history on each.
SELECT 1;
