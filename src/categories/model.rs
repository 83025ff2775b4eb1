//! Category rows and every query on the `categories` table.

use super::input::{CreateCategory, UpdateCategory};
use crate::db::redirects::{self, SlugKind};
use crate::db::schema::{articles, categories};
use crate::error::{ApiError, ApiResult};
use crate::support::key::Key;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::Integer;
use std::collections::HashMap;

/// How deep the tree queries follow `parent_id` links: a guard against cycles.
pub const MAX_DEPTH: usize = 64;

/// A row of `categories`.
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable, Identifiable)]
#[diesel(table_name = categories, check_for_backend(diesel::sqlite::Sqlite))]
pub struct CategoryRow {
    pub id: i32,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub parent_id: Option<i32>,
    pub position: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// What an article's `category` and `breadcrumbs` embeds need of a category: no timestamps to
/// parse, no description to copy.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = categories, check_for_backend(diesel::sqlite::Sqlite))]
pub struct CategoryLink {
    pub id: i32,
    pub slug: String,
    pub name: String,
    pub parent_id: Option<i32>,
}

/// Every category as a [`CategoryLink`], in no particular order.
pub fn links(conn: &mut SqliteConnection) -> QueryResult<Vec<CategoryLink>> {
    categories::table
        .select(CategoryLink::as_select())
        .load(conn)
}

/// The columns of a new category.
#[derive(Debug, Insertable)]
#[diesel(table_name = categories)]
pub struct NewCategory {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub parent_id: Option<i32>,
    pub position: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A partial update; `None` leaves a column as it is (`parent_id: Some(None)` makes a root).
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = categories)]
pub struct CategoryChanges {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub parent_id: Option<Option<i32>>,
    pub position: Option<i32>,
    pub updated_at: Option<NaiveDateTime>,
}

/// The category named by `key`, if any.
pub fn find(conn: &mut SqliteConnection, key: &Key) -> QueryResult<Option<CategoryRow>> {
    let query = categories::table.select(CategoryRow::as_select());
    match key {
        Key::Id(id) => match i32::try_from(*id) {
            Ok(id) => query.find(id).get_result(conn).optional(),
            Err(_) => Ok(None),
        },
        Key::BeyondRange(_) => Ok(None),
        Key::Slug(slug) => query
            .filter(categories::slug.eq(slug))
            .get_result(conn)
            .optional(),
    }
}

/// The category named by `key`, or a 404.
pub fn get(conn: &mut SqliteConnection, key: &Key) -> ApiResult<CategoryRow> {
    find(conn, key)?.ok_or_else(|| ApiError::not_found("category", key))
}

/// The category with `id`, if it exists.
pub fn exists(conn: &mut SqliteConnection, id: i32) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(categories::table.find(id))).get_result(conn)
}

/// All categories (or the children of `parent`), ordered by position then name.
pub fn list(conn: &mut SqliteConnection, parent: Option<i32>) -> QueryResult<Vec<CategoryRow>> {
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
pub fn path(conn: &mut SqliteConnection, id: i32) -> QueryResult<Vec<CategoryRow>> {
    diesel::sql_query(
        "WITH RECURSIVE chain(id, depth) AS ( \
             SELECT id, 0 FROM categories WHERE id = ? \
             UNION ALL \
             SELECT c.parent_id, chain.depth + 1 FROM categories c JOIN chain ON c.id = chain.id \
             WHERE c.parent_id IS NOT NULL AND chain.depth < 64 \
         ) \
         SELECT categories.* FROM chain JOIN categories ON categories.id = chain.id \
         ORDER BY chain.depth DESC",
    )
    .bind::<Integer, _>(id)
    .load(conn)
}

/// The slug path of category `id` (`health/mental-health`), from its root down to itself.
pub fn slug_path(conn: &mut SqliteConnection, id: i32) -> QueryResult<String> {
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
pub fn all_slug_paths(conn: &mut SqliteConnection) -> QueryResult<HashMap<i32, String>> {
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
pub fn subtree_ids(conn: &mut SqliteConnection, root_id: i32) -> QueryResult<Vec<i32>> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = Integer)]
        id: i32,
    }
    let ids: Vec<Id> = diesel::sql_query(
        "WITH RECURSIVE subtree(id, depth) AS ( \
             SELECT id, 0 FROM categories WHERE id = ? \
             UNION \
             SELECT c.id, subtree.depth + 1 FROM categories c JOIN subtree ON c.parent_id = subtree.id \
             WHERE subtree.depth < 64 \
         ) \
         SELECT id FROM subtree GROUP BY id ORDER BY MIN(depth), id",
    )
    .bind::<Integer, _>(root_id)
    .load(conn)?;
    Ok(ids.into_iter().map(|row| row.id).collect())
}

/// True when a category other than `except` uses `slug`.
pub fn slug_taken(
    conn: &mut SqliteConnection,
    slug: &str,
    except: Option<i32>,
) -> QueryResult<bool> {
    let query = categories::table
        .filter(categories::slug.eq(slug))
        .filter(categories::id.ne(except.unwrap_or(0)));
    diesel::select(diesel::dsl::exists(query)).get_result(conn)
}

/// Inserts a category and returns the stored row.
pub fn insert(conn: &mut SqliteConnection, new: &NewCategory) -> QueryResult<CategoryRow> {
    diesel::insert_into(categories::table)
        .values(new)
        .returning(CategoryRow::as_returning())
        .get_result(conn)
}

/// Applies `changes` to category `id` and returns the stored row.
pub fn update(
    conn: &mut SqliteConnection,
    id: i32,
    changes: &CategoryChanges,
) -> QueryResult<CategoryRow> {
    diesel::update(categories::table.find(id))
        .set(changes)
        .returning(CategoryRow::as_returning())
        .get_result(conn)
}

