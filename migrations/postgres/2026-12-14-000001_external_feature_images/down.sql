-- Back to stored media only: external references are dropped.
DELETE FROM article_feature_images WHERE media_id IS NULL;
ALTER TABLE article_feature_images DROP CONSTRAINT article_feature_images_one_source;
ALTER TABLE article_feature_images DROP COLUMN source_url;
ALTER TABLE article_feature_images ALTER COLUMN media_id SET NOT NULL;
