-- Full-text search over articles: one `article_search` row per article (article_id = articles.id)
-- holding its title, subtitle, excerpt and the headings and bodies of its sections in position
-- order, and `document`, their weighted tsvector (title A, subtitle B, excerpt and headings C,
-- bodies D) under a GIN index. Triggers keep it in sync inside the writing transaction; view
-- counts and status changes do not reindex.
-- Differs from SQLite, which has FTS5 and PostgreSQL has not:
-- * the text search configuration `healthhub` stands in for FTS5's tokenizer `porter unicode61
--   remove_diacritics 2`: diacritics removed (unaccent), then the English Snowball stemmer
--   (Porter's successor) with no stop-word list, since FTS5 drops no word;
-- * FTS5's prefix indexes (`prefix = '2 3 4'`) have no counterpart: GIN answers `term:*` queries;
-- * every trigger calls `article_search_refresh(article id)`, which upserts the row from the view
--   `article_search_source` (or deletes it when the article is gone);
-- * there is no trigger on article deletion: the row goes with its article by the foreign key's
--   cascade.
-- `unaccent` is a trusted extension (PostgreSQL 13+): a role with CREATE on the database may
-- install it.

CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TEXT SEARCH DICTIONARY healthhub_stem (TEMPLATE = snowball, Language = english);
CREATE TEXT SEARCH CONFIGURATION healthhub (COPY = english);
ALTER TEXT SEARCH CONFIGURATION healthhub
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
    WITH unaccent, healthhub_stem;

CREATE TABLE article_search (
    article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    title      TEXT     NOT NULL,
    subtitle   TEXT     NOT NULL,
    excerpt    TEXT     NOT NULL,
    headings   TEXT     NOT NULL,
    bodies     TEXT     NOT NULL,
    document   tsvector NOT NULL
);
CREATE INDEX article_search_document ON article_search USING GIN (document);

-- What one article's search row holds; the refresh function (so every trigger) reads it from here.
CREATE VIEW article_search_source (id, title, subtitle, excerpt, headings, bodies) AS
SELECT a.id, a.title, a.subtitle, a.excerpt,
       coalesce((SELECT string_agg(s.heading, E'\n' ORDER BY s.position)
                 FROM sections s WHERE s.article_id = a.id), ''),
       coalesce((SELECT string_agg(s.body, E'\n' ORDER BY s.position)
                 FROM sections s WHERE s.article_id = a.id), '')
FROM articles a;

-- The text the parser reads: PostgreSQL's parser takes `<word>` for an XML tag and `&amp;` for
-- an entity and indexes neither, where SQLite's unicode61 tokenizer reads the words inside. The
-- three characters become private-use ones (U+E003-U+E005) that separate words; the application
-- highlights the same text and turns them back.
CREATE FUNCTION healthhub_search_words(source TEXT) RETURNS TEXT
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT translate(source, '<>&', E'\uE003\uE004\uE005')
$$;

-- The weighted document of an article's texts: title A, subtitle B, excerpt and headings C, bodies
-- D. A tsvector holds at most 1 MB of lexemes, which very long bodies of distinct words (tables of
-- numbers, lists of identifiers) can pass: then the bodies are indexed up to the first 200 000
-- characters, rather than the write failing.
CREATE FUNCTION healthhub_search_document(title TEXT, subtitle TEXT, middle TEXT, bodies TEXT)
RETURNS tsvector LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN setweight(to_tsvector('healthhub', healthhub_search_words(title)), 'A')
        || setweight(to_tsvector('healthhub', healthhub_search_words(subtitle)), 'B')
        || setweight(to_tsvector('healthhub', healthhub_search_words(middle)), 'C')
        || setweight(to_tsvector('healthhub', healthhub_search_words(bodies)), 'D');
EXCEPTION WHEN program_limit_exceeded THEN
    RETURN setweight(to_tsvector('healthhub', healthhub_search_words(title)), 'A')
        || setweight(to_tsvector('healthhub', healthhub_search_words(subtitle)), 'B')
        || setweight(to_tsvector('healthhub', healthhub_search_words(middle)), 'C')
        || setweight(to_tsvector('healthhub', healthhub_search_words(left(bodies, 200000))), 'D');
END
$$;

-- Rewrites the search row of article `target` from `article_search_source`, or deletes it when
-- the article does not exist (any more). The application calls it itself after a write that
-- paused the triggers (see 000009).
CREATE FUNCTION article_search_refresh(target INTEGER) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO article_search (article_id, title, subtitle, excerpt, headings, bodies, document)
    SELECT src.id, src.title, src.subtitle, src.excerpt, src.headings, src.bodies,
           healthhub_search_document(src.title, src.subtitle,
                                     src.excerpt || ' ' || src.headings, src.bodies)
    FROM article_search_source src
    WHERE src.id = target
    ON CONFLICT (article_id) DO UPDATE SET
        title = EXCLUDED.title,
        subtitle = EXCLUDED.subtitle,
        excerpt = EXCLUDED.excerpt,
        headings = EXCLUDED.headings,
        bodies = EXCLUDED.bodies,
        document = EXCLUDED.document;
    IF NOT FOUND THEN
        DELETE FROM article_search WHERE article_id = target;
    END IF;
END
$$;

CREATE FUNCTION article_search_article_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.id <> NEW.id THEN
        PERFORM article_search_refresh(OLD.id);
    END IF;
    PERFORM article_search_refresh(NEW.id);
    RETURN NULL;
END
$$;

-- When the article itself is being deleted (ON DELETE CASCADE), the refresh finds no article
-- and only deletes.
CREATE FUNCTION article_search_section_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM article_search_refresh(OLD.article_id);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.article_id <> OLD.article_id) THEN
        PERFORM article_search_refresh(NEW.article_id);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER article_search_article_insert AFTER INSERT ON articles
FOR EACH ROW EXECUTE FUNCTION article_search_article_sync();

CREATE TRIGGER article_search_article_update AFTER UPDATE OF title, subtitle, excerpt ON articles
FOR EACH ROW EXECUTE FUNCTION article_search_article_sync();

CREATE TRIGGER article_search_section_insert AFTER INSERT ON sections
FOR EACH ROW EXECUTE FUNCTION article_search_section_sync();

-- Position is included so that reordering sections keeps the indexed text (and snippets) in order.
CREATE TRIGGER article_search_section_update AFTER UPDATE OF heading, body, position, article_id ON sections
FOR EACH ROW EXECUTE FUNCTION article_search_section_sync();

CREATE TRIGGER article_search_section_delete AFTER DELETE ON sections
FOR EACH ROW EXECUTE FUNCTION article_search_section_sync();

-- Backfill the articles that already exist.
SELECT article_search_refresh(id) FROM articles;
