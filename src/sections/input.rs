//! Request bodies and query parameters of the section endpoints, and the checks that need no database (422 field errors).

use crate::error::ApiError;
use crate::support::nullable;
use crate::support::validate::{Checks, FieldSyntax, Syntax};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// A section heading: one line, 1–500 characters.
pub const HEADING: Syntax = Syntax::RequiredLine(500);
/// A section body: Markdown, at most 200 000 characters, block quotes and lists nested at most
/// 32 levels deep and HTML elements 256.
pub const BODY: Syntax = Syntax::Markdown(200_000);

/// The syntax of the section bodies' text fields, for the OpenAPI document.
pub const TEXT_FIELDS: &[FieldSyntax] = &[
    ("SectionInput", "heading", HEADING),
    ("SectionInput", "body", BODY),
    ("CreateSection", "heading", HEADING),
    ("CreateSection", "body", BODY),
    ("UpdateSection", "heading", HEADING),
    ("UpdateSection", "body", BODY),
    ("ReplacementSection", "heading", HEADING),
    ("ReplacementSection", "body", BODY),
];
/// Most sections an article may have, however they are written (create, add, replace, import).
pub const MAX_SECTIONS: usize = 200;

/// A section in `POST /articles` (`sections`).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"heading": "Introduction", "body": "Most of us have felt it…"}))]
pub struct SectionInput {
    /// 1–500 characters, one line.
    pub heading: String,
    /// Markdown, at most 200 000 characters; block quotes and lists nested at most 32 levels
    /// deep, HTML elements (raw or rendered) at most 256.
    pub body: String,
}

impl SectionInput {
    /// Records what is wrong with this section, with fields prefixed by `prefix`.
    pub fn check(&self, checks: &mut Checks, prefix: &str) {
        check_content(checks, prefix, &self.heading, &self.body);
    }
}

/// The `format` query parameter of the endpoints that return sections.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FormatQuery {
    /// Which body representations to send: `markdown` (`body`), `html` (`body_html`) or `both` (default).
    #[param(inline)]
    pub format: Option<BodyFormat>,
}

impl FormatQuery {
    /// The body format asked for (`both` by default).
    pub fn body_format(&self) -> BodyFormat {
        self.format.unwrap_or_default()
    }
}

/// Body of `POST /articles/{id_or_slug}/sections`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"heading": "A Closer Look", "body": "…", "position": 2}))]
pub struct CreateSection {
    pub heading: String,
    pub body: String,
    /// Where to insert it (1..n+1); the end by default. Later sections shift down. Past n+1 is
    /// a 409 (the article has fewer sections).
    #[schema(minimum = 1, maximum = 200)]
    pub position: Option<i32>,
}

impl CreateSection {
    /// Checks everything that needs no database.
    pub fn check(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        check_content(&mut checks, "", &self.heading, &self.body);
        check_position(&mut checks, self.position);
        checks.finish()
    }
}

/// Body of `PATCH /sections/{id}`: every field optional, none nullable (`null` is a 422
/// naming the field). A PATCH that changes nothing writes nothing: the article keeps its version.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"position": 1}))]
pub struct UpdateSection {
    /// 1–500 characters, one line.
    #[serde(default, deserialize_with = "nullable::deserialize")]
    #[schema(value_type = String)]
    pub heading: Option<Option<String>>,
    /// Markdown, at most 200 000 characters; block quotes and lists nested at most 32 levels
    /// deep, HTML elements (raw or rendered) at most 256.
    #[serde(default, deserialize_with = "nullable::deserialize")]
    #[schema(value_type = String)]
    pub body: Option<Option<String>>,
    /// Move it to this place (1..n); the others shift to close the gap.
    #[serde(default, deserialize_with = "nullable::deserialize")]
    #[schema(value_type = i32, minimum = 1, maximum = 200)]
    pub position: Option<Option<i32>>,
}

