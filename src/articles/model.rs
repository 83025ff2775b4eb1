//! Article rows, visibility, and every query on the `articles` table.

use super::content::ArticleContent;
use super::input::{CreateArticle, UpdateArticle};
use super::seo::{self, SeoInput};
use super::status::{self, ArticleState, ArticleStatus, Audience, PUBLIC_SQL};
use crate::categories::model as categories_model;
use crate::db::redirects::{self, SlugKind};
use crate::db::schema::articles;
use crate::db::search_index;
use crate::db::sql::placeholders;
use crate::db::{Backend, DbConn};
use crate::error::{ApiError, ApiResult};
use crate::media::feature_images::{self, FeatureImage};
use crate::people::bylines::{self, Byline};
use crate::references::input::ReferenceInput;
use crate::references::model::{self as references_model, ReferenceRow};
use crate::revisions::model::{Snapshot, SnapshotSection};
use crate::sections::input::SectionInput;
use crate::sections::model::{self as sections_model, SectionRow};
use crate::support::key::Key;
use crate::support::markdown;
use crate::support::slug;
use crate::tags::article_tags;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use std::collections::HashMap;

/// A row of `articles`.
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable, Identifiable)]
#[diesel(table_name = articles, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
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

impl From<&ArticleRow> for ArticleContent {
    fn from(row: &ArticleRow) -> Self {
        ArticleContent {
            slug: row.slug.clone(),
            title: row.title.clone(),
            subtitle: row.subtitle.clone(),
            excerpt: row.excerpt.clone(),
            status: row.status.clone(),
            published_at: row.published_at,
            unpublish_at: row.unpublish_at,
            category_id: row.category_id,
        }
    }
}

