DROP INDEX articles_slug_trigrams;
DROP INDEX articles_title_trigrams;
