-- The tables added for issue 14 announce their changes too (see 2026-12-08-000001_change_notifications),
-- so that every node drops the cached responses that show them:
-- - people: a person's name, credentials or bio show on every article that credits them, and
--   on the people routes: everything changed;
-- - an article's references, authors and review: that article (its id, like its sections).
-- The API bumps the article's version with its parts, which the articles trigger announces
-- already; these triggers cover every other writer (imports, manual SQL) as the first ones do.
CREATE TRIGGER people_notify AFTER INSERT OR UPDATE OR DELETE ON people
    FOR EACH STATEMENT EXECUTE FUNCTION healthhub_everything_changed();
CREATE TRIGGER people_notify_truncate AFTER TRUNCATE ON people
    FOR EACH STATEMENT EXECUTE FUNCTION healthhub_everything_changed();

CREATE TRIGGER article_references_notify_insert AFTER INSERT ON article_references
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION healthhub_sections_changed();
CREATE TRIGGER article_references_notify_update AFTER UPDATE ON article_references
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION healthhub_sections_changed();
CREATE TRIGGER article_references_notify_delete AFTER DELETE ON article_references
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION healthhub_sections_changed();

CREATE TRIGGER article_authors_notify_insert AFTER INSERT ON article_authors
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION healthhub_sections_changed();
CREATE TRIGGER article_authors_notify_update AFTER UPDATE ON article_authors
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION healthhub_sections_changed();
CREATE TRIGGER article_authors_notify_delete AFTER DELETE ON article_authors
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION healthhub_sections_changed();

CREATE TRIGGER article_reviews_notify_insert AFTER INSERT ON article_reviews
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION healthhub_sections_changed();
CREATE TRIGGER article_reviews_notify_update AFTER UPDATE ON article_reviews
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION healthhub_sections_changed();
CREATE TRIGGER article_reviews_notify_delete AFTER DELETE ON article_reviews
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION healthhub_sections_changed();

CREATE TRIGGER article_references_notify_truncate AFTER TRUNCATE ON article_references
    FOR EACH STATEMENT EXECUTE FUNCTION healthhub_everything_changed();
CREATE TRIGGER article_authors_notify_truncate AFTER TRUNCATE ON article_authors
    FOR EACH STATEMENT EXECUTE FUNCTION healthhub_everything_changed();
CREATE TRIGGER article_reviews_notify_truncate AFTER TRUNCATE ON article_reviews
    FOR EACH STATEMENT EXECUTE FUNCTION healthhub_everything_changed();

-- The nodes running before this migration may have cached people the older schema let change
-- unannounced.
SELECT healthhub_notify('all');
