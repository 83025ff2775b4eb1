-- FTS5's default: incremental merges in the writes that add segments.
INSERT INTO article_search (article_search, rank) VALUES ('automerge', 4);
