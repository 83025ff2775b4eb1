-- Full-text search over articles: one FTS5 row per article (rowid = articles.id) holding its
-- title, subtitle, excerpt and the headings and bodies of its sections in position order.
-- Triggers keep it in sync inside the writing transaction; view counts and status changes do not
-- reindex.

CREATE VIRTUAL TABLE article_search USING fts5 (
    title,
    subtitle,
    excerpt,
    headings,
    bodies,
    tokenize = 'porter unicode61 remove_diacritics 2',
    prefix = '2 3 4'
);

-- What one article's search row holds; every trigger and the backfill read it from here.
CREATE VIEW article_search_source (id, title, subtitle, excerpt, headings, bodies) AS
SELECT a.id, a.title, a.subtitle, a.excerpt,
       coalesce((SELECT group_concat(heading, char(10))
                 FROM (SELECT heading FROM sections WHERE article_id = a.id ORDER BY position)), ''),
       coalesce((SELECT group_concat(body, char(10))
                 FROM (SELECT body FROM sections WHERE article_id = a.id ORDER BY position)), '')
FROM articles a;

CREATE TRIGGER article_search_article_insert AFTER INSERT ON articles
BEGIN
    DELETE FROM article_search WHERE rowid = NEW.id;
    INSERT INTO article_search (rowid, title, subtitle, excerpt, headings, bodies)
    SELECT * FROM article_search_source WHERE id = NEW.id;
END;

CREATE TRIGGER article_search_article_update AFTER UPDATE OF title, subtitle, excerpt ON articles
BEGIN
    DELETE FROM article_search WHERE rowid IN (OLD.id, NEW.id);
    INSERT INTO article_search (rowid, title, subtitle, excerpt, headings, bodies)
    SELECT * FROM article_search_source WHERE id = NEW.id;
END;

CREATE TRIGGER article_search_article_delete AFTER DELETE ON articles
BEGIN
    DELETE FROM article_search WHERE rowid = OLD.id;
END;

CREATE TRIGGER article_search_section_insert AFTER INSERT ON sections
BEGIN
    DELETE FROM article_search WHERE rowid = NEW.article_id;
    INSERT INTO article_search (rowid, title, subtitle, excerpt, headings, bodies)
    SELECT * FROM article_search_source WHERE id = NEW.article_id;
END;

-- Position is included so that reordering sections keeps the indexed text (and snippets) in order.
CREATE TRIGGER article_search_section_update AFTER UPDATE OF heading, body, position, article_id ON sections
BEGIN
    DELETE FROM article_search WHERE rowid IN (OLD.article_id, NEW.article_id);
    INSERT INTO article_search (rowid, title, subtitle, excerpt, headings, bodies)
    SELECT * FROM article_search_source WHERE id IN (OLD.article_id, NEW.article_id);
END;

-- When the article itself is being deleted (ON DELETE CASCADE), the SELECT finds no article row
-- and nothing is reinserted.
CREATE TRIGGER article_search_section_delete AFTER DELETE ON sections
BEGIN
    DELETE FROM article_search WHERE rowid = OLD.article_id;
    INSERT INTO article_search (rowid, title, subtitle, excerpt, headings, bodies)
    SELECT * FROM article_search_source WHERE id = OLD.article_id;
END;

-- Backfill the articles that already exist.
INSERT INTO article_search (rowid, title, subtitle, excerpt, headings, bodies)
SELECT * FROM article_search_source;
