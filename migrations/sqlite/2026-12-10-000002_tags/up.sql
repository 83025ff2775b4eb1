-- Tags (issue 14): flat topics across categories. An article has any number, in the order its
-- writer gave (the first is its main topic). A tag has a version like categories and people, and
-- old slugs that redirect (`slug_redirects` kind `tag`). A tag an article carries cannot be
-- deleted (the application answers 409 first; the foreign key holds it anyway). Ids are
-- AUTOINCREMENT, as every content table's: a deleted tag's id never names another.
CREATE TABLE tags (
    id          INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    slug        TEXT      NOT NULL UNIQUE,
    name        TEXT      NOT NULL,
    description TEXT      NOT NULL,
    version     INTEGER   NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE TABLE article_tags (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    tag_id     INTEGER NOT NULL REFERENCES tags (id),
    position   INTEGER NOT NULL,
    PRIMARY KEY (article_id, position),
    UNIQUE (article_id, tag_id)
);
CREATE INDEX article_tags_tag ON article_tags (tag_id, article_id);

-- Old slugs of tags redirect too: `slug_redirects.kind` admits 'tag'. SQLite cannot alter a
-- CHECK constraint, so the table is rebuilt (its triggers dropped first and made again, with one
-- for tags: a deleted tag leaves no redirect behind).
DROP TRIGGER slug_redirects_article_gone;
DROP TRIGGER slug_redirects_category_gone;
DROP TRIGGER slug_redirects_person_gone;
CREATE TABLE slug_redirects_new (
    kind       TEXT    NOT NULL CHECK (kind IN ('article', 'category', 'person', 'tag')),
    old_slug   TEXT    NOT NULL,
    target_id  INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (kind, old_slug)
);
INSERT INTO slug_redirects_new SELECT kind, old_slug, target_id, created_at FROM slug_redirects;
DROP TABLE slug_redirects;
ALTER TABLE slug_redirects_new RENAME TO slug_redirects;
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
CREATE TRIGGER slug_redirects_tag_gone AFTER DELETE ON tags BEGIN
    DELETE FROM slug_redirects WHERE kind = 'tag' AND target_id = old.id;
END;
