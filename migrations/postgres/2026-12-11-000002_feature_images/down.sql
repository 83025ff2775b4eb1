DROP TABLE article_feature_images;
