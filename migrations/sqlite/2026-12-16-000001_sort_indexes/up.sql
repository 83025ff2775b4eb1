-- One index per sort field of the list query language that had none (issue 16, every list
-- shape): `sort=title`, `sort=-updated_at`, `sort=-view_count` (either direction; the id is the
-- tie-break `effective_keys` appends) walk their index and stop after a page, instead of
-- sorting every visible article (about 100 ms at 100 000 articles). `slug` has its UNIQUE
-- index, `published_at` and `id` theirs already. They also answer `eq` and range filters on
-- these fields. src/articles/listing.rs keeps the visibility test out of the way of the walk.
CREATE INDEX articles_title_order ON articles (title, id);
CREATE INDEX articles_updated_order ON articles (updated_at, id);
CREATE INDEX articles_view_count_order ON articles (view_count, id);
-- Their statistics, and fresh ones for the table's other indexes (counted, not sampled).
ANALYZE articles;
