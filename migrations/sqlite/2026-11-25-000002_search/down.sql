DROP TRIGGER IF EXISTS article_search_section_delete;
DROP TRIGGER IF EXISTS article_search_section_update;
DROP TRIGGER IF EXISTS article_search_section_insert;
DROP TRIGGER IF EXISTS article_search_article_delete;
DROP TRIGGER IF EXISTS article_search_article_update;
DROP TRIGGER IF EXISTS article_search_article_insert;
DROP VIEW IF EXISTS article_search_source;
DROP TABLE IF EXISTS article_search;
