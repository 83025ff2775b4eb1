-- A feature image may be an external reference instead of a stored medium: the address of an
-- image kept elsewhere (an importer's featured image, which is never fetched at import time).
-- Exactly one of media_id and source_url is set. SQLite cannot relax NOT NULL in place, so the
-- table is rebuilt (nothing references it; it has no triggers on this backend).
CREATE TABLE article_feature_images_new (
    article_id INTEGER PRIMARY KEY NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    media_id   INTEGER REFERENCES media (id),
    source_url TEXT,
    alt        TEXT    NOT NULL,
    caption    TEXT    NOT NULL,
    CHECK ((media_id IS NULL) <> (source_url IS NULL))
);
INSERT INTO article_feature_images_new (article_id, media_id, source_url, alt, caption)
    SELECT article_id, media_id, NULL, alt, caption FROM article_feature_images;
DROP TABLE article_feature_images;
ALTER TABLE article_feature_images_new RENAME TO article_feature_images;
CREATE INDEX article_feature_images_media ON article_feature_images (media_id);