/// The columns of a new article.
#[derive(Debug, Insertable)]
#[diesel(table_name = articles)]
struct NewArticle {
    #[diesel(embed)]
    content: ArticleContent,
    view_count: i64,
    word_count: i32,
    derived_excerpt: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// The article named by `key`, whatever its status.
///
/// Lookups by a unique key here and elsewhere use `get_result`, not `first`: `first` adds a bound
/// `LIMIT ?`, and SQLite re-prepares a statement whose bound `LIMIT` changed (even to the same
/// value) on its next run, which cost a sixth of the CPU of an article read (BENCHMARKS.md).
pub fn find(conn: &mut DbConn, key: &Key) -> QueryResult<Option<ArticleRow>> {
    let query = articles::table.select(ArticleRow::as_select());
    match key {
        Key::Id(id) => match i32::try_from(*id) {
            Ok(id) => query.find(id).get_result(conn).optional(),
            Err(_) => Ok(None),
        },
        Key::Unmatchable(_) => Ok(None),
        Key::Slug(slug) => query
            .filter(articles::slug.eq(slug))
            .get_result(conn)
            .optional(),
    }
}

/// The article with `id`, whatever its status.
pub fn find_by_id(conn: &mut DbConn, id: i32) -> QueryResult<Option<ArticleRow>> {
    find(conn, &Key::Id(i64::from(id)))
}

/// What `row` and its ordered `sections` are as a revision snapshot.
pub fn snapshot(
    row: &ArticleRow,
    sections: &[SectionRow],
    references: &[ReferenceRow],
    byline: Byline,
    tags: Vec<i32>,
    seo: SeoInput,
    feature_image: Option<FeatureImage>,
) -> Snapshot {
    Snapshot {
        slug: row.slug.clone(),
        title: row.title.clone(),
        subtitle: row.subtitle.clone(),
        excerpt: row.excerpt.clone(),
        status: ArticleStatus::from_stored(&row.status),
        published_at: row.published_at.map(|t| t.and_utc()),
        unpublish_at: row.unpublish_at.map(|t| t.and_utc()),
        category_id: row.category_id,
        sections: sections
            .iter()
            .map(|s| SnapshotSection {
                heading: s.heading.clone(),
                body: s.body.clone(),
            })
            .collect(),
        references: references.iter().map(ReferenceRow::input).collect(),
        byline,
        tags,
        seo,
        feature_image,
    }
}

/// What a single read finds: the article, or the slug it has moved to.
pub enum Found<T> {
    /// Here it is.
    Here(T),
    /// It was renamed: its current slug.
    MovedTo(String),
}

/// The article `key` names for `audience`, as a read answers it: asked for by a slug it had
/// before a rename, it is a move to its current slug.
pub fn lookup(conn: &mut DbConn, key: &Key, audience: Audience) -> ApiResult<Found<ArticleRow>> {
    let row = get(conn, key, audience)?;
    match key {
        Key::Slug(asked) if *asked != row.slug => Ok(Found::MovedTo(row.slug)),
        _ => Ok(Found::Here(row)),
    }
}

/// The article `key` names, if `audience` may see it, else a 404 that echoes only `key` (never
/// a 403, never the article's current slug).
///
/// The alias rule of every `{id_or_slug}`: all digits is an id; otherwise the current slug, or
/// a slug the article had before a rename, name the same article. The article that holds a slug
/// now comes first, but only for an audience that sees it: a draft given a published article's
/// old slug does not take that slug's redirect away from anonymous readers (their answer, and so
/// what a CDN holds, changes only when the draft is published, which logs a purge of the slug).
pub fn get(conn: &mut DbConn, key: &Key, audience: Audience) -> ApiResult<ArticleRow> {
    let visible = |row: &ArticleRow| audience.sees(&row.status, row.published_at, row.unpublish_at);
    let holder = find(conn, key)?.filter(visible);
    let row = match (holder, key) {
        (Some(row), _) => Some(row),
        (None, Key::Slug(old)) => match redirects::target(conn, SlugKind::Article, old)? {
            Some(id) => find_by_id(conn, id)?.filter(visible),
            None => None,
        },
        (None, Key::Id(_) | Key::Unmatchable(_)) => None,
    };
    row.ok_or_else(|| ApiError::not_found("article", key))
}

/// The article with `id` if `audience` may see it, else a 404.
pub fn get_by_id(conn: &mut DbConn, id: i32, audience: Audience) -> ApiResult<ArticleRow> {
    get(conn, &Key::Id(i64::from(id)), audience)
}

fn slug_taken(conn: &mut DbConn, slug: &str, except: Option<i32>) -> QueryResult<bool> {
    let query = articles::table
        .filter(articles::slug.eq(slug))
        .filter(articles::id.ne(except.unwrap_or(0)));
    diesel::select(diesel::dsl::exists(query)).get_result(conn)
}

fn require_category(conn: &mut DbConn, id: i32) -> ApiResult<()> {
    if categories_model::exists(conn, id)? {
        Ok(())
    } else {
        Err(ApiError::conflicting(
            "category_id",
            format!("no category has id {id}"),
        ))
    }
}

/// Creates an article and its sections from a checked request, atomically (422 when the
/// content it would store breaks a rule of [`ArticleContent::check`]).
pub fn create(
    conn: &mut DbConn,
    request: &CreateArticle,
    now: NaiveDateTime,
) -> ApiResult<ArticleRow> {
    let mut content = requested_content(request, String::new(), now);
    // The request alone was checked (422); what is left to break a rule is the clock (a
    // published article without a time is published now): a 409.
    content.check()?;
    require_category(conn, request.category_id)?;
    content.slug = slug::resolve(
        "article",
        request.slug.as_deref(),
        &request.title,
        |taken| slug_taken(conn, taken, None),
    )?;
    search_index::pause(conn)?;
    let row: ArticleRow = diesel::insert_into(articles::table)
        .values(new_article(content, request, 0, now))
        .returning(<ArticleRow as diesel::Selectable<
            crate::db::MultiBackend,
        >>::construct_selection())
        .get_result(conn)?;
    sections_model::insert_all(conn, row.id, &request.sections, now)?;
    // A new article has no references and no byline yet: only what the request gives is written.
    if !request.references.is_empty() {
        references_model::replace_all(conn, row.id, &request.references)?;
    }
    let byline = request.byline();
    if byline != Byline::default() {
        bylines::write(conn, row.id, &byline)?;
    }
    if !request.tags.is_empty() {
        article_tags::store(conn, row.id, &request.tags)?;
    }
    if let Some(fields) = &request.seo {
        seo::store(conn, row.id, fields)?;
    }
    if let Some(image) = &request.feature_image {
        feature_images::store(conn, row.id, Some(image))?;
    }
    search_index::resume_and_index(conn, row.id)?;
    Ok(row)
}

/// The content a create (or an import) request asks for, with `slug`: a published article
/// without a publication time gets `now`.
fn requested_content(request: &CreateArticle, slug: String, now: NaiveDateTime) -> ArticleContent {
    let mut content = ArticleContent {
        slug,
        title: request.title.trim().to_owned(),
        subtitle: request.subtitle.trim().to_owned(),
        excerpt: request.excerpt.trim().to_owned(),
        status: ArticleStatus::Draft.as_str().to_owned(),
        published_at: request.published_at.map(|t| t.naive_utc()),
        unpublish_at: request.unpublish_at.map(|t| t.naive_utc()),
        category_id: request.category_id,
    };
    content.set_status(request.status.unwrap_or(ArticleStatus::Draft), None, now);
    content
}

/// The row for a new article: `content` and the fields derived from the request's sections.
fn new_article(
    content: ArticleContent,
    request: &CreateArticle,
    view_count: i64,
    now: NaiveDateTime,
) -> NewArticle {
    let (word_count, derived_excerpt) = derived_fields(&request.sections);
    NewArticle {
        content,
        view_count,
        word_count,
        derived_excerpt,
        created_at: now,
        updated_at: now,
    }
}

/// `word_count` and `derived_excerpt` of an article with `sections`.
fn derived_fields(sections: &[SectionInput]) -> (i32, String) {
    markdown::derived_text(
        sections
            .iter()
            .map(|s| (s.heading.as_str(), s.body.as_str())),
    )
}

/// Writes an imported article (matched by its slug): creates it, or replaces its content and
/// sections as a new version, and returns its id. Returns `None`, touching nothing, when it is
/// already identical in every field of the data-set format.
pub fn upsert(
    conn: &mut DbConn,
    request: &CreateArticle,
    byline: Option<&Byline>,
    view_count: i64,
    now: NaiveDateTime,
) -> ApiResult<Option<i32>> {
    let slug = request.slug.clone().unwrap_or_default();
    let existing = find(conn, &Key::Slug(slug.clone()))?;
    let mut content = requested_content(request, slug, now);
    if let (Some(current), None) = (&existing, request.published_at) {
        // A published record without a time keeps the time the article already has.
        content.published_at = current.published_at.or(content.published_at);
    }
    content.check()?;
    let Some(current) = existing else {
        let row: ArticleRow = diesel::insert_into(articles::table)
            .values(new_article(content, request, view_count, now))
            .returning(<ArticleRow as diesel::Selectable<
                crate::db::MultiBackend,
            >>::construct_selection())
            .get_result(conn)?;
        sections_model::insert_all(conn, row.id, &request.sections, now)?;
        references_model::replace_all(conn, row.id, &request.references)?;
        if let Some(byline) = byline {
            bylines::write(conn, row.id, byline)?;
        }
        article_tags::write(conn, row.id, &request.tags)?;
        seo::store(conn, row.id, &request.seo.clone().unwrap_or_default())?;
        feature_images::write(conn, row.id, request.feature_image.as_ref())?;
        feature_images::require_alt(
            conn,
            row.id,
            row.status == ArticleStatus::Published.as_str(),
        )?;
        return Ok(Some(row.id));
    };
    let fields = request.seo.clone().unwrap_or_default();
    let parts = Parts {
        sections: &request.sections,
        references: &request.references,
        byline,
        tags: &request.tags,
        seo: &fields,
        feature_image: request.feature_image.as_ref(),
    };
    let written = replace_whole(conn, &current, content, parts, view_count, now)?;
    Ok(written.then_some(current.id))
}

/// The parts of an article a whole write (an import, a restore) gives it.
struct Parts<'a> {
    sections: &'a [SectionInput],
    references: &'a [ReferenceInput],
    /// Its byline; `None` keeps the stored one.
    byline: Option<&'a Byline>,
    /// Its tags' ids.
    tags: &'a [i32],
    /// Its stored SEO fields.
    seo: &'a SeoInput,
    /// Its feature image (`None`: none).
    feature_image: Option<&'a FeatureImage>,
}

