-- A write that changes an article and several of its sections (a creation, a replacement of all
-- sections) pauses the search triggers for its transaction by holding the one row of
-- `search_paused`, then indexes the article once. Without it every section statement rebuilt
-- the article's whole search row, and FTS5 flushed its pending terms as a new segment at each
-- statement, then merged them: most of a creation's time (BENCHMARKS.md). The row never
-- outlives the transaction that inserts it.
CREATE TABLE search_paused (paused INTEGER PRIMARY KEY CHECK (paused = 1));

DROP TRIGGER article_search_article_insert;
CREATE TRIGGER article_search_article_insert AFTER INSERT ON articles
WHEN NOT EXISTS (SELECT 1 FROM search_paused)
BEGIN
    DELETE FROM article_search WHERE rowid = NEW.id;
    INSERT INTO article_search (rowid, title, subtitle, excerpt, headings, bodies)
    SELECT * FROM article_search_source WHERE id = NEW.id;
END;

DROP TRIGGER article_search_article_update;
CREATE TRIGGER article_search_article_update AFTER UPDATE OF title, subtitle, excerpt ON articles
WHEN NOT EXISTS (SELECT 1 FROM search_paused)
BEGIN
    DELETE FROM article_search WHERE rowid IN (OLD.id, NEW.id);
    INSERT INTO article_search (rowid, title, subtitle, excerpt, headings, bodies)
    SELECT * FROM article_search_source WHERE id = NEW.id;
END;

DROP TRIGGER article_search_article_delete;
CREATE TRIGGER article_search_article_delete AFTER DELETE ON articles
WHEN NOT EXISTS (SELECT 1 FROM search_paused)
BEGIN
    DELETE FROM article_search WHERE rowid = OLD.id;
END;

DROP TRIGGER article_search_section_insert;
CREATE TRIGGER article_search_section_insert AFTER INSERT ON sections
WHEN NOT EXISTS (SELECT 1 FROM search_paused)
BEGIN
    DELETE FROM article_search WHERE rowid = NEW.article_id;
    INSERT INTO article_search (rowid, title, subtitle, excerpt, headings, bodies)
    SELECT * FROM article_search_source WHERE id = NEW.article_id;
END;

DROP TRIGGER article_search_section_update;
CREATE TRIGGER article_search_section_update AFTER UPDATE OF heading, body, position, article_id ON sections
WHEN NOT EXISTS (SELECT 1 FROM search_paused)
BEGIN
    DELETE FROM article_search WHERE rowid IN (OLD.article_id, NEW.article_id);
    INSERT INTO article_search (rowid, title, subtitle, excerpt, headings, bodies)
    SELECT * FROM article_search_source WHERE id IN (OLD.article_id, NEW.article_id);
END;

DROP TRIGGER article_search_section_delete;
CREATE TRIGGER article_search_section_delete AFTER DELETE ON sections
WHEN NOT EXISTS (SELECT 1 FROM search_paused)
BEGIN
    DELETE FROM article_search WHERE rowid = OLD.article_id;
    INSERT INTO article_search (rowid, title, subtitle, excerpt, headings, bodies)
    SELECT * FROM article_search_source WHERE id = OLD.article_id;
END;
