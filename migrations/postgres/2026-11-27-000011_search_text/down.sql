DROP TRIGGER article_search_section_update ON sections;
CREATE TRIGGER article_search_section_update AFTER UPDATE OF heading, body, position, article_id ON sections
FOR EACH ROW
WHEN (coalesce(current_setting('healthhub.search_paused', true), '') <> 'on')
EXECUTE FUNCTION article_search_section_sync();

CREATE OR REPLACE VIEW article_search_source (id, title, subtitle, excerpt, headings, bodies) AS
SELECT a.id, a.title, a.subtitle, a.excerpt,
       coalesce((SELECT string_agg(s.heading, E'\n' ORDER BY s.position)
                 FROM sections s WHERE s.article_id = a.id), ''),
       coalesce((SELECT string_agg(s.body, E'\n' ORDER BY s.position)
                 FROM sections s WHERE s.article_id = a.id), '')
FROM articles a;

-- Back to indexing the Markdown source, which SQL can read.
SELECT article_search_refresh(id) FROM articles;

ALTER TABLE sections DROP COLUMN body_text;
