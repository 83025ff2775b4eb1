DROP TRIGGER articles_notify_update ON articles;
CREATE TRIGGER articles_notify_update AFTER UPDATE ON articles
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION healthhub_articles_changed();
DROP FUNCTION healthhub_articles_updated();
DROP FUNCTION healthhub_notify_views(TEXT);
