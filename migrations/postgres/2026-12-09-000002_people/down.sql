DELETE FROM slug_redirects WHERE kind = 'person';
ALTER TABLE slug_redirects DROP CONSTRAINT slug_redirects_kind_check;
ALTER TABLE slug_redirects ADD CONSTRAINT slug_redirects_kind_check
    CHECK (kind IN ('article', 'category'));
DROP TABLE people;
