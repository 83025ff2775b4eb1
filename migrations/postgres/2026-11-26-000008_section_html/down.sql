ALTER TABLE sections DROP COLUMN body_html;
