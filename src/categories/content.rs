//! A category's writable content as one value: what create, PATCH and import store, merged onto
//! the stored row, and compared with it so that a write changing nothing is a no-op.

use crate::db::schema::categories;
use diesel::prelude::*;

/// The writable columns of a category, all of them: a write stores the whole merged value.
#[derive(Debug, Clone, PartialEq, Eq, AsChangeset, Insertable)]
#[diesel(table_name = categories, treat_none_as_null = true)]
pub struct CategoryContent {
    /// The URL slug.
    pub slug: String,
    /// Trimmed display name.
    pub name: String,
    /// Description (may be empty).
    pub description: String,
    /// The parent; `None` for a top-level category.
    pub parent_id: Option<i32>,
    /// Order among siblings.
    pub position: i32,
}
