//! Article rows, visibility, and every query on the `articles` table.

use super::input::{CreateArticle, UpdateArticle};
use super::status::{self, ArticleState, ArticleStatus, Audience, PUBLIC_SQL};
use crate::categories::model as categories_model;
use crate::db::redirects::{self, SlugKind};
use crate::db::schema::articles;
use crate::db::search_index;
use crate::error::{ApiError, ApiResult};
use crate::sections::model as sections_model;
use crate::support::key::Key;
use crate::support::markdown;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::upsert::excluded;
use std::collections::HashMap;

/// A row of `articles`.
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable, Identifiable)]
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

impl ArticleRow {
    /// The row's publication state at `now`.
    pub fn state(&self, now: NaiveDateTime) -> ArticleState {
        ArticleState::of(&self.status, self.published_at, self.unpublish_at, now)
    }
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
    unpublish_at: Option<NaiveDateTime>,
    category_id: i32,
    view_count: i64,
    word_count: i32,
    derived_excerpt: String,
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
    unpublish_at: Option<Option<NaiveDateTime>>,
    category_id: Option<i32>,
    version: i32,
    updated_at: NaiveDateTime,
}

/// The article named by `key`, whatever its status.
///
/// Lookups by a unique key here and elsewhere use `get_result`, not `first`: `first` adds a bound
/// `LIMIT ?`, and SQLite re-prepares a statement whose bound `LIMIT` changed (even to the same
/// value) on its next run, which cost a sixth of the CPU of an article read (BENCHMARKS.md).
pub fn find(conn: &mut SqliteConnection, key: &Key) -> QueryResult<Option<ArticleRow>> {
    let query = articles::table.select(ArticleRow::as_select());
    match key {
        Key::Id(id) => match i32::try_from(*id) {
            Ok(id) => query.find(id).get_result(conn).optional(),
            Err(_) => Ok(None),
        },
        Key::BeyondRange(_) => Ok(None),
        Key::Slug(slug) => query
            .filter(articles::slug.eq(slug))
            .get_result(conn)
            .optional(),
    }
}

/// What a single read finds: the article, or the slug it has moved to.
pub enum Found<T> {
    /// Here it is.
    Here(T),
    /// It was renamed: its current slug.
    MovedTo(String),
}

/// The article `key` names for `audience`; an old slug of a visible article is a move.
pub fn lookup(
    conn: &mut SqliteConnection,
    key: &Key,
    audience: Audience,
) -> ApiResult<Found<ArticleRow>> {
    match get(conn, key, audience) {
        Ok(row) => Ok(Found::Here(row)),
        Err(ApiError::NotFound(detail)) => {
            let Key::Slug(old) = key else {
                return Err(ApiError::NotFound(detail));
            };
            match redirect_target(conn, old)? {
                Some(current) => {
                    get(conn, &Key::Slug(current.clone()), audience)?;
                    Ok(Found::MovedTo(current))
                }
                None => Err(ApiError::NotFound(detail)),
            }
        }
        Err(other) => Err(other),
    }
}

/// The article named by `key` if `audience` may see it, else a 404 (never a 403).
pub fn get(conn: &mut SqliteConnection, key: &Key, audience: Audience) -> ApiResult<ArticleRow> {
    find(conn, key)?
        .filter(|row| audience.sees(&row.status, row.published_at, row.unpublish_at))
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
        None => Ok(crate::support::slug::first_free(
            &crate::support::slug::generate(title, "article"),
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
    search_index::pause(conn)?;
    let row: ArticleRow = diesel::insert_into(articles::table)
        .values(new_article(request, &slug, 0, now))
        .returning(ArticleRow::as_returning())
        .get_result(conn)?;
    sections_model::insert_all(conn, row.id, &request.sections, now)?;
    search_index::resume_and_index(conn, row.id)?;
    redirects::forget(conn, SlugKind::Article, &row.slug)?;
    Ok(row)
}

/// The row for a new article from a checked request, with its derived fields.
fn new_article<'a>(
    request: &'a CreateArticle,
    slug: &'a str,
    view_count: i64,
    now: NaiveDateTime,
) -> NewArticle<'a> {
    let status = request.status.unwrap_or(ArticleStatus::Draft);
    let requested_at = request.published_at.map(|t| t.naive_utc());
    let published_at = match status {
        ArticleStatus::Published => Some(requested_at.unwrap_or(now)),
        ArticleStatus::Draft => requested_at,
    };
    let (word_count, derived_excerpt) = markdown::derived_text(
        request
            .sections
            .iter()
            .map(|s| (s.heading.as_str(), s.body.as_str())),
    );
    NewArticle {
        slug,
        title: request.title.trim(),
        subtitle: request.subtitle.trim(),
        excerpt: request.excerpt.trim(),
        status: status.as_str(),
        published_at,
        unpublish_at: request.unpublish_at.map(|t| t.naive_utc()),
        category_id: request.category_id,
        view_count,
        word_count,
        derived_excerpt,
        created_at: now,
        updated_at: now,
    }
}

