-- FTS5 merges its segments in the background (`healthhub serve`'s job, src/db/search_merge.rs), not
-- in the write that added one: a creation had to wait, now and then, for a merge of the large
-- segments (up to 2.7 s at 100 000 articles; BENCHMARKS.md). The crisis merge (16 segments of one
-- level, FTS5's default) stays as the safety net when no server runs the job (a command-line
-- import).
INSERT INTO article_search (article_search, rank) VALUES ('automerge', 0);
