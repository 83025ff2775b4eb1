-- An article's feature image: a media item with the alt text and caption it has on this article
-- (published articles need the alt text: the application checks it). A medium an article shows
-- cannot be deleted (the application answers 409 first; the foreign key holds it anyway).
CREATE TABLE article_feature_images (
    article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    media_id   INTEGER NOT NULL REFERENCES media (id),
    alt        TEXT    NOT NULL,
    caption    TEXT    NOT NULL
);
CREATE INDEX article_feature_images_media ON article_feature_images (media_id);

-- Every node hears of them (see 2026-12-08-000001_change_notifications): an article's feature
-- image is that article's.
CREATE TRIGGER article_feature_images_notify_insert AFTER INSERT ON article_feature_images
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION healthhub_sections_changed();
CREATE TRIGGER article_feature_images_notify_update AFTER UPDATE ON article_feature_images
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION healthhub_sections_changed();
CREATE TRIGGER article_feature_images_notify_delete AFTER DELETE ON article_feature_images
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION healthhub_sections_changed();
CREATE TRIGGER article_feature_images_notify_truncate AFTER TRUNCATE ON article_feature_images
    FOR EACH STATEMENT EXECUTE FUNCTION healthhub_everything_changed();
