DROP TRIGGER slug_redirects_category_gone ON categories;
DROP TRIGGER slug_redirects_article_gone ON articles;
DROP FUNCTION slug_redirects_target_gone();
DROP TABLE slug_redirects;
ALTER TABLE articles DROP COLUMN derived_excerpt;
ALTER TABLE articles DROP COLUMN word_count;
ALTER TABLE articles DROP COLUMN unpublish_at;
