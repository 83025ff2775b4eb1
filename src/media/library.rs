//! Adding an image to the library (an upload, the demo content): its file stored first, then its
//! row and its `media.created` entry in one transaction; and an item read with its variants.

use super::files;
use super::input::MediaTexts;
use super::model::{self, MediaRow, NewMedia};
use super::storage::MediaStore;
use super::upload::Prepared;
use super::view::MediaView;
use crate::changes::model::Journal;
use crate::changes::versioned;
use crate::db::{Database, DbConn};
use crate::error::{ApiError, ApiResult};
use chrono::NaiveDateTime;
use diesel::QueryResult;

/// `row` with its stored variants.
pub fn shown(conn: &mut DbConn, row: MediaRow) -> QueryResult<MediaView> {
    let variants = model::variants_of(conn, &[row.id])?
        .remove(&row.id)
        .unwrap_or_default();
    Ok(MediaView::new(row, variants))
}

/// Stores `prepared` with `texts` and returns the item with whether it is new: bytes stored
/// before are the item they made then, unchanged (the file is written again, the same bytes
/// under the same name). A storage failure is a 500 that records nothing.
pub async fn add(
    db: &Database,
    store: &MediaStore,
    prepared: Prepared,
    texts: MediaTexts,
    journal: Journal,
    now: NaiveDateTime,
) -> ApiResult<(MediaView, bool)> {
    let name = files::original(&prepared.sha256, prepared.format);
    store
        .put(&name, prepared.bytes.clone())
        .await
        .map_err(ApiError::Internal)?;
    let new = NewMedia {
        sha256: prepared.sha256,
        media_type: prepared.format.media_type().to_owned(),
        byte_size: i64::try_from(prepared.bytes.len()).unwrap_or(i64::MAX),
        width: i32::try_from(prepared.width).unwrap_or(i32::MAX),
        height: i32::try_from(prepared.height).unwrap_or(i32::MAX),
        alt: texts.alt,
        caption: texts.caption,
        credit: texts.credit,
    };
    db.write(move |conn| {
        let (row, is_new) = model::create_or_find(conn, &new, now)?;
        if is_new {
            versioned::record(conn, None, &row, &journal, now)?;
        }
        Ok((shown(conn, row)?, is_new))
    })
    .await
}
