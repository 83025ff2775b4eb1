-- Sections are read on every uncached article read and written rarely: their text stays in the
-- row uncompressed unless the row passes 8 160 bytes (the most a heap page holds), instead of
-- being pglz-compressed past the default 2 KB. A section of ~1 300 characters of Markdown with its
-- HTML used to be compressed, and decompressing it was most of the cost of reading an article's
-- sections (pgbench, bench/README.md: 15.5k → 25.7k queries/s). The table grows by about a
-- quarter. Rows written before this migration keep their compression until they are written again.
ALTER TABLE sections SET (toast_tuple_target = 8160);
