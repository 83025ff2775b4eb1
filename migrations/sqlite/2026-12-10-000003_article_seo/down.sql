DROP TABLE article_seo;