/// Makes `current` hold `content` and exactly `parts` (and `view_count`) as its next version,
/// checking the category and the slug like any write (a rename leaves a redirect); writes
/// nothing and returns false when all of it is already stored.
fn replace_whole(
    conn: &mut DbConn,
    current: &ArticleRow,
    mut content: ArticleContent,
    parts: Parts,
    view_count: i64,
    now: NaiveDateTime,
) -> ApiResult<bool> {
    let sections = parts.sections;
    let same_sections = same_sections(conn, current.id, sections)?;
    let same_references = references_model::stored_equal(conn, current.id, parts.references)?;
    let same_byline = match parts.byline {
        Some(byline) => bylines::of(conn, current.id)? == *byline,
        None => true,
    };
    let same_tags = article_tags::of(conn, current.id)? == parts.tags;
    let same_seo = seo::of(conn, current.id)? == *parts.seo;
    let same_image = feature_images::of(conn, current.id)?.as_ref() == parts.feature_image;
    let stored = ArticleContent::from(current);
    let same_parts =
        same_sections && same_references && same_byline && same_tags && same_seo && same_image;
    if stored == content && current.view_count == view_count && same_parts {
        return Ok(false);
    }
    if content.category_id != stored.category_id {
        require_category(conn, content.category_id)?;
    }
    if content.slug != stored.slug {
        content.slug = slug::resolve("article", Some(&content.slug), &content.title, |taken| {
            slug_taken(conn, taken, Some(current.id))
        })?;
        redirects::remember(conn, SlugKind::Article, &current.slug, current.id, now)?;
    }
    let (word_count, derived_excerpt) = derived_fields(sections);
    diesel::update(articles::table.find(current.id))
        .set((
            &content,
            articles::view_count.eq(view_count),
            articles::word_count.eq(word_count),
            articles::derived_excerpt.eq(derived_excerpt),
            articles::version.eq(articles::version + 1),
            articles::updated_at.eq(now),
        ))
        .execute(conn)?;
    if !same_sections {
        sections_model::delete_all(conn, current.id)?;
        sections_model::insert_all(conn, current.id, sections, now)?;
    }
    if !same_references {
        references_model::store(conn, current.id, parts.references)?;
    }
    if let Some(byline) = parts.byline.filter(|_| !same_byline) {
        bylines::store(conn, current.id, byline)?;
    }
    if !same_tags {
        article_tags::store(conn, current.id, parts.tags)?;
    }
    if !same_seo {
        seo::store(conn, current.id, parts.seo)?;
    }
    if !same_image {
        feature_images::store(conn, current.id, parts.feature_image)?;
    }
    let published = content.status() == ArticleStatus::Published;
    feature_images::require_alt(conn, current.id, published)?;
    Ok(true)
}

