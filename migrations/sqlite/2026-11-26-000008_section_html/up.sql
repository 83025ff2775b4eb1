-- A section's body rendered to sanitized HTML when the section is written, so that reads no
-- longer parse Markdown and sanitize HTML on every request (an eighth of an article read's CPU,
-- see BENCHMARKS.md). NULL: not rendered yet (rows written before this migration, or after a
-- release that changes the rendering and resets the column); reads render those on the fly and
-- `healthhub migrate`, or the server in the background, fills them in.
ALTER TABLE sections ADD COLUMN body_html TEXT;
