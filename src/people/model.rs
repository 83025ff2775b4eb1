//! The `people` table: authors and medical reviewers, found by id, slug or old slug, written as
//! whole content values with their avatar (a write that changes nothing is a no-op).

use super::input::{CreatePerson, UpdatePerson};
use crate::db::redirects::{self, SlugKind};
use crate::db::schema::people;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::media::avatars::{self, Avatar};
use crate::support::key::Key;
use crate::support::markdown;
use crate::support::slug;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A row of `people`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = people, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct PersonRow {
    pub id: i32,
    pub slug: String,
    pub name: String,
    pub credentials: String,
    pub bio: String,
    pub bio_html: String,
    /// A JSON array of URLs.
    pub links: String,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl PersonRow {
    /// The stored links (none if the column is not a JSON array of strings, which no write of
    /// this server leaves).
    pub fn links(&self) -> Vec<String> {
        serde_json::from_str(&self.links).unwrap_or_default()
    }
}

/// The writable columns of a person, all of them: a write stores the whole merged value.
#[derive(Debug, Clone, PartialEq, Eq, AsChangeset, Insertable)]
#[diesel(table_name = people)]
pub struct PersonContent {
    pub slug: String,
    pub name: String,
    pub credentials: String,
    pub bio: String,
    /// `bio` rendered, derived on every write.
    pub bio_html: String,
    /// `links` as a JSON array.
    pub links: String,
}

impl PersonContent {
    /// The content of `name`, `credentials`, `bio` and `links` (trimmed; the HTML derived) under
    /// `slug`.
    fn new(slug: String, name: &str, credentials: &str, bio: &str, links: &[String]) -> Self {
        Self {
            slug,
            name: name.trim().to_owned(),
            credentials: credentials.trim().to_owned(),
            bio_html: markdown::to_html(bio),
            bio: bio.to_owned(),
            links: serde_json::Value::from(links.to_vec()).to_string(),
        }
    }
}

impl From<&PersonRow> for PersonContent {
    fn from(row: &PersonRow) -> Self {
        Self {
            slug: row.slug.clone(),
            name: row.name.clone(),
            credentials: row.credentials.clone(),
            bio: row.bio.clone(),
            bio_html: row.bio_html.clone(),
            links: row.links.clone(),
        }
    }
}

impl UpdatePerson {
    /// `stored` with these changes applied (a checked request: required fields are not null).
    pub fn merged_onto(&self, stored: &PersonRow) -> PersonContent {
        let pick = |change: &Option<Option<String>>, kept: &str| match change {
            Some(value) => value.clone().unwrap_or_default(),
            None => kept.to_owned(),
        };
        let name = match &self.name {
            Some(Some(name)) => name.clone(),
            _ => stored.name.clone(),
        };
        let slug = match &self.slug {
            Some(Some(slug)) => slug.clone(),
            _ => stored.slug.clone(),
        };
        let links = match &self.links {
            Some(links) => links.clone().unwrap_or_default(),
            None => stored.links(),
        };
        PersonContent::new(
            slug,
            &name,
            &pick(&self.credentials, &stored.credentials),
            &pick(&self.bio, &stored.bio),
            &links,
        )
    }
}

/// The person named by `key` (id or current slug), if any.
pub fn find(conn: &mut DbConn, key: &Key) -> QueryResult<Option<PersonRow>> {
    let query = people::table.select(PersonRow::as_select());
    match key {
        Key::Id(id) => match i32::try_from(*id) {
            Ok(id) => query.find(id).get_result(conn).optional(),
            Err(_) => Ok(None),
        },
        Key::Unmatchable(_) => Ok(None),
        Key::Slug(slug) => query
            .filter(people::slug.eq(slug))
            .get_result(conn)
            .optional(),
    }
}

/// The person `key` names (id, slug or old slug), else a 404 that echoes only `key`.
pub fn get(conn: &mut DbConn, key: &Key) -> ApiResult<PersonRow> {
    redirects::follow(conn, SlugKind::Person, key, find)?
        .ok_or_else(|| ApiError::not_found("person", key))
}

/// Up to `limit` people with ids above `after`, in id order.
pub fn page(conn: &mut DbConn, after: i32, limit: i64) -> QueryResult<Vec<PersonRow>> {
    people::table
        .filter(people::id.gt(after))
        .order(people::id)
        .limit(limit)
        .select(PersonRow::as_select())
        .load(conn)
}

/// Creates a person from a checked request; a given slug must be free and a given avatar's
/// media item must exist (409 each).
pub fn create(
    conn: &mut DbConn,
    request: &CreatePerson,
    now: NaiveDateTime,
) -> ApiResult<PersonRow> {
    let slug = slug::resolve("person", request.slug.as_deref(), &request.name, |taken| {
        slug_taken(conn, taken, None)
    })?;
    let content = PersonContent::new(
        slug,
        &request.name,
        &request.credentials,
        &request.bio,
        &request.links,
    );
    let row: PersonRow = diesel::insert_into(people::table)
        .values((
            &content,
            people::created_at.eq(now),
            people::updated_at.eq(now),
        ))
        .returning(
            <PersonRow as diesel::Selectable<crate::db::MultiBackend>>::construct_selection(),
        )
        .get_result(conn)?;
    redirects::forget(conn, SlugKind::Person, &row.slug)?;
    if let Some(avatar) = &request.avatar {
        avatars::write(conn, row.id, Some(avatar))?;
    }
    Ok(row)
}

/// Stores `merged`, and `avatar` unless it is `None` (`Some(None)` removes the avatar), as the
/// next version of `current` (a new slug resolved and the old one remembered), or nothing when
/// both equal what is stored. An avatar naming no media item is a 409 on `avatar.media_id`.
pub fn write_content(
    conn: &mut DbConn,
    current: &PersonRow,
    mut merged: PersonContent,
    avatar: Option<Option<&Avatar>>,
    now: NaiveDateTime,
) -> ApiResult<PersonRow> {
    let avatar_changed = match avatar {
        Some(avatar) => avatars::write(conn, current.id, avatar)?,
        None => false,
    };
    if merged == PersonContent::from(current) && !avatar_changed {
        return Ok(current.clone());
    }
    if merged.slug != current.slug {
        merged.slug = slug::resolve("person", Some(&merged.slug), &merged.name, |taken| {
            slug_taken(conn, taken, Some(current.id))
        })?;
        redirects::forget(conn, SlugKind::Person, &merged.slug)?;
        redirects::remember(conn, SlugKind::Person, &current.slug, current.id, now)?;
    }
    Ok(diesel::update(people::table.find(current.id))
        .set((
            &merged,
            people::version.eq(current.version + 1),
            people::updated_at.eq(now),
        ))
        .returning(
            <PersonRow as diesel::Selectable<crate::db::MultiBackend>>::construct_selection(),
        )
        .get_result(conn)?)
}

/// Creates the person `request` names by its slug, or makes the stored one hold exactly its
/// content, avatar included (an import): returns the row before (`None` when new) and after.
pub fn upsert(
    conn: &mut DbConn,
    request: &CreatePerson,
    now: NaiveDateTime,
) -> ApiResult<(Option<PersonRow>, PersonRow)> {
    let slug = request.slug.clone().unwrap_or_default();
    let Some(current) = find(conn, &Key::Slug(slug.clone()))? else {
        return Ok((None, create(conn, request, now)?));
    };
    let content = PersonContent::new(
        slug,
        &request.name,
        &request.credentials,
        &request.bio,
        &request.links,
    );
    let row = write_content(conn, &current, content, Some(request.avatar.as_ref()), now)?;
    Ok((Some(current), row))
}

/// Deletes person `id`; 409 while an article names them as an author or its reviewer.
pub fn delete(conn: &mut DbConn, id: i32) -> ApiResult<()> {
    let (authored, reviewed) = super::bylines::uses_of(conn, id)?;
    if authored > 0 || reviewed > 0 {
        return Err(ApiError::Conflict(format!(
            "the person is an author of {authored} articles and the reviewer of {reviewed}; \
             change their bylines first"
        )));
    }
    diesel::delete(people::table.find(id)).execute(conn)?;
    Ok(())
}

fn slug_taken(conn: &mut DbConn, slug: &str, except: Option<i32>) -> QueryResult<bool> {
    let query = people::table
        .filter(people::slug.eq(slug))
        .filter(people::id.ne(except.unwrap_or(0)));
    diesel::select(diesel::dsl::exists(query)).get_result(conn)
}
