-- One function says "these ids changed" for every kind of notice: `a:` (articles, see
-- 2026-12-08-000001_change_notifications) and `v:` (view counts only, see
-- 2026-12-14-000002_view_notifications) both call it instead of each repeating its rule: nothing
-- for no ids; `all` when the list would not fit in a notification's payload (8 000 bytes, with
-- room for the node and time around it); `<kind>:<ids>` otherwise. What is announced is unchanged.

-- `kind`: the notice's prefix (`a`, `v`); `ids`: a comma-separated list of ids (NULL or empty:
-- nothing to say).
CREATE FUNCTION healthhub_notify_ids(kind TEXT, ids TEXT) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF ids IS NULL OR ids = '' THEN
        RETURN;
    END IF;
    IF length(ids) > 7000 THEN
        PERFORM healthhub_notify('all');
    ELSE
        PERFORM healthhub_notify(kind || ':' || ids);
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION healthhub_notify_articles(ids TEXT) RETURNS void
LANGUAGE sql AS $$ SELECT healthhub_notify_ids('a', ids) $$;

CREATE OR REPLACE FUNCTION healthhub_notify_views(ids TEXT) RETURNS void
LANGUAGE sql AS $$ SELECT healthhub_notify_ids('v', ids) $$;
