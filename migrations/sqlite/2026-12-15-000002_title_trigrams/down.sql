DROP TRIGGER article_trigrams_delete;
DROP TRIGGER article_trigrams_update;
DROP TRIGGER article_trigrams_insert;
DROP TABLE article_trigrams;
