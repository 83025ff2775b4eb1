//! Article rows, visibility, and every query on the `articles` table.

use super::dto::{ArticleStatus, CreateArticle, UpdateArticle};
use crate::auth::Caller;
use crate::categories::model::{self as categories_model, CategoryRow};
use crate::db::schema::{articles, categories};
use crate::error::{ApiError, ApiResult};
use crate::lookup::Key;
use crate::sections::model::{self as sections_model, SectionRow};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sqlite::Sqlite;
use std::collections::HashMap;

/// A row of `articles`.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = articles, check_for_backend(diesel::sqlite::Sqlite))]
pub struct ArticleRow {
    pub id: i32,
    pub slug: String,
    pub title: String,
    pub subtitle: String,
    pub excerpt: String,
    pub status: String,
    pub published_at: Option<NaiveDateTime>,
    pub category_id: i32,
    pub view_count: i64,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub unpublish_at: Option<NaiveDateTime>,
    pub word_count: i32,
    pub derived_excerpt: String,
}

/// The columns of a new article.
#[derive(Debug, Insertable)]
#[diesel(table_name = articles)]
struct NewArticle<'a> {
    slug: &'a str,
    title: &'a str,
    subtitle: &'a str,
    excerpt: &'a str,
    status: &'a str,
    published_at: Option<NaiveDateTime>,
    category_id: i32,
    view_count: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// A partial update; `None` leaves a column as it is.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = articles)]
struct ArticleChanges<'a> {
    slug: Option<&'a str>,
    title: Option<&'a str>,
    subtitle: Option<&'a str>,
    excerpt: Option<&'a str>,
    status: Option<&'a str>,
    published_at: Option<Option<NaiveDateTime>>,
    category_id: Option<i32>,
    version: i32,
    updated_at: NaiveDateTime,
}

/// The SQL condition (over `articles a`) for what anonymous readers see; binds `now` twice.
pub const PUBLIC_SQL: &str = "a.status = 'published' AND a.published_at <= ? \
     AND (a.unpublish_at IS NULL OR a.unpublish_at > ?)";

/// Who is reading, which decides what exists for them.
#[derive(Debug, Clone, Copy)]
pub enum Audience {
    /// Anonymous readers at this instant: published articles whose time has come.
    Public(NaiveDateTime),
    /// Tokens with `content:read`: everything.
    Editors,
}

impl Audience {
    /// The audience of `caller` at `now`.
    pub fn of(caller: &Caller, now: NaiveDateTime) -> Self {
        if caller.sees_unpublished() {
            Audience::Editors
        } else {
            Audience::Public(now)
        }
    }

    /// True when `row` exists for this audience.
    pub fn sees(&self, row: &ArticleRow) -> bool {
        match self {
            Audience::Editors => true,
            Audience::Public(now) => {
                row.status == ArticleStatus::Published.as_str()
                    && row.published_at.is_some_and(|at| at <= *now)
                    && row.unpublish_at.is_none_or(|at| at > *now)
            }
        }
    }
}

/// What `GET /articles` selects.
#[derive(Debug, Clone)]
pub struct ArticleFilter {
    pub audience: Audience,
    pub category_id: Option<i32>,
    pub status: Option<ArticleStatus>,
}

/// An article with everything a page needs.
#[derive(Debug)]
pub struct ArticlePage {
    pub article: ArticleRow,
    /// The category the article is filed in.
    pub category: CategoryRow,
    /// The category path, root first, the article's category last.
    pub breadcrumbs: Vec<CategoryRow>,
    pub sections: Vec<SectionRow>,
}

/// The article named by `key`, whatever its status.
pub fn find(conn: &mut SqliteConnection, key: &Key) -> QueryResult<Option<ArticleRow>> {
    let query = articles::table.select(ArticleRow::as_select());
    match key {
        Key::Id(id) => match i32::try_from(*id) {
            Ok(id) => query.find(id).first(conn).optional(),
            Err(_) => Ok(None),
        },
        Key::Slug(slug) => query.filter(articles::slug.eq(slug)).first(conn).optional(),
    }
}

/// The article named by `key` if `audience` may see it, else a 404 (never a 403).
pub fn get(conn: &mut SqliteConnection, key: &Key, audience: Audience) -> ApiResult<ArticleRow> {
    find(conn, key)?
        .filter(|row| audience.sees(row))
        .ok_or_else(|| ApiError::not_found("article", key))
}

/// The article with `id` if `audience` may see it, else a 404.
pub fn get_by_id(
    conn: &mut SqliteConnection,
    id: i32,
    audience: Audience,
) -> ApiResult<ArticleRow> {
    get(conn, &Key::Id(i64::from(id)), audience)
}

