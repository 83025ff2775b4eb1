DROP TRIGGER article_search_section_delete ON sections;
CREATE TRIGGER article_search_section_delete AFTER DELETE ON sections
FOR EACH ROW EXECUTE FUNCTION article_search_section_sync();

DROP TRIGGER article_search_section_update ON sections;
CREATE TRIGGER article_search_section_update AFTER UPDATE OF heading, body, position, article_id ON sections
FOR EACH ROW EXECUTE FUNCTION article_search_section_sync();

DROP TRIGGER article_search_section_insert ON sections;
CREATE TRIGGER article_search_section_insert AFTER INSERT ON sections
FOR EACH ROW EXECUTE FUNCTION article_search_section_sync();

DROP TRIGGER article_search_article_update ON articles;
CREATE TRIGGER article_search_article_update AFTER UPDATE OF title, subtitle, excerpt ON articles
FOR EACH ROW EXECUTE FUNCTION article_search_article_sync();

DROP TRIGGER article_search_article_insert ON articles;
CREATE TRIGGER article_search_article_insert AFTER INSERT ON articles
FOR EACH ROW EXECUTE FUNCTION article_search_article_sync();
