-- An article's SEO fields (issue 14): a meta title, a meta description and a canonical URL, each
-- optional (NULL: derived when read, from the title, the excerpt and the article's public page).
-- A row only while one is set; written with the article, like its review.
CREATE TABLE article_seo (
    article_id       INTEGER NOT NULL PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    meta_title       TEXT,
    meta_description TEXT,
    canonical_url    TEXT
);
