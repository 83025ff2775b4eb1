DROP TRIGGER article_search_section_delete;
CREATE TRIGGER article_search_section_delete AFTER DELETE ON sections
BEGIN
    DELETE FROM article_search WHERE rowid = OLD.article_id;
    INSERT INTO article_search (rowid, title, subtitle, excerpt, headings, bodies)
    SELECT * FROM article_search_source WHERE id = OLD.article_id;
END;

DROP TRIGGER article_search_section_update;
CREATE TRIGGER article_search_section_update AFTER UPDATE OF heading, body, position, article_id ON sections
BEGIN
    DELETE FROM article_search WHERE rowid IN (OLD.article_id, NEW.article_id);
    INSERT INTO article_search (rowid, title, subtitle, excerpt, headings, bodies)
    SELECT * FROM article_search_source WHERE id IN (OLD.article_id, NEW.article_id);
END;

DROP TRIGGER article_search_section_insert;
CREATE TRIGGER article_search_section_insert AFTER INSERT ON sections
BEGIN
    DELETE FROM article_search WHERE rowid = NEW.article_id;
    INSERT INTO article_search (rowid, title, subtitle, excerpt, headings, bodies)
    SELECT * FROM article_search_source WHERE id = NEW.article_id;
END;

DROP TRIGGER article_search_article_delete;
CREATE TRIGGER article_search_article_delete AFTER DELETE ON articles
BEGIN
    DELETE FROM article_search WHERE rowid = OLD.id;
END;

DROP TRIGGER article_search_article_update;
CREATE TRIGGER article_search_article_update AFTER UPDATE OF title, subtitle, excerpt ON articles
BEGIN
    DELETE FROM article_search WHERE rowid IN (OLD.id, NEW.id);
    INSERT INTO article_search (rowid, title, subtitle, excerpt, headings, bodies)
    SELECT * FROM article_search_source WHERE id = NEW.id;
END;

DROP TRIGGER article_search_article_insert;
CREATE TRIGGER article_search_article_insert AFTER INSERT ON articles
BEGIN
    DELETE FROM article_search WHERE rowid = NEW.id;
    INSERT INTO article_search (rowid, title, subtitle, excerpt, headings, bodies)
    SELECT * FROM article_search_source WHERE id = NEW.id;
END;

DROP TABLE search_paused;
