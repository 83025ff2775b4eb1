-- An article's SEO fields (issue 14): a meta title, a meta description and a canonical URL, each
-- optional (NULL: derived when read, from the title, the excerpt and the article's public page).
-- A row only while one is set; written with the article, like its review.
CREATE TABLE article_seo (
    article_id       INTEGER NOT NULL PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    meta_title       TEXT,
    meta_description TEXT,
    canonical_url    TEXT
);

-- Every node hears of a change (see 2026-12-08-000001_change_notifications): that article's.
CREATE TRIGGER article_seo_notify_insert AFTER INSERT ON article_seo
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION healthhub_sections_changed();
CREATE TRIGGER article_seo_notify_update AFTER UPDATE ON article_seo
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION healthhub_sections_changed();
CREATE TRIGGER article_seo_notify_delete AFTER DELETE ON article_seo
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION healthhub_sections_changed();
CREATE TRIGGER article_seo_notify_truncate AFTER TRUNCATE ON article_seo
    FOR EACH STATEMENT EXECUTE FUNCTION healthhub_everything_changed();
