-- Every committed change to what readers see is announced on the channel `healthhub_changes`,
-- so that every node drops the cached responses that show it (LISTEN/NOTIFY: delivered only at
-- commit, nothing for a rollback, identical payloads of one transaction sent once). Statement
-- triggers catch every writer: the API on any node, view flushes, `healthhub import`, manual SQL.
--
-- Payload: `<node>|<micros>|<what>`. `<node>` is the writing node's id (`healthhub.node`, set by
-- the application in its write transactions; empty for other writers) so a node can skip its
-- own writes, which it has already applied. `<micros>` is when the write happened, in
-- microseconds since the epoch: the application's clock (`healthhub.now`) or, for other
-- writers, the database's. `<what>` is `a:<id>,<id>,…` (these articles, their rows or sections)
-- or `all` (categories, slug redirects, or more ids than a payload holds: NOTIFY payloads are
-- limited to 8000 bytes).

CREATE FUNCTION healthhub_notify(what TEXT) RETURNS void
LANGUAGE sql AS $$
    SELECT pg_notify('healthhub_changes',
        coalesce(current_setting('healthhub.node', true), '') || '|' ||
        coalesce(nullif(current_setting('healthhub.now', true), ''),
                 (extract(epoch FROM clock_timestamp()) * 1000000)::BIGINT::TEXT) || '|' ||
        what)
$$;

-- `ids`: a comma-separated list of article ids (NULL or empty: nothing to say).
CREATE FUNCTION healthhub_notify_articles(ids TEXT) RETURNS void
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

CREATE FUNCTION healthhub_articles_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    ids TEXT;
BEGIN
    IF TG_OP = 'DELETE' THEN
        SELECT string_agg(DISTINCT id::TEXT, ',') INTO ids FROM old_rows;
    ELSE
        SELECT string_agg(DISTINCT id::TEXT, ',') INTO ids FROM new_rows;
    END IF;
    PERFORM healthhub_notify_articles(ids);
    RETURN NULL;
END
$$;

-- A section that moves between articles changes both.
CREATE FUNCTION healthhub_sections_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    ids TEXT;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT string_agg(DISTINCT article_id::TEXT, ',') INTO ids FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT string_agg(DISTINCT article_id::TEXT, ',') INTO ids FROM old_rows;
    ELSE
        SELECT string_agg(DISTINCT article_id::TEXT, ',') INTO ids
        FROM (SELECT article_id FROM old_rows UNION SELECT article_id FROM new_rows) AS both_sides;
    END IF;
    PERFORM healthhub_notify_articles(ids);
    RETURN NULL;
END
$$;

CREATE FUNCTION healthhub_everything_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM healthhub_notify('all');
    RETURN NULL;
END
$$;

CREATE TRIGGER articles_notify_insert AFTER INSERT ON articles
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION healthhub_articles_changed();
CREATE TRIGGER articles_notify_update AFTER UPDATE ON articles
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION healthhub_articles_changed();
CREATE TRIGGER articles_notify_delete AFTER DELETE ON articles
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION healthhub_articles_changed();
CREATE TRIGGER sections_notify_insert AFTER INSERT ON sections
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION healthhub_sections_changed();
CREATE TRIGGER sections_notify_update AFTER UPDATE ON sections
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION healthhub_sections_changed();
CREATE TRIGGER sections_notify_delete AFTER DELETE ON sections
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION healthhub_sections_changed();
-- Categories and slug redirects change what many responses show (trees, paths, redirects).
CREATE TRIGGER categories_notify AFTER INSERT OR UPDATE OR DELETE ON categories
    FOR EACH STATEMENT EXECUTE FUNCTION healthhub_everything_changed();
CREATE TRIGGER slug_redirects_notify AFTER INSERT OR UPDATE OR DELETE ON slug_redirects
    FOR EACH STATEMENT EXECUTE FUNCTION healthhub_everything_changed();
-- TRUNCATE (another tool's) empties a table without a row trigger: everything changed.
CREATE TRIGGER articles_notify_truncate AFTER TRUNCATE ON articles
    FOR EACH STATEMENT EXECUTE FUNCTION healthhub_everything_changed();
CREATE TRIGGER sections_notify_truncate AFTER TRUNCATE ON sections
    FOR EACH STATEMENT EXECUTE FUNCTION healthhub_everything_changed();
CREATE TRIGGER categories_notify_truncate AFTER TRUNCATE ON categories
    FOR EACH STATEMENT EXECUTE FUNCTION healthhub_everything_changed();
CREATE TRIGGER slug_redirects_notify_truncate AFTER TRUNCATE ON slug_redirects
    FOR EACH STATEMENT EXECUTE FUNCTION healthhub_everything_changed();

-- The nodes running before this migration cached responses the new schema may change.
SELECT healthhub_notify('all');