/// Writes `snapshot` back as the next version of `current` (its content and sections; its views
/// stay), under the rules of every write: a stored state that refuses it (a slug now taken, a
/// category since deleted, a window the clock has passed) is a 409. Returns the row, unchanged
/// when `current` already equals the snapshot.
pub fn restore(
    conn: &mut DbConn,
    current: &ArticleRow,
    snapshot: &Snapshot,
    now: NaiveDateTime,
) -> ApiResult<ArticleRow> {
    let content = ArticleContent {
        slug: snapshot.slug.clone(),
        title: snapshot.title.clone(),
        subtitle: snapshot.subtitle.clone(),
        excerpt: snapshot.excerpt.clone(),
        status: snapshot.status.as_str().to_owned(),
        published_at: snapshot.published_at.map(|t| t.naive_utc()),
        unpublish_at: snapshot.unpublish_at.map(|t| t.naive_utc()),
        category_id: snapshot.category_id,
    };
    content.check()?;
    if content.slug != current.slug && slug_taken(conn, &content.slug, Some(current.id))? {
        return Err(ApiError::conflicting(
            "slug",
            format!(
                "the slug '{}' this revision had now belongs to another article",
                content.slug
            ),
        ));
    }
    let sections: Vec<SectionInput> = snapshot
        .sections
        .iter()
        .map(|s| SectionInput {
            heading: s.heading.clone(),
            body: s.body.clone(),
        })
        .collect();
    let parts = Parts {
        sections: &sections,
        references: &snapshot.references,
        byline: Some(&snapshot.byline),
        tags: &snapshot.tags,
        seo: &snapshot.seo,
        feature_image: snapshot.feature_image.as_ref(),
    };
    replace_whole(conn, current, content, parts, current.view_count, now)?;
    find_by_id(conn, current.id)?.ok_or_else(|| ApiError::not_found("article", current.id))
}