/// Deletes category `id`; 409 while it still has children or articles.
pub fn delete(conn: &mut SqliteConnection, id: i32) -> ApiResult<()> {
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

/// Creates a category from a checked request: the parent must exist, a given slug must be free.
pub fn create(
    conn: &mut SqliteConnection,
    request: &CreateCategory,
    now: NaiveDateTime,
) -> ApiResult<CategoryRow> {
    if let Some(parent) = request.parent_id {
        require_parent(conn, parent)?;
    }
    let slug = resolve_slug(conn, request.slug.as_deref(), &request.name, None)?;
    let row = insert(
        conn,
        &NewCategory {
            slug,
            name: request.name.trim().to_owned(),
            description: request.description.clone(),
            parent_id: request.parent_id,
            position: request.position,
            created_at: now,
            updated_at: now,
        },
    )?;
    redirects::forget(conn, SlugKind::Category, &row.slug)?;
    Ok(row)
}

/// Applies a checked partial update to the category named by `key`.
pub fn change(
    conn: &mut SqliteConnection,
    key: &Key,
    request: &UpdateCategory,
    now: NaiveDateTime,
) -> ApiResult<CategoryRow> {
    let current = get(conn, key)?;
    if let Some(Some(parent)) = request.parent_id {
        require_parent(conn, parent)?;
        if path(conn, parent)?.iter().any(|c| c.id == current.id) {
            return Err(ApiError::invalid(
                "parent_id",
                "a category cannot become its own ancestor",
            ));
        }
    }
    let slug = match &request.slug {
        Some(slug) if *slug != current.slug => Some(resolve_slug(
            conn,
            Some(slug),
            &current.name,
            Some(current.id),
        )?),
        _ => None,
    };
    if let Some(new_slug) = &slug {
        redirects::forget(conn, SlugKind::Category, new_slug)?;
        redirects::remember(conn, SlugKind::Category, &current.slug, current.id, now)?;
    }
    let changes = CategoryChanges {
        slug,
        name: request.name.as_deref().map(|n| n.trim().to_owned()),
        description: request.description.clone(),
        parent_id: request.parent_id,
        position: request.position,
        updated_at: Some(now),
    };
    Ok(update(conn, current.id, &changes)?)
}

fn require_parent(conn: &mut SqliteConnection, parent: i32) -> ApiResult<()> {
    if exists(conn, parent)? {
        Ok(())
    } else {
        Err(ApiError::invalid(
            "parent_id",
            format!("no category has id {parent}"),
        ))
    }
}

/// Slugs no category may have: they name fixed routes under `/categories/` (`/categories/tree`).
pub const RESERVED_SLUGS: &[&str] = &["tree"];

/// The slug to store: a given one must be free (409) and not reserved (422), a generated one
/// gets a `-N` suffix.
fn resolve_slug(
    conn: &mut SqliteConnection,
    given: Option<&str>,
    name: &str,
    except: Option<i32>,
) -> ApiResult<String> {
    match given {
        Some(slug) if RESERVED_SLUGS.contains(&slug) => Err(ApiError::invalid(
            "slug",
            format!("'{slug}' is reserved: /categories/{slug} is another route"),
        )),
        Some(slug) if slug_taken(conn, slug, except)? => Err(ApiError::Conflict(format!(
            "the category slug '{slug}' is already taken"
        ))),
        Some(slug) => Ok(slug.to_owned()),
        None => Ok(crate::support::slug::first_free(
            &crate::support::slug::generate(name, "category"),
            |candidate| {
                Ok::<_, diesel::result::Error>(
                    RESERVED_SLUGS.contains(&candidate) || slug_taken(conn, candidate, except)?,
                )
            },
        )?),
    }
}

/// The current slug of the category that used to be called `old_slug`, if any.
pub fn redirect_target(conn: &mut SqliteConnection, old_slug: &str) -> QueryResult<Option<String>> {
    match redirects::target(conn, SlugKind::Category, old_slug)? {
        Some(id) => Ok(find(conn, &Key::Id(id.into()))?.map(|c| c.slug)),
        None => Ok(None),
    }
}

/// Writes an imported category (matched by its slug): creates it or updates it in place.
/// Returns its id. A parent that would make it its own ancestor is refused.
pub fn upsert(
    conn: &mut SqliteConnection,
    request: &CreateCategory,
    now: NaiveDateTime,
) -> ApiResult<i32> {
    let slug = request.slug.clone().unwrap_or_default();
    if let (Some(parent), Some(current)) =
        (request.parent_id, find(conn, &Key::Slug(slug.clone()))?)
    {
        if path(conn, parent)?.iter().any(|c| c.id == current.id) {
            return Err(ApiError::invalid(
                "parent_slug",
                "a category cannot become its own ancestor",
            ));
        }
    }
    let row = NewCategory {
        slug,
        name: request.name.trim().to_owned(),
        description: request.description.clone(),
        parent_id: request.parent_id,
        position: request.position,
        created_at: now,
        updated_at: now,
    };
    Ok(diesel::insert_into(categories::table)
        .values(&row)
        .on_conflict(categories::slug)
        .do_update()
        .set((
            categories::name.eq(diesel::upsert::excluded(categories::name)),
            categories::description.eq(diesel::upsert::excluded(categories::description)),
            categories::parent_id.eq(diesel::upsert::excluded(categories::parent_id)),
            categories::position.eq(diesel::upsert::excluded(categories::position)),
            categories::updated_at.eq(now),
        ))
        .returning(categories::id)
        .get_result(conn)?)
}
