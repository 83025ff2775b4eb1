-- An article's social image (issue 14): the media item social cards show (`og:image`), stored
-- with its other SEO fields; NULL: its feature image stands in. A medium in use here cannot be
-- deleted (the server answers 409 first; the reference is the backstop).
ALTER TABLE article_seo ADD COLUMN og_image_id INTEGER REFERENCES media (id);
CREATE INDEX article_seo_og_image ON article_seo (og_image_id) WHERE og_image_id IS NOT NULL;
