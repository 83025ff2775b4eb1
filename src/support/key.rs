//! `Key`: the `{id_or_slug}` path segment, read as an id when it is all digits and a slug otherwise.

use crate::error::{ApiError, ApiResult};
use std::fmt;

/// The JSON Schema `pattern` of a `{id_or_slug}` segment that can name something: an id (all
/// digits) or a slug ([`crate::support::slug::SLUG_PATTERN`]), which together are lowercase
/// ASCII letters and digits in runs joined by single hyphens. Any other segment names nothing
/// (`404`).
pub const KEY_PATTERN: &str = "^[a-z0-9]+(-[a-z0-9]+)*$";

/// The longest `{id_or_slug}` segment that can name something, in characters: a slug's
/// ([`crate::support::slug::MAX_SLUG_LEN`]); no id is that long.
pub const MAX_KEY_LEN: usize = crate::support::slug::MAX_SLUG_LEN;

/// How a client named a resource in the path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    /// A numeric id (may be beyond the ids' range: then nothing matches).
    Id(i64),
    /// A segment that can name nothing, echoed as sent: all digits but beyond any integer, or
    /// text holding a NUL character (which no slug holds, and PostgreSQL cannot compare with).
    Unmatchable(String),
    /// A slug.
    Slug(String),
}

impl Key {
    /// Reads a path segment: all digits is an id (slugs are never all digits), anything else a
    /// slug; digits beyond an `i64` and text holding a NUL are [`Key::Unmatchable`], kept as
    /// sent for the 404's detail.
    pub fn parse(raw: &str) -> Self {
        if raw.contains('\0') {
            Key::Unmatchable(raw.to_owned())
        } else if !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit()) {
            raw.parse()
                .map_or_else(|_| Key::Unmatchable(raw.to_owned()), Key::Id)
        } else {
            Key::Slug(raw.to_owned())
        }
    }
}

/// True when `raw` can name something as a `{id_or_slug}`: at most [`MAX_KEY_LEN`] characters
/// matching [`KEY_PATTERN`]. For query parameters that name a resource, where anything else is
/// a malformed request (`400`) rather than a name nothing has (`404`).
pub fn is_well_formed(raw: &str) -> bool {
    raw.len() <= MAX_KEY_LEN
        && raw.split('-').all(|run| {
            !run.is_empty()
                && run
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// The id a path segment of an id-only resource (sections, webhooks, media) names: digits within
/// the ids' range. Anything else names nothing: a 404 naming `what` and the segment as given.
pub fn path_id(what: &str, raw: &str) -> ApiResult<i32> {
    match Key::parse(raw) {
        Key::Id(id) => i32::try_from(id).map_err(|_| ApiError::not_found(what, raw)),
        Key::Unmatchable(_) | Key::Slug(_) => Err(ApiError::not_found(what, raw)),
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Key::Id(id) => write!(f, "{id}"),
            Key::Slug(slug) | Key::Unmatchable(slug) => f.write_str(slug),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_pattern_admits_every_id_and_slug() {
        let key = regex::Regex::new(KEY_PATTERN).unwrap();
        let slug = regex::Regex::new(crate::support::slug::SLUG_PATTERN).unwrap();
        for segment in ["42", "0", "mental-health", "2024-review", "a1", "x"] {
            assert!(key.is_match(segment), "{segment}");
            assert!(is_well_formed(segment), "{segment}");
            let id = segment.bytes().all(|b| b.is_ascii_digit());
            assert!(id || slug.is_match(segment), "{segment} is an id or a slug");
        }
        for segment in ["", "Mental", "-a", "a-", "a--b", "caf\u{e9}", "a/b"] {
            assert!(!key.is_match(segment), "{segment}");
            assert!(!is_well_formed(segment), "{segment}");
        }
    }

    #[test]
    fn well_formed_keys_are_at_most_the_longest_slug() {
        assert!(is_well_formed(&"a".repeat(MAX_KEY_LEN)));
        assert!(!is_well_formed(&"a".repeat(MAX_KEY_LEN + 1)));
    }

    #[test]
    fn ids_beyond_range_are_echoed() {
        assert_eq!(Key::parse("42"), Key::Id(42));
        let huge = "99999999999999999999";
        assert_eq!(Key::parse(huge), Key::Unmatchable(huge.to_owned()));
        assert_eq!(Key::parse(huge).to_string(), huge);
        assert_eq!(Key::parse("sleep"), Key::Slug("sleep".to_owned()));
        assert_eq!(Key::parse("a\0b"), Key::Unmatchable("a\0b".to_owned()));
    }
}
