//! `Key`: the `{id_or_slug}` path segment, read as an id when it is all digits and a slug otherwise.

use std::fmt;

/// How a client named a resource in the path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    /// A numeric id (may be out of range: then nothing matches).
    Id(i64),
    /// A slug.
    Slug(String),
}

impl Key {
    /// Reads a path segment: all digits is an id (slugs are never all digits), anything else a slug.
    pub fn parse(raw: &str) -> Self {
        if !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit()) {
            Key::Id(raw.parse().unwrap_or(-1))
        } else {
            Key::Slug(raw.to_owned())
        }
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Key::Id(id) => write!(f, "{id}"),
            Key::Slug(slug) => f.write_str(slug),
        }
    }
}
