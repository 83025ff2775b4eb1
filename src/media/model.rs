//! The `media` and `media_variants` tables: media items found by id or by the SHA-256 of their
//! stored bytes, their editable texts written as whole values (a write that changes nothing is
//! a no-op), and the variants made of them.

use super::format::Format;
use super::input::UpdateMedia;
use crate::db::by_ids::load_by_ids;
use crate::db::schema::{media, media_variants};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use std::collections::HashMap;

/// A row of `media`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = media, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct MediaRow {
    pub id: i32,
    /// Lowercase hex SHA-256 of the stored (metadata-free) bytes: the file's name.
    pub sha256: String,
    /// `image/jpeg`, `image/png`, `image/webp` or `image/gif`.
    pub media_type: String,
    /// Size of the stored original in bytes.
    pub byte_size: i64,
    pub width: i32,
    pub height: i32,
    pub alt: String,
    pub caption: String,
    pub credit: String,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl MediaRow {
    /// The format of its file (stored from the bytes at upload, so always an accepted one).
    pub fn format(&self) -> Format {
        Format::from_media_type(&self.media_type).unwrap_or(Format::Jpeg)
    }
}

/// A row of `media_variants`: the original resized to `width` pixels.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = media_variants, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct VariantRow {
    pub media_id: i32,
    pub width: i32,
    pub height: i32,
    pub byte_size: i64,
}

/// What an upload stores: the facts of the file, and its first texts.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = media)]
pub struct NewMedia {
    pub sha256: String,
    pub media_type: String,
    pub byte_size: i64,
    pub width: i32,
    pub height: i32,
    pub alt: String,
    pub caption: String,
    pub credit: String,
}

/// The editable columns of a medium, all of them: a write stores the whole merged value.
#[derive(Debug, Clone, PartialEq, Eq, AsChangeset)]
#[diesel(table_name = media)]
pub struct MediaContent {
    pub alt: String,
    pub caption: String,
    pub credit: String,
}

impl From<&MediaRow> for MediaContent {
    fn from(row: &MediaRow) -> Self {
        Self {
            alt: row.alt.clone(),
            caption: row.caption.clone(),
            credit: row.credit.clone(),
        }
    }
}

impl UpdateMedia {
    /// `stored` with these changes applied (`null` clears a text).
    pub fn merged_onto(&self, stored: &MediaRow) -> MediaContent {
        let merged = |change: &Option<Option<String>>, stored: &str| match change {
            Some(value) => value.clone().unwrap_or_default(),
            None => stored.to_owned(),
        };
        MediaContent {
            alt: merged(&self.alt, &stored.alt),
            caption: merged(&self.caption, &stored.caption),
            credit: merged(&self.credit, &stored.credit),
        }
    }
}

/// The medium with id `id`, if any.
pub fn find(conn: &mut DbConn, id: i32) -> QueryResult<Option<MediaRow>> {
    media::table
        .find(id)
        .select(MediaRow::as_select())
        .get_result(conn)
        .optional()
}

/// The media with each of `ids` (ids of no medium are absent).
pub fn find_many(conn: &mut DbConn, ids: &[i32]) -> QueryResult<HashMap<i32, MediaRow>> {
    let rows: Vec<MediaRow> = load_by_ids!(
        media::table.select(MediaRow::as_select()),
        media::id,
        ids,
        conn
    )?;
    Ok(rows.into_iter().map(|row| (row.id, row)).collect())
}

/// The medium with id `id`, else a 404 naming it.
pub fn get(conn: &mut DbConn, id: i32) -> ApiResult<MediaRow> {
    find(conn, id)?.ok_or_else(|| ApiError::not_found("media item", id))
}

/// Nothing when a medium has id `id`, else a 409 on `field` (the field of a write that names it)
/// saying so.
pub fn require(conn: &mut DbConn, id: i32, field: &str) -> ApiResult<()> {
    match find(conn, id)? {
        Some(_) => Ok(()),
        None => Err(ApiError::conflicting(
            field,
            format!("no media item has id {id}"),
        )),
    }
}

/// The medium whose stored bytes hash to `sha256`, if any.
pub fn find_by_sha256(conn: &mut DbConn, sha256: &str) -> QueryResult<Option<MediaRow>> {
    media::table
        .filter(media::sha256.eq(sha256))
        .select(MediaRow::as_select())
        .get_result(conn)
        .optional()
}

/// The SHA-256 naming the file of each of `ids` (ids of no medium are absent).
pub fn sha256_of(conn: &mut DbConn, ids: &[i32]) -> QueryResult<HashMap<i32, String>> {
    let rows: Vec<(i32, String)> = load_by_ids!(
        media::table.select((media::id, media::sha256)),
        media::id,
        ids,
        conn
    )?;
    Ok(rows.into_iter().collect())
}