/// True when article `id` already has exactly `sections`, in that order.
fn same_sections(conn: &mut DbConn, id: i32, sections: &[SectionInput]) -> QueryResult<bool> {
    let stored = sections_model::for_article(conn, id)?;
    Ok(stored.len() == sections.len()
        && stored
            .iter()
            .zip(sections)
            .all(|(s, r)| s.heading == r.heading.trim() && s.body == r.body))
}

/// Applies a checked partial update to `current`: the merged content must keep the rules (422),
/// and a change that leaves everything as stored writes nothing and returns `current`.
pub fn change(
    conn: &mut DbConn,
    current: &ArticleRow,
    request: &UpdateArticle,
    now: NaiveDateTime,
) -> ApiResult<ArticleRow> {
    let merged = request.merged_onto(&ArticleContent::from(current), now);
    let byline_changed = match request.byline_onto(bylines::of(conn, current.id)?) {
        Some(byline) => bylines::write(conn, current.id, &byline)?,
        None => false,
    };
    let tags_changed = match &request.tags {
        Some(Some(tags)) => article_tags::write(conn, current.id, tags)?,
        _ => false,
    };
    let seo_changed = match &request.seo {
        Some(fields) => seo::write(conn, current.id, &fields.clone().unwrap_or_default())?,
        None => false,
    };
    let image_changed = match &request.feature_image {
        Some(image) => feature_images::write(conn, current.id, image.as_ref())?,
        None => false,
    };
    let parts_changed = byline_changed || tags_changed || seo_changed || image_changed;
    write_content(conn, current, merged, parts_changed, now)
}

