DROP INDEX articles_view_count_order;
DROP INDEX articles_updated_order;
DROP INDEX articles_title_order;
