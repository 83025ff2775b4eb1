-- SQLite cannot drop a column that references another table: the table is made again without it.
DROP INDEX article_seo_og_image;
CREATE TABLE article_seo_before (
    article_id       INTEGER NOT NULL PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    meta_title       TEXT,
    meta_description TEXT,
    canonical_url    TEXT
);
INSERT INTO article_seo_before SELECT article_id, meta_title, meta_description, canonical_url FROM article_seo;
DROP TABLE article_seo;
ALTER TABLE article_seo_before RENAME TO article_seo;
