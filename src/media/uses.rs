//! What shows a medium — articles as their feature image, people as their avatar — and so keeps
//! it from being deleted.

use super::{avatars, feature_images};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};

/// A 409 while an article shows `media_id` as its feature image or a person as their avatar
/// (before deleting the medium), saying how many of each.
pub fn require_unused(conn: &mut DbConn, media_id: i32) -> ApiResult<()> {
    let articles = feature_images::uses_of(conn, media_id)?;
    let people = avatars::uses_of(conn, media_id)?;
    if articles > 0 || people > 0 {
        return Err(ApiError::Conflict(format!(
            "{articles} articles show the media item as their feature image and {people} people \
             as their avatar; change theirs first"
        )));
    }
    Ok(())
}
