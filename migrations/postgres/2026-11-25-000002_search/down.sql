DROP TRIGGER article_search_section_delete ON sections;
DROP TRIGGER article_search_section_update ON sections;
DROP TRIGGER article_search_section_insert ON sections;
DROP TRIGGER article_search_article_update ON articles;
DROP TRIGGER article_search_article_insert ON articles;
DROP FUNCTION article_search_section_sync();
DROP FUNCTION article_search_article_sync();
DROP FUNCTION article_search_refresh(INTEGER);
DROP FUNCTION healthhub_search_document(TEXT, TEXT, TEXT, TEXT);
DROP FUNCTION healthhub_search_words(TEXT);
DROP VIEW article_search_source;
DROP TABLE article_search;
DROP TEXT SEARCH CONFIGURATION healthhub;
DROP TEXT SEARCH DICTIONARY healthhub_stem;
-- Created by up.sql unless it was already installed; databases are made by these migrations.
DROP EXTENSION IF EXISTS unaccent;