/// Writes an imported article (matched by its slug): creates it, or replaces its content and
/// sections as a new version, and returns its id. Returns `None`, touching nothing, when it is
/// already identical.
pub fn upsert(
    conn: &mut SqliteConnection,
    request: &CreateArticle,
    view_count: i64,
    now: NaiveDateTime,
) -> ApiResult<Option<i32>> {
    let slug = request.slug.as_deref().unwrap_or_default();
    let row = new_article(request, slug, view_count, now);
    let existing = find(conn, &Key::Slug(slug.to_owned()))?;
    if let Some(current) = &existing {
        if same_content(conn, current, &row, &request.sections)? {
            return Ok(None);
        }
    }
    let id: i32 = diesel::insert_into(articles::table)
        .values(&row)
        .on_conflict(articles::slug)
        .do_update()
        .set((
            articles::title.eq(excluded(articles::title)),
            articles::subtitle.eq(excluded(articles::subtitle)),
            articles::excerpt.eq(excluded(articles::excerpt)),
            articles::status.eq(excluded(articles::status)),
            articles::published_at.eq(excluded(articles::published_at)),
            articles::category_id.eq(excluded(articles::category_id)),
            articles::view_count.eq(excluded(articles::view_count)),
            articles::word_count.eq(excluded(articles::word_count)),
            articles::derived_excerpt.eq(excluded(articles::derived_excerpt)),
            articles::version.eq(articles::version + 1),
            articles::updated_at.eq(now),
        ))
        .returning(articles::id)
        .get_result(conn)?;
    if existing.is_some() {
        sections_model::delete_all(conn, id)?;
    } else {
        redirects::forget(conn, SlugKind::Article, slug)?;
    }
    sections_model::insert_all(conn, id, &request.sections, now)?;
    Ok(Some(id))
}

/// True when `current` already holds exactly what `row` and `sections` would write.
fn same_content(
    conn: &mut SqliteConnection,
    current: &ArticleRow,
    row: &NewArticle,
    sections: &[crate::sections::input::SectionInput],
) -> QueryResult<bool> {
    let same_article = current.title == row.title
        && current.subtitle == row.subtitle
        && current.excerpt == row.excerpt
        && current.status == row.status
        && current.published_at == row.published_at
        && current.category_id == row.category_id
        && current.view_count == row.view_count;
    if !same_article {
        return Ok(false);
    }
    let stored = sections_model::for_article(conn, current.id)?;
    Ok(stored.len() == sections.len()
        && stored
            .iter()
            .zip(sections)
            .all(|(s, r)| s.heading == r.heading.trim() && s.body == r.body))
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
        unpublish_at: request.unpublish_at.map(|at| at.map(|t| t.naive_utc())),
        category_id: request.category_id,
        version: current.version + 1,
        updated_at: now,
    };
    if let Some(new_slug) = &slug {
        redirects::forget(conn, SlugKind::Article, new_slug)?;
        redirects::remember(conn, SlugKind::Article, &current.slug, current.id, now)?;
    }
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

/// The current slug of the article that used to be called `old_slug`, if any.
pub fn redirect_target(conn: &mut SqliteConnection, old_slug: &str) -> QueryResult<Option<String>> {
    match redirects::target(conn, SlugKind::Article, old_slug)? {
        Some(id) => articles::table
            .find(id)
            .select(articles::slug)
            .get_result(conn)
            .optional(),
        None => Ok(None),
    }
}

/// Published articles anonymous readers can see in `category_id`, newest first, without
/// `exclude`s, at most `limit`.
pub fn visible_in_category(
    conn: &mut SqliteConnection,
    category_id: i32,
    exclude: &[i32],
    limit: i64,
    now: NaiveDateTime,
) -> QueryResult<Vec<ArticleRow>> {
    articles::table
        .filter(articles::category_id.eq(category_id))
        .filter(articles::id.ne_all(exclude))
        .filter(status::public_at(now))
        .order((articles::published_at.desc(), articles::id.desc()))
        .limit(limit)
        .select(ArticleRow::as_select())
        .load(conn)
}

/// Deletes an article; its sections go with it (foreign key cascade).
pub fn delete(conn: &mut SqliteConnection, id: i32) -> QueryResult<()> {
    diesel::delete(articles::table.find(id)).execute(conn)?;
    Ok(())
}

/// Adds `count` views (negative counts add nothing) to an article's counter, which saturates
/// at `i64::MAX` and stays an integer (SQLite would turn an overflowing sum into a REAL);
/// nothing when the article has been deleted since.
pub fn add_views(conn: &mut SqliteConnection, id: i32, count: i64) -> QueryResult<()> {
    let count = count.max(0);
    diesel::sql_query("UPDATE articles SET view_count = min(view_count, ?) + ? WHERE id = ?")
        .bind::<diesel::sql_types::BigInt, _>(i64::MAX - count)
        .bind::<diesel::sql_types::BigInt, _>(count)
        .bind::<diesel::sql_types::Integer, _>(id)
        .execute(conn)?;
    Ok(())
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

/// Up to `limit` articles with ids above `after`, in id order (for streaming exports).
pub fn batch_after(
    conn: &mut SqliteConnection,
    after: i32,
    limit: i64,
) -> QueryResult<Vec<ArticleRow>> {
    articles::table
        .filter(articles::id.gt(after))
        .order(articles::id)
        .limit(limit)
        .select(ArticleRow::as_select())
        .load(conn)
}
