-- A trigram index of the articles' titles and slugs, for the list filters `contains` and
-- `starts_with` (issue 16, every list shape). `a.title LIKE '%sleep%'` cannot use a B-tree
-- index: the total of such a list read every visible article (190 ms at 100 000 articles,
-- BENCHMARKS.md). FTS5's trigram tokenizer (https://sqlite.org/fts5.html#the_trigram_tokenizer)
-- answers LIKE patterns of three or more characters from its index; the listing asks it for the
-- candidates and still applies its own LIKE to them, so the answers are exactly those of before.
-- External content: the text stays in `articles`; these triggers keep the index in step (a
-- migration that rebuilds `articles` must create them again).
CREATE VIRTUAL TABLE article_trigrams USING fts5(
    title, slug,
    content = 'articles', content_rowid = 'id',
    tokenize = 'trigram', detail = 'none'
);
INSERT INTO article_trigrams (article_trigrams) VALUES ('rebuild');
-- Merged by the server's background job with the search index, never inside a write.
INSERT INTO article_trigrams (article_trigrams, rank) VALUES ('automerge', 0);

CREATE TRIGGER article_trigrams_insert AFTER INSERT ON articles
BEGIN
    INSERT INTO article_trigrams (rowid, title, slug) VALUES (new.id, new.title, new.slug);
END;

CREATE TRIGGER article_trigrams_update AFTER UPDATE OF id, title, slug ON articles
BEGIN
    INSERT INTO article_trigrams (article_trigrams, rowid, title, slug)
        VALUES ('delete', old.id, old.title, old.slug);
    INSERT INTO article_trigrams (rowid, title, slug) VALUES (new.id, new.title, new.slug);
END;

CREATE TRIGGER article_trigrams_delete AFTER DELETE ON articles
BEGIN
    INSERT INTO article_trigrams (article_trigrams, rowid, title, slug)
        VALUES ('delete', old.id, old.title, old.slug);
END;
