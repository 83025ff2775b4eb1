//! Category rows and every query on the `categories` table.

use super::content::CategoryContent;
use super::input::CreateCategory;
use crate::db::redirects::{self, SlugKind};
use crate::db::schema::{articles, categories};
use crate::db::sql::placeholders;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::support::key::Key;
use crate::support::slug;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::Integer;
use std::collections::HashMap;

/// Most levels the category tree may have (a top-level category is on level 1). Creating,
/// moving or importing a category deeper is a 422, so every walk of the tree (paths,
/// breadcrumbs, the tree, export order) that stops after this many levels sees all of it. 32
/// keeps `GET /categories/tree` (two levels of JSON nesting a category) within the 128 levels of
/// nesting common JSON parsers accept by default (serde_json's recursion limit).
pub const MAX_DEPTH: usize = 32;

/// A row of `categories`.
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable, Identifiable)]
#[diesel(table_name = categories, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct CategoryRow {
    pub id: i32,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub parent_id: Option<i32>,
    pub position: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Starts at 1; every change adds one (the `If-Match` validator).
    pub version: i32,
}

/// What an article's `category` and `breadcrumbs` embeds need of a category: no timestamps to
/// parse, no description to copy.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = categories, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct CategoryLink {
    pub id: i32,
    pub slug: String,
    pub name: String,
    pub parent_id: Option<i32>,
}

/// Every category as a [`CategoryLink`], in no particular order.
pub fn links(conn: &mut DbConn) -> QueryResult<Vec<CategoryLink>> {
    categories::table
        .select(CategoryLink::as_select())
        .load(conn)
}

impl From<&CategoryRow> for CategoryContent {
    fn from(row: &CategoryRow) -> Self {
        CategoryContent {
            slug: row.slug.clone(),
            name: row.name.clone(),
            description: row.description.clone(),
            parent_id: row.parent_id,
            position: row.position,
        }
    }
}

/// The columns of a new category.
#[derive(Debug, Insertable)]
#[diesel(table_name = categories)]
struct NewCategory {
    #[diesel(embed)]
    content: CategoryContent,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// The category named by `key`, if any.
pub fn find(conn: &mut DbConn, key: &Key) -> QueryResult<Option<CategoryRow>> {
    let query = categories::table.select(CategoryRow::as_select());
    match key {
        Key::Id(id) => match i32::try_from(*id) {
            Ok(id) => query.find(id).get_result(conn).optional(),
            Err(_) => Ok(None),
        },
        Key::Unmatchable(_) => Ok(None),
        Key::Slug(slug) => query
            .filter(categories::slug.eq(slug))
            .get_result(conn)
            .optional(),
    }
}

/// The category `key` names, else a 404 that echoes only `key`.
///
/// The alias rule of every `{id_or_slug}` (and of query parameters naming a category): all
/// digits is an id; otherwise the current slug, or a slug the category had before a rename,
/// name the same category.
pub fn get(conn: &mut DbConn, key: &Key) -> ApiResult<CategoryRow> {
    redirects::follow(conn, SlugKind::Category, key, find)?
        .ok_or_else(|| ApiError::not_found("category", key))
}

/// The category with `id`, if it exists.
pub fn exists(conn: &mut DbConn, id: i32) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(categories::table.find(id))).get_result(conn)
}

/// All categories (or the children of `parent`), ordered by position then name.
pub fn list(conn: &mut DbConn, parent: Option<i32>) -> QueryResult<Vec<CategoryRow>> {
    let mut query = categories::table
        .select(CategoryRow::as_select())
        .order((categories::position, categories::name, categories::id))
        .into_boxed();
    if let Some(parent) = parent {
        query = query.filter(categories::parent_id.eq(parent));
    }
    query.load(conn)
}

/// The path from the root down to category `id`, itself last.
pub fn path(conn: &mut DbConn, id: i32) -> QueryResult<Vec<CategoryRow>> {
    diesel::sql_query(placeholders(
        conn,
        "WITH RECURSIVE chain(id, depth) AS ( \
             SELECT id, 0 FROM categories WHERE id = ? \
             UNION ALL \
             SELECT c.parent_id, chain.depth + 1 FROM categories c JOIN chain ON c.id = chain.id \
             WHERE c.parent_id IS NOT NULL AND chain.depth < ? \
         ) \
         SELECT categories.* FROM chain JOIN categories ON categories.id = chain.id \
         ORDER BY chain.depth DESC",
    ))
    .bind::<Integer, _>(id)
    .bind::<Integer, _>(MAX_DEPTH as i32)
    .load(conn)
}

/// The slug path of category `id` (`health/mental-health`), from its root down to itself.
pub fn slug_path(conn: &mut DbConn, id: i32) -> QueryResult<String> {
    Ok(join_slugs(&path(conn, id)?))
}

/// The slugs of `chain` (root first) joined by `/`.
pub fn join_slugs(chain: &[CategoryRow]) -> String {
    chain
        .iter()
        .map(|c| c.slug.as_str())
        .collect::<Vec<_>>()
        .join("/")
}

