//! A person's avatar: a media item with the alt text it has as that person's picture, stored
//! beside the person in `person_avatars` and written with them, as an article's feature image is
//! beside the article.

use super::input::ALT;
use super::model::{self as media_model, MediaRow, VariantRow};
use super::view::ImageFile;
use crate::db::by_ids::load_by_ids;
use crate::db::schema::{media, person_avatars};
use crate::db::DbConn;
use crate::error::ApiResult;
use crate::support::validate::Checks;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;

/// An avatar as a write gives it (and an export keeps it, by the file's SHA-256).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"media_id": 7, "alt": "Jane Doe in her consulting room"}))]
pub struct Avatar {
    /// The media item's id.
    pub media_id: i32,
    /// What a screen reader says instead of the picture: one line, at most 1 000 characters.
    /// May be empty: the person's name always stands beside their picture.
    #[serde(default)]
    pub alt: String,
}

/// Records what is wrong with `avatar` by itself under `field` (`avatar`).
pub fn check(checks: &mut Checks, field: &str, avatar: &Avatar) {
    checks.syntax(&format!("{field}.alt"), &avatar.alt, ALT);
}

/// The avatar of `person_id`, if they have one.
pub fn of(conn: &mut DbConn, person_id: i32) -> QueryResult<Option<Avatar>> {
    Ok(of_people(conn, &[person_id])?.remove(&person_id))
}

/// The avatars of `person_ids` (a person without one is absent).
pub fn of_people(conn: &mut DbConn, person_ids: &[i32]) -> QueryResult<HashMap<i32, Avatar>> {
    let rows: Vec<(i32, i32, String)> = load_by_ids!(
        person_avatars::table.select((
            person_avatars::person_id,
            person_avatars::media_id,
            person_avatars::alt,
        )),
        person_avatars::person_id,
        person_ids,
        conn
    )?;
    Ok(rows
        .into_iter()
        .map(|(person, media_id, alt)| (person, Avatar { media_id, alt }))
        .collect())
}

/// Makes `avatar` (checked alone; `None` for none) that of `person_id`; returns whether it
/// changed. The medium must exist (409 on `avatar.media_id` otherwise).
pub fn write(conn: &mut DbConn, person_id: i32, avatar: Option<&Avatar>) -> ApiResult<bool> {
    if of(conn, person_id)?.as_ref() == avatar {
        return Ok(false);
    }
    diesel::delete(person_avatars::table.find(person_id)).execute(conn)?;
    if let Some(avatar) = avatar {
        media_model::require(conn, avatar.media_id, "avatar.media_id")?;
        diesel::insert_into(person_avatars::table)
            .values((
                person_avatars::person_id.eq(person_id),
                person_avatars::media_id.eq(avatar.media_id),
                person_avatars::alt.eq(&avatar.alt),
            ))
            .execute(conn)?;
    }
    Ok(true)
}

/// An avatar as a person (or a byline that credits them) shows it: its alt text and the file's
/// facts and URLs, as a feature image shows them.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(example = json!({
    "media_id": 7, "alt": "Jane Doe in her consulting room", "media_type": "image/webp",
    "url": "/media/2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae.webp",
    "width": 240, "height": 240, "variants": []
}))]
pub struct AvatarView {
    pub media_id: i32,
    /// The alt text it has as this person's picture.
    pub alt: String,
    /// The file's facts and URLs.
    #[serde(flatten)]
    pub file: ImageFile,
}

/// An avatar's columns as a query that left-joins `person_avatars` and `media` reads them:
/// both `None` for a person without one.
pub type Joined = (Option<String>, Option<MediaRow>);

/// The media ids of `joined` avatars (for [`media_model::variants_of`]).
pub fn media_ids<'a>(joined: impl IntoIterator<Item = &'a Joined>) -> Vec<i32> {
    joined
        .into_iter()
        .filter_map(|(_, medium)| medium.as_ref().map(|m| m.id))
        .collect()
}

/// The view of a `joined` avatar, its medium's stored variants taken from `variants`.
pub fn view(joined: Joined, variants: &HashMap<i32, Vec<VariantRow>>) -> Option<AvatarView> {
    let (Some(alt), Some(medium)) = joined else {
        return None;
    };
    let stored = variants.get(&medium.id).cloned().unwrap_or_default();
    Some(AvatarView {
        media_id: medium.id,
        alt,
        file: ImageFile::new(medium, stored),
    })
}

/// The avatars of `person_ids` with their files (two queries at most, media joined in).
pub fn shown(conn: &mut DbConn, person_ids: &[i32]) -> QueryResult<HashMap<i32, AvatarView>> {
    let rows: Vec<(i32, String, MediaRow)> = load_by_ids!(
        person_avatars::table.inner_join(media::table).select((
            person_avatars::person_id,
            person_avatars::alt,
            MediaRow::as_select(),
        )),
        person_avatars::person_id,
        person_ids,
        conn
    )?;
    let joined: Vec<(i32, Joined)> = rows
        .into_iter()
        .map(|(person, alt, medium)| (person, (Some(alt), Some(medium))))
        .collect();
    let variants = media_model::variants_of(conn, &media_ids(joined.iter().map(|(_, j)| j)))?;
    Ok(joined
        .into_iter()
        .filter_map(|(person, joined)| Some((person, view(joined, &variants)?)))
        .collect())
}

/// How many people show `media_id` as their avatar.
pub fn uses_of(conn: &mut DbConn, media_id: i32) -> QueryResult<i64> {
    person_avatars::table
        .filter(person_avatars::media_id.eq(media_id))
        .count()
        .get_result(conn)
}
