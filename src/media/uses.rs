//! What shows a medium — articles as their feature image or social image, people as their
//! avatar — and so keeps it from being deleted.

use super::{avatars, feature_images};
use crate::db::schema::article_seo;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use diesel::prelude::*;

/// A 409 while an article shows `media_id` as its feature image, an article names it as its
/// social image (`seo.og_image`) or a person shows it as their avatar (before deleting the
/// medium), saying how many of each.
pub fn require_unused(conn: &mut DbConn, media_id: i32) -> ApiResult<()> {
    let social: i64 = article_seo::table
        .filter(article_seo::og_image_id.eq(media_id))
        .count()
        .get_result(conn)?;
    let uses = [
        (
            feature_images::uses_of(conn, media_id)?,
            "article",
            "as their feature image",
        ),
        (social, "article", "as their social image (seo.og_image)"),
        (
            avatars::uses_of(conn, media_id)?,
            "person",
            "as their avatar",
        ),
    ];
    let named: Vec<String> = uses
        .iter()
        .filter(|(count, _, _)| *count > 0)
        .map(|(count, noun, how)| format!("{} {how}", counted(*count, noun)))
        .collect();
    if named.is_empty() {
        return Ok(());
    }
    Err(ApiError::Conflict(format!(
        "the media item is shown by {}; change theirs first",
        named.join(", ")
    )))
}

/// "1 article", "2 articles", "3 people".
fn counted(count: i64, noun: &str) -> String {
    match (count, noun) {
        (1, _) => format!("1 {noun}"),
        (_, "person") => format!("{count} people"),
        _ => format!("{count} {noun}s"),
    }
}
