-- Indexes for the per-request reads measured in BENCHMARKS.md:
-- * what anonymous readers see (status, published_at, unpublish_at): list totals are counted from
--   this index alone, pages come in (published_at, id) order from it, and the latest publication time that has passed (Last-Modified) is one seek;
-- * the latest unpublish time that has passed (Last-Modified), one seek too.
CREATE INDEX articles_visibility ON articles (status, published_at, id, unpublish_at);
CREATE INDEX articles_unpublish ON articles (status, unpublish_at);
