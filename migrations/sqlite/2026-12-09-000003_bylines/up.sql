-- Bylines (issue 14): an article's authors, in order, and its medical review (the reviewer and
-- the date of the last review; at most one per article). A person an article names cannot be
-- deleted (the application answers 409 first; the foreign keys hold it anyway). Kept beside
-- `articles` rather than in it: they are the article's parts, written with it like its sections.
CREATE TABLE article_authors (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    person_id  INTEGER NOT NULL REFERENCES people (id),
    position   INTEGER NOT NULL,
    PRIMARY KEY (article_id, position),
    UNIQUE (article_id, person_id)
);
CREATE INDEX article_authors_person ON article_authors (person_id);
CREATE TABLE article_reviews (
    article_id  INTEGER NOT NULL PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    reviewer_id INTEGER NOT NULL REFERENCES people (id),
    reviewed_at DATE    NOT NULL
);
CREATE INDEX article_reviews_reviewer ON article_reviews (reviewer_id);
