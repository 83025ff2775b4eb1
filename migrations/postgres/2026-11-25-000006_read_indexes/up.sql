-- Indexes for the per-request reads measured in BENCHMARKS.md:
-- * what anonymous readers see (status, published_at, unpublish_at): list totals are counted from
--   this index alone, pages come in (published_at, id) order from it, and the latest publication time that has passed (Last-Modified) is one seek;
-- * the latest unpublish time that has passed (Last-Modified), one seek too.
-- Differs from SQLite: the nullable timestamps keep SQLite's place for NULLs (first, ascending),
-- so that an ORDER BY written with SQLite's order (`NULLS FIRST` ascending, `NULLS LAST`
-- descending) reads them in index order. Counting "from the index alone" needs an index-only
-- scan, which PostgreSQL does only on pages the visibility map marks all-visible (autovacuum).
CREATE INDEX articles_visibility ON articles (status, published_at NULLS FIRST, id, unpublish_at NULLS FIRST);
CREATE INDEX articles_unpublish ON articles (status, unpublish_at NULLS FIRST);
