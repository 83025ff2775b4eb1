DROP TABLE article_reviews;
DROP TABLE article_authors;
