DROP INDEX article_seo_og_image;
ALTER TABLE article_seo DROP COLUMN og_image_id;
