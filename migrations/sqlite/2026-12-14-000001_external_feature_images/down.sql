-- Back to stored media only: external references are dropped.
CREATE TABLE article_feature_images_old (
    article_id INTEGER PRIMARY KEY NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    media_id   INTEGER NOT NULL REFERENCES media (id),
    alt        TEXT    NOT NULL,
    caption    TEXT    NOT NULL
);
INSERT INTO article_feature_images_old (article_id, media_id, alt, caption)
    SELECT article_id, media_id, alt, caption FROM article_feature_images WHERE media_id IS NOT NULL;
DROP TABLE article_feature_images;
ALTER TABLE article_feature_images_old RENAME TO article_feature_images;
CREATE INDEX article_feature_images_media ON article_feature_images (media_id);
