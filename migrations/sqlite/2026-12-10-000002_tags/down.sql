DROP TRIGGER slug_redirects_tag_gone;
DELETE FROM slug_redirects WHERE kind = 'tag';
DROP TRIGGER slug_redirects_article_gone;
DROP TRIGGER slug_redirects_category_gone;
DROP TRIGGER slug_redirects_person_gone;
CREATE TABLE slug_redirects_old (
    kind       TEXT    NOT NULL CHECK (kind IN ('article', 'category', 'person')),
    old_slug   TEXT    NOT NULL,
    target_id  INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (kind, old_slug)
);
INSERT INTO slug_redirects_old SELECT kind, old_slug, target_id, created_at FROM slug_redirects;
DROP TABLE slug_redirects;
ALTER TABLE slug_redirects_old RENAME TO slug_redirects;
CREATE INDEX slug_redirects_target ON slug_redirects (kind, target_id);
CREATE TRIGGER slug_redirects_article_gone AFTER DELETE ON articles BEGIN
    DELETE FROM slug_redirects WHERE kind = 'article' AND target_id = old.id;
END;
CREATE TRIGGER slug_redirects_category_gone AFTER DELETE ON categories BEGIN
    DELETE FROM slug_redirects WHERE kind = 'category' AND target_id = old.id;
END;
CREATE TRIGGER slug_redirects_person_gone AFTER DELETE ON people BEGIN
    DELETE FROM slug_redirects WHERE kind = 'person' AND target_id = old.id;
END;
DROP TABLE article_tags;
DROP TABLE tags;
