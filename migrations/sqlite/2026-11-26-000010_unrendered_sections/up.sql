-- The sections whose HTML is not stored yet (see 000008), found without reading the table: the
-- background filler looked for them with a scan of every section at each start (25 GB read at
-- 1 000 000 articles, while serving). Empty once every section is rendered.
CREATE INDEX sections_unrendered ON sections (id) WHERE body_html IS NULL;
