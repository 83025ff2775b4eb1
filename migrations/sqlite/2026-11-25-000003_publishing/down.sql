DROP TRIGGER slug_redirects_category_gone;
DROP TRIGGER slug_redirects_article_gone;
DROP TABLE slug_redirects;
ALTER TABLE articles DROP COLUMN derived_excerpt;
ALTER TABLE articles DROP COLUMN word_count;
ALTER TABLE articles DROP COLUMN unpublish_at;