/// The article with its category path and sections.
pub fn page(conn: &mut SqliteConnection, article: ArticleRow) -> QueryResult<ArticlePage> {
    let breadcrumbs = categories_model::path(conn, article.category_id)?;
    // The foreign key guarantees the category exists, so the path ends with it.
    let category = breadcrumbs.last().cloned().ok_or(diesel::NotFound)?;
    let sections = sections_model::for_article(conn, article.id)?;
    Ok(ArticlePage {
        article,
        category,
        breadcrumbs,
        sections,
    })
}

fn filtered(filter: &ArticleFilter) -> articles::BoxedQuery<'static, Sqlite> {
    let mut query = articles::table.into_boxed();
    if let Some(category_id) = filter.category_id {
        query = query.filter(articles::category_id.eq(category_id));
    }
    if let Some(status) = filter.status {
        query = query.filter(articles::status.eq(status.as_str()));
    }
    if let Audience::Public(now) = filter.audience {
        query = query
            .filter(articles::status.eq(ArticleStatus::Published.as_str()))
            .filter(articles::published_at.le(now));
    }
    query
}

/// One page of the articles `filter` selects, newest `published_at` first (unscheduled drafts
/// last), with the total count and the categories they are filed in.
pub fn list(
    conn: &mut SqliteConnection,
    filter: &ArticleFilter,
    page: i64,
    per_page: i64,
) -> QueryResult<(Vec<ArticleRow>, HashMap<i32, CategoryRow>, i64)> {
    let total: i64 = filtered(filter).count().get_result(conn)?;
    let rows: Vec<ArticleRow> = filtered(filter)
        .select(ArticleRow::as_select())
        .order((
            articles::published_at.is_null(),
            articles::published_at.desc(),
            articles::id.desc(),
        ))
        .limit(per_page)
        .offset((page - 1).saturating_mul(per_page))
        .load(conn)?;
    let category_ids: Vec<i32> = rows.iter().map(|r| r.category_id).collect();
    let categories = categories::table
        .filter(categories::id.eq_any(category_ids))
        .select(CategoryRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    Ok((rows, categories, total))
}

fn slug_taken(conn: &mut SqliteConnection, slug: &str, except: Option<i32>) -> QueryResult<bool> {
    let query = articles::table
        .filter(articles::slug.eq(slug))
        .filter(articles::id.ne(except.unwrap_or(0)));
    diesel::select(diesel::dsl::exists(query)).get_result(conn)
}

/// The slug to store: a given one must be free (409), a generated one gets a `-N` suffix.
fn resolve_slug(
    conn: &mut SqliteConnection,
    given: Option<&str>,
    title: &str,
    except: Option<i32>,
) -> ApiResult<String> {
    match given {
        Some(slug) if slug_taken(conn, slug, except)? => Err(ApiError::Conflict(format!(
            "the article slug '{slug}' is already taken"
        ))),
        Some(slug) => Ok(slug.to_owned()),
        None => Ok(crate::slug::first_free(
            &crate::slug::generate(title, "article"),
            |candidate| slug_taken(conn, candidate, except),
        )?),
    }
}

fn require_category(conn: &mut SqliteConnection, id: i32) -> ApiResult<()> {
    if categories_model::exists(conn, id)? {
        Ok(())
    } else {
        Err(ApiError::invalid(
            "category_id",
            format!("no category has id {id}"),
        ))
    }
}

/// Creates an article and its sections from a checked request, atomically.
pub fn create(
    conn: &mut SqliteConnection,
    request: &CreateArticle,
    now: NaiveDateTime,
) -> ApiResult<ArticleRow> {
    require_category(conn, request.category_id)?;
    let slug = resolve_slug(conn, request.slug.as_deref(), &request.title, None)?;
    let status = request.status.unwrap_or(ArticleStatus::Draft);
    let requested_at = request.published_at.map(|t| t.naive_utc());
    let published_at = match status {
        ArticleStatus::Published => Some(requested_at.unwrap_or(now)),
        ArticleStatus::Draft => requested_at,
    };
    let row: ArticleRow = diesel::insert_into(articles::table)
        .values(NewArticle {
            slug: &slug,
            title: request.title.trim(),
            subtitle: request.subtitle.trim(),
            excerpt: request.excerpt.trim(),
            status: status.as_str(),
            published_at,
            category_id: request.category_id,
            view_count: 0,
            created_at: now,
            updated_at: now,
        })
        .returning(ArticleRow::as_returning())
        .get_result(conn)?;
    sections_model::insert_all(conn, row.id, &request.sections, now)?;
    Ok(row)
}

/// Applies a checked partial update to `current`, as a new version.
pub fn change(
    conn: &mut SqliteConnection,
    current: &ArticleRow,
    request: &UpdateArticle,
    now: NaiveDateTime,
) -> ApiResult<ArticleRow> {
    if let Some(category_id) = request.category_id {
        require_category(conn, category_id)?;
    }
    let slug = match &request.slug {
        Some(slug) if *slug != current.slug => Some(resolve_slug(
            conn,
            Some(slug),
            &current.title,
            Some(current.id),
        )?),
        _ => None,
    };
    let requested_at = request.published_at.map(|at| at.map(|t| t.naive_utc()));
    let becomes_published = request.status == Some(ArticleStatus::Published);
    let published_at = match requested_at {
        None if becomes_published && current.published_at.is_none() => Some(Some(now)),
        other => other,
    };
    if published_at == Some(None)
        && request
            .status
            .unwrap_or(ArticleStatus::from_stored(&current.status))
            == ArticleStatus::Published
    {
        return Err(ApiError::invalid(
            "published_at",
            "a published article needs a publication time",
        ));
    }
    let changes = ArticleChanges {
        slug: slug.as_deref(),
        title: request.title.as_deref().map(str::trim),
        subtitle: request.subtitle.as_deref().map(str::trim),
        excerpt: request.excerpt.as_deref().map(str::trim),
        status: request.status.map(ArticleStatus::as_str),
        published_at,
        category_id: request.category_id,
        version: current.version + 1,
        updated_at: now,
    };
    Ok(diesel::update(articles::table.find(current.id))
        .set(&changes)
        .returning(ArticleRow::as_returning())
        .get_result(conn)?)
}

/// Publishes `current` (at `at`, else its own `published_at`, else now) or makes it a draft.
pub fn set_status(
    conn: &mut SqliteConnection,
    current: &ArticleRow,
    status: ArticleStatus,
    at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> QueryResult<ArticleRow> {
    let published_at = match status {
        ArticleStatus::Published => Some(at.or(current.published_at).unwrap_or(now)),
        ArticleStatus::Draft => current.published_at,
    };
    diesel::update(articles::table.find(current.id))
        .set((
            articles::status.eq(status.as_str()),
            articles::published_at.eq(published_at),
            articles::version.eq(current.version + 1),
            articles::updated_at.eq(now),
        ))
        .returning(ArticleRow::as_returning())
        .get_result(conn)
}

/// Records a change to the article's sections: a new version. Returns it.
pub fn bump_version(conn: &mut SqliteConnection, id: i32, now: NaiveDateTime) -> QueryResult<i32> {
    diesel::update(articles::table.find(id))
        .set((
            articles::version.eq(articles::version + 1),
            articles::updated_at.eq(now),
        ))
        .returning(articles::version)
        .get_result(conn)
}

/// Deletes an article; its sections go with it (foreign key cascade).
pub fn delete(conn: &mut SqliteConnection, id: i32) -> QueryResult<()> {
    diesel::delete(articles::table.find(id)).execute(conn)?;
    Ok(())
}

/// Counts one view and returns the new count.
pub fn add_view(conn: &mut SqliteConnection, id: i32) -> QueryResult<i64> {
    diesel::update(articles::table.find(id))
        .set(articles::view_count.eq(articles::view_count + 1))
        .returning(articles::view_count)
        .get_result(conn)
}

/// Sets the view counter (demo content and imports carry their own counts).
pub fn set_view_count(conn: &mut SqliteConnection, id: i32, count: i64) -> QueryResult<()> {
    diesel::update(articles::table.find(id))
        .set(articles::view_count.eq(count))
        .execute(conn)?;
    Ok(())
}

/// How many articles anonymous readers can see at `now`, per category id (categories with none are absent).
pub fn visible_counts_by_category(
    conn: &mut SqliteConnection,
    now: NaiveDateTime,
) -> QueryResult<HashMap<i32, i64>> {
    #[derive(QueryableByName)]
    struct CategoryCount {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        category_id: i32,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let counts: Vec<CategoryCount> = diesel::sql_query(format!(
        "SELECT a.category_id, COUNT(*) AS n FROM articles a WHERE {PUBLIC_SQL} GROUP BY a.category_id"
    ))
    .bind::<diesel::sql_types::Timestamp, _>(now)
    .bind::<diesel::sql_types::Timestamp, _>(now)
    .load(conn)?;
    Ok(counts.into_iter().map(|c| (c.category_id, c.n)).collect())
}
