-- The search index's background merges are SQLite's (see migrations/sqlite/2026-12-14-000003_search_merges):
-- PostgreSQL's GIN index has no segments to merge. The version exists on both backends so that a
-- database's migrations mean the same schema history on each.
SELECT 1;
