-- A person's avatar: a media item with the alt text it has as this person's picture, beside the
-- person as an article's feature image is beside the article. A medium a person shows cannot be
-- deleted (the application answers 409 first; the foreign key holds it anyway).
CREATE TABLE person_avatars (
    person_id INTEGER PRIMARY KEY NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    media_id  INTEGER NOT NULL REFERENCES media (id),
    alt       TEXT    NOT NULL
);
CREATE INDEX person_avatars_media ON person_avatars (media_id);
