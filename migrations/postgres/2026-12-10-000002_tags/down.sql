DROP TRIGGER slug_redirects_tag_gone ON tags;
DELETE FROM slug_redirects WHERE kind = 'tag';
ALTER TABLE slug_redirects DROP CONSTRAINT slug_redirects_kind_check;
ALTER TABLE slug_redirects ADD CONSTRAINT slug_redirects_kind_check
    CHECK (kind IN ('article', 'category', 'person'));
DROP TABLE article_tags;
DROP TABLE tags;
