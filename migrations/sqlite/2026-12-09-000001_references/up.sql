-- An article's references (issue 14): the works it cites, in order. Replaced as a whole
-- (`PUT /articles/{id_or_slug}/references`), counted in the article's version and revisions; they
-- go with their article. `year`, `doi` and `pubmed_id` are optional; the application checks their
-- syntax (src/references/input.rs).
CREATE TABLE article_references (
    id         INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    title      TEXT    NOT NULL,
    url        TEXT    NOT NULL,
    publisher  TEXT    NOT NULL,
    year       INTEGER,
    doi        TEXT,
    pubmed_id  TEXT,
    UNIQUE (article_id, position)
);
