-- The media library: uploaded images, stored content-addressed (the SHA-256 of the stored bytes
-- names the file, so the same bytes are one item), with their editable alt text, caption and
-- credit, and the width variants made in the background. A medium has a version like people.
-- Ids are AUTOINCREMENT, as every content table's: a deleted medium's id never names another.
CREATE TABLE media (
    id         INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    sha256     TEXT      NOT NULL UNIQUE,
    media_type TEXT      NOT NULL,
    byte_size  BIGINT    NOT NULL,
    width      INTEGER   NOT NULL,
    height     INTEGER   NOT NULL,
    alt        TEXT      NOT NULL,
    caption    TEXT      NOT NULL,
    credit     TEXT      NOT NULL,
    version    INTEGER   NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- One row per variant stored: the original resized to `width` (always narrower than it).
CREATE TABLE media_variants (
    media_id  INTEGER NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    width     INTEGER NOT NULL,
    height    INTEGER NOT NULL,
    byte_size BIGINT  NOT NULL,
    PRIMARY KEY (media_id, width)
);
