-- An article's feature image: a media item with the alt text and caption it has on this article
-- (published articles need the alt text: the application checks it). A medium an article shows
-- cannot be deleted (the application answers 409 first; the foreign key holds it anyway).
CREATE TABLE article_feature_images (
    article_id INTEGER PRIMARY KEY NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    media_id   INTEGER NOT NULL REFERENCES media (id),
    alt        TEXT    NOT NULL,
    caption    TEXT    NOT NULL
);
CREATE INDEX article_feature_images_media ON article_feature_images (media_id);