/// Every category's slug path, from one query over the whole (small) table.
pub fn all_slug_paths(conn: &mut DbConn) -> QueryResult<HashMap<i32, String>> {
    Ok(slug_paths(&list(conn, None)?))
}

/// The slug path of each of `rows`, walking parents within `rows` (at most [`MAX_DEPTH`] steps).
pub fn slug_paths(rows: &[CategoryRow]) -> HashMap<i32, String> {
    let by_id: HashMap<i32, &CategoryRow> = rows.iter().map(|row| (row.id, row)).collect();
    rows.iter()
        .map(|row| {
            let mut slugs = vec![row.slug.as_str()];
            let mut parent = row.parent_id;
            while let Some(up) = parent.and_then(|id| by_id.get(&id)) {
                if slugs.len() > MAX_DEPTH {
                    break;
                }
                slugs.push(up.slug.as_str());
                parent = up.parent_id;
            }
            slugs.reverse();
            (row.id, slugs.join("/"))
        })
        .collect()
}

/// The ids of category `root_id` and all its descendants (at most [`MAX_DEPTH`] levels down),
/// the root first, then level by level; empty when `root_id` does not exist.
pub fn subtree_ids(conn: &mut DbConn, root_id: i32) -> QueryResult<Vec<i32>> {
    let ids: Vec<Id> = diesel::sql_query(placeholders(
        conn,
        "WITH RECURSIVE subtree(id, depth) AS ( \
             SELECT id, 0 FROM categories WHERE id = ? \
             UNION \
             SELECT c.id, subtree.depth + 1 FROM categories c JOIN subtree ON c.parent_id = subtree.id \
             WHERE subtree.depth < ? \
         ) \
         SELECT id FROM subtree GROUP BY id ORDER BY MIN(depth), id",
    ))
    .bind::<Integer, _>(root_id)
    .bind::<Integer, _>(MAX_DEPTH as i32)
    .load(conn)?;
    Ok(ids.into_iter().map(|row| row.id).collect())
}

/// True when a category other than `except` uses `slug`.
pub fn slug_taken(conn: &mut DbConn, slug: &str, except: Option<i32>) -> QueryResult<bool> {
    let query = categories::table
        .filter(categories::slug.eq(slug))
        .filter(categories::id.ne(except.unwrap_or(0)));
    diesel::select(diesel::dsl::exists(query)).get_result(conn)
}

/// Deletes category `id`; 409 while it still has children or articles.
pub fn delete(conn: &mut DbConn, id: i32) -> ApiResult<()> {
    let children: i64 = categories::table
        .filter(categories::parent_id.eq(id))
        .count()
        .get_result(conn)?;
    let articles: i64 = articles::table
        .filter(articles::category_id.eq(id))
        .count()
        .get_result(conn)?;
    if children > 0 || articles > 0 {
        return Err(ApiError::Conflict(format!(
            "the category still has {children} subcategories and {articles} articles; move or delete them first"
        )));
    }
    diesel::delete(categories::table.find(id)).execute(conn)?;
    Ok(())
}

/// Creates a category from a checked request: the parent must exist and leave the tree within
/// [`MAX_DEPTH`] levels, a given slug must be free.
pub fn create(
    conn: &mut DbConn,
    request: &CreateCategory,
    now: NaiveDateTime,
) -> ApiResult<CategoryRow> {
    check_placement(conn, "parent_id", None, request.parent_id)?;
    let content = CategoryContent {
        slug: resolve_slug(conn, request.slug.as_deref(), &request.name, None)?,
        name: request.name.trim().to_owned(),
        description: request.description.clone(),
        parent_id: request.parent_id,
        position: request.position,
    };
    let row: CategoryRow = diesel::insert_into(categories::table)
        .values(NewCategory {
            content,
            created_at: now,
            updated_at: now,
        })
        .returning(<CategoryRow as diesel::Selectable<
            crate::db::MultiBackend,
        >>::construct_selection())
        .get_result(conn)?;
    redirects::forget(conn, SlugKind::Category, &row.slug)?;
    Ok(row)
}

/// Stores `merged` as the next version of `current` (its parent checked by
/// [`check_placement`], a new slug resolved and the old one remembered), or nothing when it
/// equals what is stored.
pub fn write_content(
    conn: &mut DbConn,
    current: &CategoryRow,
    mut merged: CategoryContent,
    now: NaiveDateTime,
) -> ApiResult<CategoryRow> {
    let stored = CategoryContent::from(current);
    if merged == stored {
        return Ok(current.clone());
    }
    if merged.parent_id != stored.parent_id {
        check_placement(conn, "parent_id", Some(current.id), merged.parent_id)?;
    }
    if merged.slug != stored.slug {
        merged.slug = resolve_slug(conn, Some(&merged.slug), &merged.name, Some(current.id))?;
        redirects::forget(conn, SlugKind::Category, &merged.slug)?;
        redirects::remember(conn, SlugKind::Category, &current.slug, current.id, now)?;
    }
    Ok(diesel::update(categories::table.find(current.id))
        .set((
            &merged,
            categories::version.eq(current.version + 1),
            categories::updated_at.eq(now),
        ))
        .returning(<CategoryRow as diesel::Selectable<
            crate::db::MultiBackend,
        >>::construct_selection())
        .get_result(conn)?)
}

