DROP TABLE article_references;
