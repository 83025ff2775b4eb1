DROP TABLE article_revisions;
DROP INDEX articles_due_to_unpublish;
DROP INDEX articles_due_to_publish;
ALTER TABLE articles DROP COLUMN public_logged_at;
ALTER TABLE articles DROP COLUMN public_logged;
DROP TABLE change_log_state;
DROP TABLE changes;
