ALTER TABLE categories DROP COLUMN version;
