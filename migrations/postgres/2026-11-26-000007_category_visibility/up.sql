-- What anonymous readers see of one category, from the index alone: the total of a category page
-- (`?category=…&per_page=…`) counts these entries instead of looking up every published article's
-- category in the table (2.5 s at 100 000 articles before, see BENCHMARKS.md).
-- Differs from SQLite: NULLs first, as SQLite sorts them (see 000006).
CREATE INDEX articles_category_visibility ON articles (category_id, status, published_at NULLS FIRST, unpublish_at NULLS FIRST);
