-- Scheduling (an optional end of publication), derived text fields kept by the write paths,
-- and slug history so that old URLs keep answering with a redirect.

ALTER TABLE articles ADD COLUMN unpublish_at TIMESTAMP;
ALTER TABLE articles ADD COLUMN word_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE articles ADD COLUMN derived_excerpt TEXT NOT NULL DEFAULT '';

CREATE TABLE slug_redirects (
    kind       TEXT    NOT NULL CHECK (kind IN ('article', 'category')),
    old_slug   TEXT    NOT NULL,
    target_id  INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (kind, old_slug)
);
CREATE INDEX slug_redirects_target ON slug_redirects (kind, target_id);

-- A deleted article or category leaves no redirect behind.
CREATE TRIGGER slug_redirects_article_gone AFTER DELETE ON articles BEGIN
    DELETE FROM slug_redirects WHERE kind = 'article' AND target_id = old.id;
END;
CREATE TRIGGER slug_redirects_category_gone AFTER DELETE ON categories BEGIN
    DELETE FROM slug_redirects WHERE kind = 'category' AND target_id = old.id;
END;
