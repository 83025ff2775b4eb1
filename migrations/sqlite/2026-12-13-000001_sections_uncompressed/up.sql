-- Row compression is PostgreSQL's (see migrations/postgres/2026-12-13-000001_sections_uncompressed):
-- SQLite stores text as written. The version exists on both backends so that a database's
-- migrations mean the same schema history on each.
SELECT 1;
