-- A write that changes an article and several of its sections (a creation, a replacement of all
-- sections) pauses the search triggers for its transaction, then indexes the article once
-- (`SELECT article_search_refresh(id)`). Without it every section statement rebuilds the
-- article's whole search row.
-- Differs from SQLite: there is no `search_paused` table. The pause is the transaction-local
-- setting `SET LOCAL healthhub.search_paused = 'on'`, which, like the SQLite row, never outlives
-- the transaction that sets it (a rollback or a commit ends it). The triggers are recreated with
-- a WHEN condition that skips them while it is on. There is no trigger on article deletion to
-- pause (000002): the search row always goes with its article.
DROP TRIGGER article_search_article_insert ON articles;
CREATE TRIGGER article_search_article_insert AFTER INSERT ON articles
FOR EACH ROW
WHEN (coalesce(current_setting('healthhub.search_paused', true), '') <> 'on')
EXECUTE FUNCTION article_search_article_sync();

DROP TRIGGER article_search_article_update ON articles;
CREATE TRIGGER article_search_article_update AFTER UPDATE OF title, subtitle, excerpt ON articles
FOR EACH ROW
WHEN (coalesce(current_setting('healthhub.search_paused', true), '') <> 'on')
EXECUTE FUNCTION article_search_article_sync();

DROP TRIGGER article_search_section_insert ON sections;
CREATE TRIGGER article_search_section_insert AFTER INSERT ON sections
FOR EACH ROW
WHEN (coalesce(current_setting('healthhub.search_paused', true), '') <> 'on')
EXECUTE FUNCTION article_search_section_sync();

DROP TRIGGER article_search_section_update ON sections;
CREATE TRIGGER article_search_section_update AFTER UPDATE OF heading, body, position, article_id ON sections
FOR EACH ROW
WHEN (coalesce(current_setting('healthhub.search_paused', true), '') <> 'on')
EXECUTE FUNCTION article_search_section_sync();

DROP TRIGGER article_search_section_delete ON sections;
CREATE TRIGGER article_search_section_delete AFTER DELETE ON sections
FOR EACH ROW
WHEN (coalesce(current_setting('healthhub.search_paused', true), '') <> 'on')
EXECUTE FUNCTION article_search_section_sync();
