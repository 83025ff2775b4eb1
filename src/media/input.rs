//! Query parameters and request bodies of the media endpoints, and the checks that need no
//! database (422 field errors).

use crate::support::nullable;
use crate::support::query_number;
use crate::support::validate::{Checks, FieldSyntax, Syntax};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// Alternative text: one line, at most 1 000 characters (what a screen reader says instead of
/// the image).
pub const ALT: Syntax = Syntax::Line(1_000);
/// A caption: plain text, at most 2 000 characters.
pub const CAPTION: Syntax = Syntax::Text(2_000);
/// A credit (photographer, agency, licence): one line, at most 300 characters.
const CREDIT: Syntax = Syntax::Line(300);
/// The default `limit` of `GET /media`.
pub const DEFAULT_LIMIT: i64 = 100;
/// The largest `limit` of `GET /media`.
pub const MAX_LIMIT: i64 = 500;

/// The syntax of the media bodies' text fields, for the OpenAPI document.
pub const TEXT_FIELDS: &[FieldSyntax] = &[
    ("UpdateMedia", "alt", ALT),
    ("UpdateMedia", "caption", CAPTION),
    ("UpdateMedia", "credit", CREDIT),
    ("FeatureImage", "alt", ALT),
    ("FeatureImage", "caption", CAPTION),
    ("Avatar", "alt", ALT),
];

/// Query parameters of `GET /media`: keyset pages in id order.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MediaQuery {
    /// Media per page, 1–500 (default 100).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 500)]
    pub limit: Option<String>,
    /// Only media with an id above this one (the previous page's `meta.next_after`).
    #[param(value_type = Option<i32>, minimum = 0, maximum = 2147483647)]
    pub after: Option<String>,
}

impl MediaQuery {
    /// `limit` (default 100) and `after` (default 0), each a 400 naming it and its range when
    /// it is not an integer in that range.
    pub fn page(&self) -> Result<(i64, i32), crate::error::ApiError> {
        query_number::id_page(
            self.limit.as_deref(),
            self.after.as_deref(),
            DEFAULT_LIMIT,
            MAX_LIMIT,
        )
    }
}

/// Query parameters of `POST /media`: the texts of a new item (the body is the image itself).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MediaTexts {
    /// Alternative text, one line, at most 1 000 characters (default empty).
    #[param(
        max_length = 1000,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F\u2028\u2029]*$"
    )]
    #[serde(default)]
    pub alt: String,
    /// Caption, plain text, at most 2 000 characters (default empty).
    #[param(max_length = 2000, pattern = r"^[^\u0000]*$")]
    #[serde(default)]
    pub caption: String,
    /// Credit, one line, at most 300 characters (default empty).
    #[param(
        max_length = 300,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F\u2028\u2029]*$"
    )]
    #[serde(default)]
    pub credit: String,
}

impl MediaTexts {
    /// Checks the three texts.
    pub fn check(&self) -> Result<(), crate::error::ApiError> {
        let mut checks = Checks::new();
        checks.syntax("alt", &self.alt, ALT);
        checks.syntax("caption", &self.caption, CAPTION);
        checks.syntax("credit", &self.credit, CREDIT);
        checks.finish()
    }
}

/// Body of `PATCH /media/{id}`: every field optional; an absent field keeps its value, `null`
/// clears it. A PATCH that changes nothing writes nothing (same `version`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"alt": "A bowl of oats with blueberries", "credit": "Photo: A. Baker"}))]
pub struct UpdateMedia {
    /// Alternative text: one line, at most 1 000 characters; `null` clears it.
    #[serde(default, deserialize_with = "nullable::deserialize")]
    #[schema(value_type = Option<String>)]
    pub alt: Option<Option<String>>,
    /// Caption: plain text, at most 2 000 characters; `null` clears it.
    #[serde(default, deserialize_with = "nullable::deserialize")]
    #[schema(value_type = Option<String>)]
    pub caption: Option<Option<String>>,
    /// Credit: one line, at most 300 characters; `null` clears it.
    #[serde(default, deserialize_with = "nullable::deserialize")]
    #[schema(value_type = Option<String>)]
    pub credit: Option<Option<String>>,
}

impl UpdateMedia {
    /// Checks everything that needs no database.
    pub fn check(&self) -> Result<(), crate::error::ApiError> {
        let mut checks = Checks::new();
        for (field, value, syntax) in [
            ("alt", &self.alt, ALT),
            ("caption", &self.caption, CAPTION),
            ("credit", &self.credit, CREDIT),
        ] {
            if let Some(Some(text)) = value {
                checks.syntax(field, text, syntax);
            }
        }
        checks.finish()
    }
}

/// The bytes of an image file: the body of `POST /media` and of the files served at
/// `/media/{file}` (documentation only: the handlers read and write raw bytes).
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct ImageBytes(#[allow(dead_code)] Vec<u8>);
