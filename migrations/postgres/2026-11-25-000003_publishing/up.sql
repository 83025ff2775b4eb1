-- Scheduling (an optional end of publication), derived text fields kept by the write paths,
-- and slug history so that old URLs keep answering with a redirect.
-- Differs from SQLite: old slugs are COLLATE "C" (byte comparison, like the live slugs), and the
-- two cleanup triggers share one PL/pgSQL function, told the kind by its trigger argument.

ALTER TABLE articles ADD COLUMN unpublish_at TIMESTAMP;
ALTER TABLE articles ADD COLUMN word_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE articles ADD COLUMN derived_excerpt TEXT NOT NULL DEFAULT '';

CREATE TABLE slug_redirects (
    kind       TEXT    NOT NULL CHECK (kind IN ('article', 'category')),
    old_slug   TEXT COLLATE "C" NOT NULL,
    target_id  INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (kind, old_slug)
);
CREATE INDEX slug_redirects_target ON slug_redirects (kind, target_id);

-- A deleted article or category leaves no redirect behind.
CREATE FUNCTION slug_redirects_target_gone() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM slug_redirects WHERE kind = TG_ARGV[0] AND target_id = OLD.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER slug_redirects_article_gone AFTER DELETE ON articles
FOR EACH ROW EXECUTE FUNCTION slug_redirects_target_gone('article');
CREATE TRIGGER slug_redirects_category_gone AFTER DELETE ON categories
FOR EACH ROW EXECUTE FUNCTION slug_redirects_target_gone('category');
