-- One index per sort field of the list query language that had none (issue 16, every list
-- shape): `sort=title`, `sort=-updated_at`, `sort=-view_count` (either direction; the id is the
-- tie-break `effective_keys` appends) can walk their index and stop after a page. The SQLite
-- side is migrations/sqlite/2026-12-16-000001_sort_indexes.
CREATE INDEX articles_title_order ON articles (title, id);
CREATE INDEX articles_updated_order ON articles (updated_at, id);
CREATE INDEX articles_view_count_order ON articles (view_count, id);
-- Their statistics, and fresh ones for the table's other indexes (counted, not sampled).
ANALYZE articles;
