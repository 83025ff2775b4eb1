-- Trigram indexes of the articles' titles and slugs, for the list filters `contains` and
-- `starts_with` (issue 16, every list shape): `title ILIKE '%sleep%'` cannot use a B-tree index,
-- and pg_trgm's GIN operator class answers ILIKE patterns from its index
-- (https://www.postgresql.org/docs/15/pgtrgm.html#PGTRGM-INDEX). pg_trgm ships with PostgreSQL
-- (contrib) and is a trusted extension: the database owner may create it. The SQLite side is
-- FTS5's trigram tokenizer (migrations/sqlite/2026-12-15-000002_title_trigrams).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX articles_title_trigrams ON articles USING gin (title gin_trgm_ops);
CREATE INDEX articles_slug_trigrams ON articles USING gin (slug gin_trgm_ops);
