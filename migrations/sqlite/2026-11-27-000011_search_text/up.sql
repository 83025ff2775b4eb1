-- The search index holds the text a reader sees, not the Markdown source: `body_text` is a
-- section's body rendered (sanitized HTML, as `body_html`) and reduced to plain text (no `**`, no
-- link targets, entities decoded), derived on every write with `body` (sections::model). The index
-- also never holds the three private-use characters the snippet highlighter reserves
-- (U+E000-U+E002), so a snippet's `<mark>`s are always the index's own.
--
-- The backfill calls `healthhub_search_text(body)`, an SQL function the application registers on
-- its writer connection before it runs migrations (db::register_functions): run these migrations
-- with `healthhub migrate`, not with the Diesel CLI. The section triggers fire on `body`, which
-- every write changes together with `body_text`; the UPDATE below changes only `body_text`, so it
-- does not reindex row by row: the index is rebuilt once at the end.
ALTER TABLE sections ADD COLUMN body_text TEXT NOT NULL DEFAULT '';
UPDATE sections SET body_text = healthhub_search_text(body);

DROP VIEW article_search_source;
CREATE VIEW article_search_source (id, title, subtitle, excerpt, headings, bodies) AS
SELECT a.id,
       replace(replace(replace(a.title, char(57344), ''), char(57345), ''), char(57346), ''),
       replace(replace(replace(a.subtitle, char(57344), ''), char(57345), ''), char(57346), ''),
       replace(replace(replace(a.excerpt, char(57344), ''), char(57345), ''), char(57346), ''),
       coalesce((SELECT group_concat(replace(replace(replace(heading, char(57344), ''), char(57345), ''), char(57346), ''), char(10))
                 FROM (SELECT heading FROM sections WHERE article_id = a.id ORDER BY position)), ''),
       coalesce((SELECT group_concat(body_text, char(10))
                 FROM (SELECT body_text FROM sections WHERE article_id = a.id ORDER BY position)), '')
FROM articles a;

DELETE FROM article_search;
INSERT INTO article_search (rowid, title, subtitle, excerpt, headings, bodies)
SELECT * FROM article_search_source;
