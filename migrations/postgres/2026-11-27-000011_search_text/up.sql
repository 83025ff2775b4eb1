-- The search index holds the text a reader sees, not the Markdown source: `body_text` is a
-- section's body rendered (sanitized HTML, as `body_html`) and reduced to plain text (no `**`, no
-- link targets, entities decoded), derived on every write with `body` (sections::model). The index
-- also never holds the three private-use characters the snippet highlighter reserves
-- (U+E000-U+E002), so a snippet's `<mark>`s are always the index's own.
--
-- Differs from SQLite: no backfill. SQLite's version fills `body_text` with
-- `healthhub_search_text(body)`, an SQL function the application registers on its SQLite
-- connection; PostgreSQL has no such function, and needs none: PostgreSQL databases are always
-- created empty by these migrations, so there is no section to fill in. (Sections that existed
-- anyway, e.g. in a test that reverted this migration and applies it again, keep an empty
-- `body_text` until the application writes them again.) The index is rebuilt from the new source
-- as in SQLite, which on a new database does nothing. The section update trigger also fires on
-- `body_text`: SQLite's does not, only so that its backfill does not reindex row by row.
ALTER TABLE sections ADD COLUMN body_text TEXT NOT NULL DEFAULT '';

CREATE OR REPLACE VIEW article_search_source (id, title, subtitle, excerpt, headings, bodies) AS
SELECT a.id,
       translate(a.title, chr(57344) || chr(57345) || chr(57346), ''),
       translate(a.subtitle, chr(57344) || chr(57345) || chr(57346), ''),
       translate(a.excerpt, chr(57344) || chr(57345) || chr(57346), ''),
       coalesce((SELECT string_agg(translate(s.heading, chr(57344) || chr(57345) || chr(57346), ''),
                                   E'\n' ORDER BY s.position)
                 FROM sections s WHERE s.article_id = a.id), ''),
       coalesce((SELECT string_agg(s.body_text, E'\n' ORDER BY s.position)
                 FROM sections s WHERE s.article_id = a.id), '')
FROM articles a;

DROP TRIGGER article_search_section_update ON sections;
CREATE TRIGGER article_search_section_update
AFTER UPDATE OF heading, body, body_text, position, article_id ON sections
FOR EACH ROW
WHEN (coalesce(current_setting('healthhub.search_paused', true), '') <> 'on')
EXECUTE FUNCTION article_search_section_sync();

SELECT article_search_refresh(id) FROM articles;
