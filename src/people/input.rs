//! Request bodies and query parameters of the people endpoints, and the checks that need no database (422 field errors).

use crate::media::avatars::{self, Avatar};
use crate::support::json_object;
use crate::support::nullable;
use crate::support::query_number;
use crate::support::validate::{Checks, FieldSyntax, Syntax};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// A person's name: one line, 1–200 characters.
pub const NAME: Syntax = Syntax::RequiredLine(200);
/// Credentials after the name ("MD", "PhD, RN"): one line, at most 100 characters.
pub const CREDENTIALS: Syntax = Syntax::Line(100);
/// A biography: Markdown, at most 20 000 characters, block quotes and lists nested at most 32
/// levels deep and HTML elements 256.
pub const BIO: Syntax = Syntax::Markdown(20_000);
/// Most links a person may have.
pub const MAX_LINKS: usize = 10;
/// The default `limit` of `GET /people`.
pub const DEFAULT_LIMIT: i64 = 50;
/// The largest `limit` of `GET /people`.
pub const MAX_LIMIT: i64 = 100;

/// The properties that are lists of URLs (each with the syntax of
/// [`crate::webhooks::target::URL_PATTERN`]), for the OpenAPI document.
pub const URL_LIST_FIELDS: &[(&str, &str)] =
    &[("CreatePerson", "links"), ("UpdatePerson", "links")];

/// The syntax of the people bodies' text fields, for the OpenAPI document.
pub const TEXT_FIELDS: &[FieldSyntax] = &[
    ("CreatePerson", "name", NAME),
    ("CreatePerson", "slug", Syntax::Slug),
    ("CreatePerson", "credentials", CREDENTIALS),
    ("CreatePerson", "bio", BIO),
    ("UpdatePerson", "name", NAME),
    ("UpdatePerson", "slug", Syntax::Slug),
    ("UpdatePerson", "credentials", CREDENTIALS),
    ("UpdatePerson", "bio", BIO),
];

/// Query parameters of `GET /people`: keyset pages in id order.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PeopleQuery {
    /// People per page, 1–100 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// Only people with an id above this one (the previous page's `meta.next_after`).
    #[param(value_type = Option<i32>, minimum = 0, maximum = 2147483647)]
    pub after: Option<String>,
}

impl PeopleQuery {
    /// `limit` (default 50) and `after` (default 0), each a 400 naming it and its range when it
    /// is not an integer in that range.
    pub fn page(&self) -> Result<(i64, i32), crate::error::ApiError> {
        query_number::id_page(
            self.limit.as_deref(),
            self.after.as_deref(),
            DEFAULT_LIMIT,
            MAX_LIMIT,
        )
    }
}

/// Body of `POST /people`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "Dr. Jane Doe", "credentials": "MD, MPH",
    "bio": "Psychiatrist and writer.", "links": ["https://example.org/jane-doe"],
    "avatar": {"media_id": 7, "alt": "Jane Doe in her consulting room"}
}))]
pub struct CreatePerson {
    /// Display name (1–200 characters, one line).
    pub name: String,
    /// URL slug; generated from `name` when absent. A taken slug is a 409.
    pub slug: Option<String>,
    /// Credentials shown after the name ("MD", "PhD, RN"); at most 100 characters.
    #[serde(default)]
    pub credentials: String,
    /// Biography, Markdown (at most 20 000 characters; block quotes and lists nested at most 32
    /// levels deep, HTML elements at most 256); served also as sanitized HTML.
    #[serde(default)]
    pub bio: String,
    /// Profile pages: at most 10 `http` or `https` URLs (the syntax webhook targets have).
    #[serde(default)]
    #[schema(max_items = 10)]
    pub links: Vec<String>,
    /// Their picture: a media item with the alt text it has here (409 when no media item has
    /// that id).
    #[serde(default, deserialize_with = "json_object::optional")]
    pub avatar: Option<Avatar>,
}

impl CreatePerson {
    /// Checks everything that needs no database.
    pub fn check(&self) -> Result<(), crate::error::ApiError> {
        let mut checks = Checks::new();
        checks.syntax("name", &self.name, NAME);
        if let Some(slug) = &self.slug {
            checks.slug("slug", slug);
        }
        checks.syntax("credentials", &self.credentials, CREDENTIALS);
        checks.syntax("bio", &self.bio, BIO);
        check_links(&mut checks, &self.links);
        if let Some(avatar) = &self.avatar {
            avatars::check(&mut checks, "avatar", avatar);
        }
        checks.finish()
    }
}

/// Body of `PATCH /people/{id_or_slug}`: every field optional.
///
/// An absent field keeps its value; `null` clears `credentials`, `bio`, `links` and `avatar`, and
/// is a 422 for `name` and `slug`. A PATCH that changes nothing writes nothing (same `version`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"credentials": "MD, PhD"}))]
pub struct UpdatePerson {
    /// 1–200 characters, one line; not nullable.
    #[serde(default, deserialize_with = "nullable::deserialize")]
    #[schema(value_type = String)]
    pub name: Option<Option<String>>,
    /// A free slug; the old one keeps redirecting. Not nullable.
    #[serde(default, deserialize_with = "nullable::deserialize")]
    #[schema(value_type = String)]
    pub slug: Option<Option<String>>,
    /// At most 100 characters; `null` clears them.
    #[serde(default, deserialize_with = "nullable::deserialize")]
    #[schema(value_type = Option<String>)]
    pub credentials: Option<Option<String>>,
    /// Markdown, at most 20 000 characters (block quotes and lists nested at most 32 levels
    /// deep, HTML elements at most 256); `null` clears it.
    #[serde(default, deserialize_with = "nullable::deserialize")]
    #[schema(value_type = Option<String>)]
    pub bio: Option<Option<String>>,
    /// The whole new list (at most 10 URLs); `null` clears it.
    #[serde(default, deserialize_with = "nullable::deserialize")]
    #[schema(value_type = Option<Vec<String>>, max_items = 10)]
    pub links: Option<Option<Vec<String>>>,
    /// A new picture (media id and alt text); `null` removes it.
    #[serde(default, deserialize_with = "json_object::nullable")]
    #[schema(value_type = Option<Avatar>)]
    pub avatar: Option<Option<Avatar>>,
}

impl UpdatePerson {
    /// Checks everything that needs no database.
    pub fn check(&self) -> Result<(), crate::error::ApiError> {
        let mut checks = Checks::new();
        if let Some(name) = checks.not_null("name", &self.name) {
            checks.syntax("name", name, NAME);
        }
        if let Some(slug) = checks.not_null("slug", &self.slug) {
            checks.slug("slug", slug);
        }
        if let Some(Some(credentials)) = &self.credentials {
            checks.syntax("credentials", credentials, CREDENTIALS);
        }
        if let Some(Some(bio)) = &self.bio {
            checks.syntax("bio", bio, BIO);
        }
        if let Some(Some(links)) = &self.links {
            check_links(&mut checks, links);
        }
        if let Some(Some(avatar)) = &self.avatar {
            avatars::check(&mut checks, "avatar", avatar);
        }
        checks.finish()
    }
}

fn check_links(checks: &mut Checks, links: &[String]) {
    if links.len() > MAX_LINKS {
        checks.fail("links", format!("at most {MAX_LINKS} links"));
    }
    for (i, link) in links.iter().enumerate() {
        if let Err(message) = crate::webhooks::target::check_url(link) {
            checks.fail(format!("links[{i}]"), message);
        }
    }
}
