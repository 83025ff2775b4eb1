DROP TABLE media_variants;
DROP TABLE media;
