-- The changes log: one entry per resource a committed write changed, appended in the write's
-- own transaction. AUTOINCREMENT: a seq is never reused, even after the newest entries are pruned.
CREATE TABLE changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TIMESTAMP NOT NULL,
    event TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id INTEGER,
    token_id TEXT,
    slug TEXT,
    old_slug TEXT,
    version INTEGER,
    subject TEXT,
    public_before BOOLEAN,
    public_after BOOLEAN
);
CREATE INDEX changes_by_time ON changes (at);

-- The newest seq retention has pruned (0: none): a reader asking for entries after an older seq
-- has missed some and is told so (410).
CREATE TABLE change_log_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    pruned_through BIGINT NOT NULL
);
INSERT INTO change_log_state (id, pruned_through) VALUES (1, 0);

-- Whether the log last said the article is visible to anonymous readers, and when it said so:
-- the scheduler writes `article.published` / `article.unpublished` when the clock alone changes
-- that (a publication time passed after the log last spoke), exactly once.
ALTER TABLE articles ADD COLUMN public_logged BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE articles ADD COLUMN public_logged_at TIMESTAMP;
UPDATE articles SET public_logged = (
    status = 'published'
    AND published_at <= strftime('%Y-%m-%d %H:%M:%f', 'now')
    AND (unpublish_at IS NULL OR unpublish_at > strftime('%Y-%m-%d %H:%M:%f', 'now'))
), public_logged_at = strftime('%Y-%m-%d %H:%M:%f', 'now');
CREATE INDEX articles_due_to_publish ON articles (published_at)
    WHERE status = 'published' AND public_logged = 0;
CREATE INDEX articles_due_to_unpublish ON articles (unpublish_at)
    WHERE public_logged = 1 AND unpublish_at IS NOT NULL;

-- Every version of an article's content: its fields and ordered sections after that write.
CREATE TABLE article_revisions (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    subject TEXT,
    snapshot TEXT NOT NULL,
    PRIMARY KEY (article_id, version)
);
