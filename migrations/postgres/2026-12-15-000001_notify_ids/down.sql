CREATE OR REPLACE FUNCTION healthhub_notify_articles(ids TEXT) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF ids IS NULL OR ids = '' THEN
        RETURN;
    END IF;
    IF length(ids) > 7000 THEN
        PERFORM healthhub_notify('all');
    ELSE
        PERFORM healthhub_notify('a:' || ids);
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION healthhub_notify_views(ids TEXT) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF ids IS NULL OR ids = '' THEN
        RETURN;
    END IF;
    IF length(ids) > 7000 THEN
        PERFORM healthhub_notify('all');
    ELSE
        PERFORM healthhub_notify('v:' || ids);
    END IF;
END
$$;

DROP FUNCTION healthhub_notify_ids(TEXT, TEXT);
