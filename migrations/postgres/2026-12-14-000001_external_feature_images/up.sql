-- A feature image may be an external reference instead of a stored medium: the address of an
-- image kept elsewhere (an importer's featured image, which is never fetched at import time).
-- Exactly one of media_id and source_url is set.
ALTER TABLE article_feature_images ALTER COLUMN media_id DROP NOT NULL;
ALTER TABLE article_feature_images ADD COLUMN source_url TEXT;
ALTER TABLE article_feature_images ADD CONSTRAINT article_feature_images_one_source
    CHECK ((media_id IS NULL) <> (source_url IS NULL));
