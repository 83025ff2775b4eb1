-- A flush of counted views changes `view_count` and nothing else; it is announced as
-- `v:<id>,<id>,…` instead of `a:…` (see 2026-12-08-000001_change_notifications), so that the
-- other nodes keep their cached answers and let the counts in them lag by at most their
-- HEALTHHUB_VIEW_COUNT_MAX_AGE_SECONDS, as the flushing node does. Whatever else an UPDATE of
-- articles changes is announced as before, by whoever writes: an updated row counts as "views
-- only" when it differs from its old self in `view_count` alone (every other column, including
-- any added later, compared through `to_jsonb`). Nodes older than this version read `v:` as a
-- notice they do not understand, which they treat as a change of everything: safe, as before.

-- `ids`: a comma-separated list of article ids (NULL or empty: nothing to say).
CREATE FUNCTION healthhub_notify_views(ids TEXT) RETURNS void
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

CREATE FUNCTION healthhub_articles_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    changed TEXT;
    viewed TEXT;
BEGIN
    SELECT string_agg(DISTINCT id::TEXT, ',') FILTER (WHERE NOT views_only),
           string_agg(DISTINCT id::TEXT, ',') FILTER (WHERE views_only)
    INTO changed, viewed
    FROM (
        -- A row whose id changed is a change of both ids.
        SELECT coalesce(n.id, o.id) AS id,
               coalesce(n.id IS NOT NULL AND o.id IS NOT NULL
                        AND (to_jsonb(n) - 'view_count') = (to_jsonb(o) - 'view_count'),
                        false) AS views_only
        FROM new_rows AS n FULL JOIN old_rows AS o ON o.id = n.id
    ) AS updated;
    PERFORM healthhub_notify_articles(changed);
    PERFORM healthhub_notify_views(viewed);
    RETURN NULL;
END
$$;

DROP TRIGGER articles_notify_update ON articles;
CREATE TRIGGER articles_notify_update AFTER UPDATE ON articles
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION healthhub_articles_updated();
