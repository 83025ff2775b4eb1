//! `Key`: the `{id_or_slug}` path segment, read as an id when it is all digits and a slug otherwise.

use std::fmt;

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
    fn ids_beyond_range_are_echoed() {
        assert_eq!(Key::parse("42"), Key::Id(42));
        let huge = "99999999999999999999";
        assert_eq!(Key::parse(huge), Key::Unmatchable(huge.to_owned()));
        assert_eq!(Key::parse(huge).to_string(), huge);
        assert_eq!(Key::parse("sleep"), Key::Slug("sleep".to_owned()));
        assert_eq!(Key::parse("a\0b"), Key::Unmatchable("a\0b".to_owned()));
    }
}