impl UpdateSection {
    /// Checks everything that needs no database.
    pub fn check(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        if let Some(heading) = checks.not_null("heading", &self.heading) {
            check_heading(&mut checks, "heading", heading);
        }
        if let Some(body) = checks.not_null("body", &self.body) {
            checks.syntax("body", body, BODY);
        }
        let position = checks.not_null("position", &self.position).copied();
        check_position(&mut checks, position);
        checks.finish()
    }
}

/// One entry of `PUT /articles/{id_or_slug}/sections`: an existing section (with `id`) or a new one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplacementSection {
    /// Keep this existing section of the article (updated in place); absent for a new section.
    pub id: Option<i32>,
    pub heading: String,
    pub body: String,
}

/// Body of `PUT /articles/{id_or_slug}/sections`: the complete new ordered list.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"sections": [
    {"id": 12, "heading": "Introduction", "body": "…"},
    {"heading": "A New Section", "body": "…"}
]}))]
pub struct ReplaceSections {
    /// The sections in their new order (at most 200); existing sections not listed are deleted.
    #[schema(max_items = 200)]
    #[serde(deserialize_with = "crate::support::json_object::object_list")]
    pub sections: Vec<ReplacementSection>,
}

impl ReplaceSections {
    /// Checks everything that needs no database, including repeated ids.
    pub fn check(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        if self.sections.len() > MAX_SECTIONS {
            checks.fail(
                "sections",
                format!("an article has at most {MAX_SECTIONS} sections"),
            );
        }
        let mut seen = std::collections::HashSet::new();
        for (i, section) in self.sections.iter().enumerate() {
            let prefix = format!("sections[{i}].");
            check_content(&mut checks, &prefix, &section.heading, &section.body);
            if let Some(id) = section.id {
                if !seen.insert(id) {
                    checks.fail(
                        format!("{prefix}id"),
                        format!("section {id} is listed twice"),
                    );
                }
            }
        }
        checks.finish()
    }
}

/// A position is 1 to [`MAX_SECTIONS`] (how far it may go in an article depends on its sections:
/// a 409 past the end).
fn check_position(checks: &mut Checks, position: Option<i32>) {
    let most = i32::try_from(MAX_SECTIONS).unwrap_or(i32::MAX);
    if position.is_some_and(|p| !(1..=most).contains(&p)) {
        checks.fail("position", format!("must be between 1 and {most}"));
    }
}

/// Records what is wrong with a heading and body, naming fields `{prefix}heading` and `{prefix}body`.
fn check_content(checks: &mut Checks, prefix: &str, heading: &str, body: &str) {
    check_heading(checks, &format!("{prefix}heading"), heading);
    checks.syntax(&format!("{prefix}body"), body, BODY);
}

fn check_heading(checks: &mut Checks, field: &str, heading: &str) {
    checks.syntax(field, heading, HEADING);
}

/// Which section body representations to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum BodyFormat {
    Markdown,
    Html,
    #[default]
    Both,
}

impl BodyFormat {
    /// True when `body` (Markdown) is sent.
    pub fn markdown(self) -> bool {
        self != BodyFormat::Html
    }

    /// True when `body_html` is sent.
    pub fn html(self) -> bool {
        self != BodyFormat::Markdown
    }

    /// Its name in the `format` parameter.
    pub fn name(self) -> &'static str {
        match self {
            BodyFormat::Markdown => "markdown",
            BodyFormat::Html => "html",
            BodyFormat::Both => "both",
        }
    }

    /// Reads `markdown`, `html` or `both`.
    pub fn parse(value: &str) -> Result<Self, ApiError> {
        match value {
            "markdown" => Ok(BodyFormat::Markdown),
            "html" => Ok(BodyFormat::Html),
            "both" => Ok(BodyFormat::Both),
            other => Err(ApiError::BadRequest(format!(
                "format must be markdown, html or both, not '{other}'"
            ))),
        }
    }
}
