-- The content model: a category tree, articles in categories, and ordered sections per article.
-- Ids are AUTOINCREMENT: a deleted id is never reused, so an old URL or If-Match never reaches a newer row.
-- Timestamps are UTC, stored as ISO text ("YYYY-MM-DD HH:MM:SS.ffffff") so they sort correctly.

CREATE TABLE categories (
    id          INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    slug        TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    parent_id   INTEGER REFERENCES categories (id) ON DELETE RESTRICT,
    position    INTEGER NOT NULL DEFAULT 0,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX categories_parent_position ON categories (parent_id, position, name);

CREATE TABLE articles (
    id           INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    slug         TEXT    NOT NULL UNIQUE,
    title        TEXT    NOT NULL,
    subtitle     TEXT    NOT NULL DEFAULT '',
    excerpt      TEXT    NOT NULL DEFAULT '',
    status       TEXT    NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
    published_at TIMESTAMP,
    category_id  INTEGER NOT NULL REFERENCES categories (id) ON DELETE RESTRICT,
    view_count   BIGINT  NOT NULL DEFAULT 0 CHECK (view_count >= 0),
    version      INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX articles_published ON articles (published_at DESC, id DESC);
CREATE INDEX articles_category_published ON articles (category_id, published_at DESC, id DESC);

CREATE TABLE sections (
    id         INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    heading    TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (article_id, position)
);