/// Publishes `current` (at `at`, else its own `published_at`, else now) or makes it a draft,
/// under the same rules as [`change`].
pub fn set_status(
    conn: &mut DbConn,
    current: &ArticleRow,
    status: ArticleStatus,
    at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> ApiResult<ArticleRow> {
    let mut merged = ArticleContent::from(current);
    merged.set_status(status, at, now);
    write_content(conn, current, merged, false, now)
}

/// Stores `merged` as the next version of `current` (after checking its rules, its category
/// and its slug), or nothing when it equals what is stored and `parts_changed` is false (the
/// write changed none of the article's parts either).
fn write_content(
    conn: &mut DbConn,
    current: &ArticleRow,
    mut merged: ArticleContent,
    parts_changed: bool,
    now: NaiveDateTime,
) -> ApiResult<ArticleRow> {
    merged.check()?;
    let published = merged.status() == ArticleStatus::Published;
    feature_images::require_alt(conn, current.id, published)?;
    let stored = ArticleContent::from(current);
    if merged == stored && !parts_changed {
        return Ok(current.clone());
    }
    if merged.category_id != stored.category_id {
        require_category(conn, merged.category_id)?;
    }
    if merged.slug != stored.slug {
        merged.slug = slug::resolve("article", Some(&merged.slug), &merged.title, |taken| {
            slug_taken(conn, taken, Some(current.id))
        })?;
        redirects::remember(conn, SlugKind::Article, &current.slug, current.id, now)?;
    }
    Ok(diesel::update(articles::table.find(current.id))
        .set((
            &merged,
            articles::version.eq(current.version + 1),
            articles::updated_at.eq(now),
        ))
        .returning(<ArticleRow as diesel::Selectable<
            crate::db::MultiBackend,
        >>::construct_selection())
        .get_result(conn)?)
}

/// Published articles anonymous readers can see in `category_id`, newest first, without
/// `exclude`s, at most `limit`.
pub fn visible_in_category(
    conn: &mut DbConn,
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
pub fn delete(conn: &mut DbConn, id: i32) -> QueryResult<()> {
    diesel::delete(articles::table.find(id)).execute(conn)?;
    Ok(())
}

/// Adds `count` views (negative counts add nothing) to an article's counter, which saturates
/// at `i64::MAX` and stays an integer (SQLite would turn an overflowing sum into a REAL,
/// PostgreSQL would refuse it);
/// nothing when the article has been deleted since.
pub fn add_views(conn: &mut DbConn, id: i32, count: i64) -> QueryResult<()> {
    let count = count.max(0);
    // The two-argument minimum is `min` in SQLite and `LEAST` in PostgreSQL.
    let minimum = match conn.backend() {
        Backend::Sqlite => "min",
        Backend::Postgres => "LEAST",
    };
    let statement =
        format!("UPDATE articles SET view_count = {minimum}(view_count, ?) + ? WHERE id = ?");
    diesel::sql_query(placeholders(conn, &statement))
        .bind::<diesel::sql_types::BigInt, _>(i64::MAX - count)
        .bind::<diesel::sql_types::BigInt, _>(count)
        .bind::<diesel::sql_types::Integer, _>(id)
        .execute(conn)?;
    Ok(())
}

/// Sets the view counter (demo content and imports carry their own counts).
pub fn set_view_count(conn: &mut DbConn, id: i32, count: i64) -> QueryResult<()> {
    diesel::update(articles::table.find(id))
        .set(articles::view_count.eq(count))
        .execute(conn)?;
    Ok(())
}

/// How many articles anonymous readers can see at `now`, per category id (categories with none are absent).
pub fn visible_counts_by_category(
    conn: &mut DbConn,
    now: NaiveDateTime,
) -> QueryResult<HashMap<i32, i64>> {
    #[derive(QueryableByName)]
    struct CategoryCount {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        category_id: i32,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let counts: Vec<CategoryCount> = diesel::sql_query(placeholders(
        conn,
        &format!(
            "SELECT a.category_id, COUNT(*) AS n FROM articles a WHERE {PUBLIC_SQL} GROUP BY a.category_id"
        ),
    ))
    .bind::<diesel::sql_types::Timestamp, _>(now)
    .bind::<diesel::sql_types::Timestamp, _>(now)
    .load(conn)?;
    Ok(counts.into_iter().map(|c| (c.category_id, c.n)).collect())
}

/// Up to `limit` articles with ids above `after`, in id order (for streaming exports).
pub fn batch_after(conn: &mut DbConn, after: i32, limit: i64) -> QueryResult<Vec<ArticleRow>> {
    articles::table
        .filter(articles::id.gt(after))
        .order(articles::id)
        .limit(limit)
        .select(ArticleRow::as_select())
        .load(conn)
}
