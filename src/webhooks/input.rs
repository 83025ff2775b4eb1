//! Request bodies and query parameters of the webhook endpoints, and the checks that need no database (422 field errors).

use super::events::EventPattern;
use super::target::{self, Target};
use crate::support::nullable;
use crate::support::validate::{Checks, FieldSyntax, Syntax};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// A webhook's description: one line of at most 500 characters.
const DESCRIPTION: Syntax = Syntax::Line(500);

/// Most patterns a webhook may list (there are 13 different ones).
pub const MAX_PATTERNS: usize = 32;

/// The syntax of the webhook bodies' text fields, for the OpenAPI document (the `url` gets
/// [`target::URL_PATTERN`]).
pub const TEXT_FIELDS: &[FieldSyntax] = &[
    ("CreateWebhook", "description", DESCRIPTION),
    ("UpdateWebhook", "description", DESCRIPTION),
];

/// The bodies whose `url` property has [`target::URL_PATTERN`] and [`target::MAX_URL_LEN`].
pub const URL_FIELDS: &[&str] = &["CreateWebhook", "UpdateWebhook"];

/// Body of `POST /webhooks`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "url": "https://hooks.example.org/healthhub",
    "events": ["article.published", "article.unpublished", "article.deleted"],
    "description": "Rebuild the static site"
}))]
pub struct CreateWebhook {
    /// Where to POST: an `http` or `https` URL without user information, at most 2 048
    /// characters. A target on this machine or a private network is a 409 unless the operator
    /// allows private targets.
    pub url: String,
    /// The events to send (1–32 patterns; duplicates are dropped).
    #[schema(min_items = 1, max_items = 32)]
    pub events: Vec<EventPattern>,
    /// Whether deliveries are sent (default true). Entries logged while disabled are kept and
    /// sent once it is enabled again.
    #[serde(default = "enabled_by_default")]
    #[schema(default = true)]
    pub enabled: bool,
    /// A note for people (one line, at most 500 characters).
    pub description: Option<String>,
}

fn enabled_by_default() -> bool {
    true
}

impl CreateWebhook {
    /// Checks everything that needs no database; returns the target the URL names.
    pub fn check(&self) -> Result<Target, crate::error::ApiError> {
        let mut checks = Checks::new();
        let target = check_url(&mut checks, &self.url);
        check_events(&mut checks, &self.events);
        if let Some(description) = &self.description {
            checks.syntax("description", description, DESCRIPTION);
        }
        checks.finish()?;
        target.ok_or_else(|| crate::error::ApiError::invalid("url", "is invalid"))
    }
}

/// Body of `PATCH /webhooks/{id}`: every field optional.
///
/// An absent field keeps its value; `null` clears `description` and is a 422 for the others.
/// Enabling a disabled webhook clears its run of failures and the reason it was disabled.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"enabled": true}))]
pub struct UpdateWebhook {
    /// A new target URL (same rules as on creation); not nullable.
    #[serde(default, deserialize_with = "nullable::deserialize")]
    #[schema(value_type = String)]
    pub url: Option<Option<String>>,
    /// New patterns (1–32); not nullable.
    #[serde(default, deserialize_with = "nullable::deserialize")]
    #[schema(value_type = Vec<EventPattern>, min_items = 1, max_items = 32)]
    pub events: Option<Option<Vec<EventPattern>>>,
    /// Turn deliveries on or off; not nullable.
    #[serde(default, deserialize_with = "nullable::deserialize")]
    #[schema(value_type = bool)]
    pub enabled: Option<Option<bool>>,
    /// At most 500 characters, one line; `null` clears it.
    #[serde(default, deserialize_with = "nullable::deserialize")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
}

impl UpdateWebhook {
    /// Checks everything that needs no database; returns the target of a new URL.
    pub fn check(&self) -> Result<Option<Target>, crate::error::ApiError> {
        let mut checks = Checks::new();
        let target = checks
            .not_null("url", &self.url)
            .and_then(|url| check_url(&mut checks, url));
        if let Some(events) = checks.not_null("events", &self.events) {
            check_events(&mut checks, events);
        }
        checks.not_null("enabled", &self.enabled);
        if let Some(Some(description)) = &self.description {
            checks.syntax("description", description, DESCRIPTION);
        }
        checks.finish()?;
        Ok(target)
    }
}

/// The target `url` names, or a failure on `url`.
fn check_url(checks: &mut Checks, url: &str) -> Option<Target> {
    match target::check_url(url) {
        Ok(target) => Some(target),
        Err(message) => {
            checks.fail("url", message);
            None
        }
    }
}

fn check_events(checks: &mut Checks, events: &[EventPattern]) {
    if events.is_empty() {
        checks.fail("events", "must list at least one event pattern");
    } else if events.len() > MAX_PATTERNS {
        checks.fail(
            "events",
            format!("must list at most {MAX_PATTERNS} patterns"),
        );
    }
}

/// `patterns` without repetitions, in their first order.
pub fn distinct(patterns: Vec<EventPattern>) -> Vec<EventPattern> {
    let mut seen = std::collections::HashSet::new();
    patterns
        .into_iter()
        .filter(|pattern| seen.insert(pattern.clone()))
        .collect()
}

/// Most deliveries one page may ask for.
pub const MAX_DELIVERIES_LIMIT: i64 = 100;

/// Query of `GET /webhooks/{id}/deliveries`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeliveriesQuery {
    /// Only deliveries with an id below this one: pass the previous page's `meta.next_before`.
    #[param(minimum = 1)]
    pub before: Option<i64>,
    /// Most deliveries on the page (1–100, default 20).
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<i64>,
}

impl DeliveriesQuery {
    /// The page's `(before, limit)`; 400 outside the documented ranges.
    pub fn page(&self) -> Result<(Option<i64>, i64), crate::error::ApiError> {
        let limit = self.limit.unwrap_or(20);
        if !(1..=MAX_DELIVERIES_LIMIT).contains(&limit) {
            return Err(crate::error::ApiError::BadRequest(format!(
                "limit must be between 1 and {MAX_DELIVERIES_LIMIT}"
            )));
        }
        if self.before.is_some_and(|before| before < 1) {
            return Err(crate::error::ApiError::BadRequest(
                "before must be a delivery id of 1 or more".to_owned(),
            ));
        }
        Ok((self.before, limit))
    }
}
