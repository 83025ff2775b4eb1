DROP INDEX articles_unpublish;
DROP INDEX articles_visibility;