/// Up to `limit` media with ids above `after`, in id order.
pub fn page(conn: &mut DbConn, after: i32, limit: i64) -> QueryResult<Vec<MediaRow>> {
    media::table
        .filter(media::id.gt(after))
        .order(media::id)
        .limit(limit)
        .select(MediaRow::as_select())
        .load(conn)
}

/// The stored variants of each of `ids`, narrowest first (media without any are absent); no
/// query at all when `ids` is empty.
pub fn variants_of(conn: &mut DbConn, ids: &[i32]) -> QueryResult<HashMap<i32, Vec<VariantRow>>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<VariantRow> = load_by_ids!(
        media_variants::table
            .order((media_variants::media_id, media_variants::width))
            .select(VariantRow::as_select()),
        media_variants::media_id,
        ids,
        conn
    )?;
    let mut by_media: HashMap<i32, Vec<VariantRow>> = HashMap::new();
    for row in rows {
        by_media.entry(row.media_id).or_default().push(row);
    }
    Ok(by_media)
}

/// The medium holding the bytes `new` describes: the stored one when those bytes were uploaded
/// before (`false`), else a new one (`true`).
pub fn create_or_find(
    conn: &mut DbConn,
    new: &NewMedia,
    now: NaiveDateTime,
) -> ApiResult<(MediaRow, bool)> {
    if let Some(row) = find_by_sha256(conn, &new.sha256)? {
        return Ok((row, false));
    }
    let row = diesel::insert_into(media::table)
        .values((new, media::created_at.eq(now), media::updated_at.eq(now)))
        .returning(<MediaRow as diesel::Selectable<crate::db::MultiBackend>>::construct_selection())
        .get_result(conn)?;
    Ok((row, true))
}

/// Stores `merged` as the next version of `current`, or nothing when it equals what is stored.
pub fn write_content(
    conn: &mut DbConn,
    current: &MediaRow,
    merged: MediaContent,
    now: NaiveDateTime,
) -> ApiResult<MediaRow> {
    if merged == MediaContent::from(current) {
        return Ok(current.clone());
    }
    Ok(diesel::update(media::table.find(current.id))
        .set((
            &merged,
            media::version.eq(current.version + 1),
            media::updated_at.eq(now),
        ))
        .returning(<MediaRow as diesel::Selectable<crate::db::MultiBackend>>::construct_selection())
        .get_result(conn)?)
}

/// What became of a variant's record ([`add_variant`]).
#[derive(Debug)]
pub enum VariantRecord {
    /// Recorded: the medium before and after (its next version).
    Added(Box<(MediaRow, MediaRow)>),
    /// It was recorded already.
    Known,
    /// Its medium is gone (deleted while the variant was being made).
    MediumGone,
}

/// Records `variant` as stored, as the next version of its medium (its representation lists its
/// variants), unless it already is or its medium is gone.
pub fn add_variant(
    conn: &mut DbConn,
    variant: &VariantRow,
    now: NaiveDateTime,
) -> QueryResult<VariantRecord> {
    let Some(before) = find(conn, variant.media_id)? else {
        return Ok(VariantRecord::MediumGone);
    };
    let stored = media_variants::table
        .find((variant.media_id, variant.width))
        .count()
        .get_result::<i64>(conn)?;
    if stored > 0 {
        return Ok(VariantRecord::Known);
    }
    diesel::insert_into(media_variants::table)
        .values(variant)
        .execute(conn)?;
    let after = diesel::update(media::table.find(before.id))
        .set((
            media::version.eq(before.version + 1),
            media::updated_at.eq(now),
        ))
        .returning(<MediaRow as diesel::Selectable<crate::db::MultiBackend>>::construct_selection())
        .get_result(conn)?;
    Ok(VariantRecord::Added(Box::new((before, after))))
}

/// Deletes medium `id` and its variant rows.
pub fn delete(conn: &mut DbConn, id: i32) -> ApiResult<()> {
    diesel::delete(media::table.find(id)).execute(conn)?;
    Ok(())
}

/// `rows` each with the widths of its stored variants (to find the variants still missing
/// after a restart or a change of `HEALTHHUB_MEDIA_WIDTHS`).
pub fn with_widths(
    conn: &mut DbConn,
    rows: Vec<MediaRow>,
) -> QueryResult<Vec<(MediaRow, Vec<i32>)>> {
    let ids: Vec<i32> = rows.iter().map(|row| row.id).collect();
    let mut variants = variants_of(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let widths = variants
                .remove(&row.id)
                .unwrap_or_default()
                .into_iter()
                .map(|v| v.width)
                .collect();
            (row, widths)
        })
        .collect())
}
