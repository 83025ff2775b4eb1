DROP VIEW article_search_source;
CREATE VIEW article_search_source (id, title, subtitle, excerpt, headings, bodies) AS
SELECT a.id, a.title, a.subtitle, a.excerpt,
       coalesce((SELECT group_concat(heading, char(10))
                 FROM (SELECT heading FROM sections WHERE article_id = a.id ORDER BY position)), ''),
       coalesce((SELECT group_concat(body, char(10))
                 FROM (SELECT body FROM sections WHERE article_id = a.id ORDER BY position)), '')
FROM articles a;

DELETE FROM article_search;
INSERT INTO article_search (rowid, title, subtitle, excerpt, headings, bodies)
SELECT * FROM article_search_source;

ALTER TABLE sections DROP COLUMN body_text;
