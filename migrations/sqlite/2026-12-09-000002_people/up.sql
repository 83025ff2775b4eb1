-- People (issue 14): the authors and medical reviewers of articles. `bio` is Markdown and
-- `bio_html` its sanitized rendering, made on every write (as sections' bodies); `links` is a JSON
-- array of URLs. A person has a version, like categories: every change adds one, and PATCH/DELETE
-- honour If-Match against it. Old slugs redirect through `slug_redirects` (kind `person`). Ids are
-- AUTOINCREMENT, as every content table's: a deleted person's id never names another person.
CREATE TABLE people (
    id          INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    slug        TEXT      NOT NULL UNIQUE,
    name        TEXT      NOT NULL,
    credentials TEXT      NOT NULL,
    bio         TEXT      NOT NULL,
    bio_html    TEXT      NOT NULL,
    links       TEXT      NOT NULL,
    version     INTEGER   NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

-- Old slugs of people redirect too: `slug_redirects.kind` admits 'person'. SQLite cannot alter a
-- CHECK constraint, so the table is rebuilt (its triggers dropped first and made again, with one
-- for people: a deleted person leaves no redirect behind).
DROP TRIGGER slug_redirects_article_gone;
DROP TRIGGER slug_redirects_category_gone;
CREATE TABLE slug_redirects_new (
    kind       TEXT    NOT NULL CHECK (kind IN ('article', 'category', 'person')),
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