/// The tree rule, at any depth: putting category `moving` (or a new one, `None`) under `parent`
/// must not make it its own ancestor, and must keep every category within [`MAX_DEPTH`]
/// levels. A 409 on `field` otherwise (the value is valid; the stored tree refuses it).
pub fn check_placement(
    conn: &mut DbConn,
    field: &str,
    moving: Option<i32>,
    parent: Option<i32>,
) -> ApiResult<()> {
    let Some(parent) = parent else {
        return Ok(());
    };
    if !exists(conn, parent)? {
        return Err(ApiError::conflicting(
            field,
            format!("no category has id {parent}"),
        ));
    }
    let ancestors = ancestor_ids(conn, parent)?;
    if moving.is_some_and(|id| ancestors.contains(&id)) {
        return Err(ApiError::conflicting(
            field,
            "a category cannot become its own ancestor",
        ));
    }
    let height = match moving {
        Some(id) => subtree_height(conn, id)?,
        None => 1,
    };
    if ancestors.len() + height > MAX_DEPTH {
        return Err(ApiError::conflicting(
            field,
            format!(
                "the category tree has at most {MAX_DEPTH} levels: category {parent} is on level {}, \
                 and what would go under it is {height} deep",
                ancestors.len()
            ),
        ));
    }
    Ok(())
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = Integer)]
    id: i32,
}

/// Category `id` and all its ancestors, however many; a stored cycle ends the walk (`UNION`
/// drops a row already seen) instead of looping.
fn ancestor_ids(conn: &mut DbConn, id: i32) -> QueryResult<Vec<i32>> {
    let rows: Vec<Id> = diesel::sql_query(placeholders(
        conn,
        "WITH RECURSIVE up(id) AS ( \
             SELECT ? \
             UNION \
             SELECT c.parent_id FROM categories c JOIN up ON c.id = up.id \
             WHERE c.parent_id IS NOT NULL \
         ) \
         SELECT id FROM up",
    ))
    .bind::<Integer, _>(id)
    .load(conn)?;
    Ok(rows.into_iter().map(|row| row.id).collect())
}

/// Levels in the subtree of category `id` (1 for a leaf), counted to one past [`MAX_DEPTH`].
fn subtree_height(conn: &mut DbConn, id: i32) -> QueryResult<usize> {
    #[derive(QueryableByName)]
    struct Height {
        #[diesel(sql_type = Integer)]
        height: i32,
    }
    let row: Height = diesel::sql_query(placeholders(
        conn,
        "WITH RECURSIVE down(id, level) AS ( \
             SELECT ?, 1 \
             UNION \
             SELECT c.id, down.level + 1 FROM categories c JOIN down ON c.parent_id = down.id \
             WHERE down.level <= ? \
         ) \
         SELECT MAX(level) AS height FROM down",
    ))
    .bind::<Integer, _>(id)
    .bind::<Integer, _>(MAX_DEPTH as i32)
    .get_result(conn)?;
    Ok(usize::try_from(row.height).unwrap_or(MAX_DEPTH + 1))
}

/// Slugs no category may have: they name fixed routes under `/categories/` (`/categories/tree`).
pub const RESERVED_SLUGS: &[&str] = &["tree"];

/// The slug to store: a given one must be free (409) and not reserved (422), a generated one
/// gets a `-N` suffix.
fn resolve_slug(
    conn: &mut DbConn,
    given: Option<&str>,
    name: &str,
    except: Option<i32>,
) -> ApiResult<String> {
    if let Some(slug) = given.filter(|slug| RESERVED_SLUGS.contains(slug)) {
        return Err(ApiError::invalid(
            "slug",
            format!("'{slug}' is reserved: /categories/{slug} is another route"),
        ));
    }
    slug::resolve("category", given, name, |candidate| {
        Ok::<_, diesel::result::Error>(
            RESERVED_SLUGS.contains(&candidate) || slug_taken(conn, candidate, except)?,
        )
    })
}

/// Writes an imported category (matched by its slug): creates it or stores it as the next
/// version, under the rules of the API's writes. Returns the row it had before (`None` when it
/// is new) and the row after (the same version when the record was identical: nothing written).
pub fn upsert(
    conn: &mut DbConn,
    request: &CreateCategory,
    now: NaiveDateTime,
) -> ApiResult<(Option<CategoryRow>, CategoryRow)> {
    let slug = request.slug.clone().unwrap_or_default();
    let Some(current) = find(conn, &Key::Slug(slug.clone()))? else {
        return Ok((None, create(conn, request, now)?));
    };
    let merged = CategoryContent {
        slug,
        name: request.name.trim().to_owned(),
        description: request.description.clone(),
        parent_id: request.parent_id,
        position: request.position,
    };
    let row = write_content(conn, &current, merged, now)?;
    Ok((Some(current), row))
}
