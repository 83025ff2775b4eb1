-- A person's avatar: a media item with the alt text it has as this person's picture, beside the
-- person as an article's feature image is beside the article. A medium a person shows cannot be
-- deleted (the application answers 409 first; the foreign key holds it anyway).
CREATE TABLE person_avatars (
    person_id INTEGER PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    media_id  INTEGER NOT NULL REFERENCES media (id),
    alt       TEXT    NOT NULL
);
CREATE INDEX person_avatars_media ON person_avatars (media_id);

-- Every node hears of them (see 2026-12-08-000001_change_notifications): an avatar shows on its
-- person's responses, on the people list and on every article that credits the person, as the
-- person's name does (2026-12-10-000001_part_notifications): everything changed.
CREATE TRIGGER person_avatars_notify AFTER INSERT OR UPDATE OR DELETE ON person_avatars
    FOR EACH STATEMENT EXECUTE FUNCTION healthhub_everything_changed();
CREATE TRIGGER person_avatars_notify_truncate AFTER TRUNCATE ON person_avatars
    FOR EACH STATEMENT EXECUTE FUNCTION healthhub_everything_changed();
