//! Slugs of imported items: the source's slug kept when it is a valid HealthHub slug (after
//! percent-decoding), otherwise generated from it (or from the title when empty) with a
//! warning; within one file the first item keeps a slug and later ones get `-2`, `-3`, … (the
//! first free one) with a warning.

use super::Notes;
pub use crate::support::percent::percent_decode;
use crate::support::slug;
use std::collections::HashSet;

/// The slugs given so far in one file, for one kind of record.
#[derive(Debug, Default)]
pub struct Slugs {
    taken: HashSet<String>,
}

impl Slugs {
    /// A valid slug for an item whose source slug is `wanted` (already decoded) and whose title
    /// is `title`; `unique` claims it (adding a suffix when taken).
    pub fn make(&mut self, wanted: &str, title: &str, unique: bool, notes: &mut Notes) -> String {
        let base = valid(wanted, title, notes);
        if !unique {
            self.taken.insert(base.clone());
            return base;
        }
        let mut candidate = base.clone();
        let mut n = 2;
        while self.taken.contains(&candidate) {
            candidate = suffixed(&base, n);
            n += 1;
        }
        if candidate != base {
            notes.push((
                "slug",
                format!("slug '{base}' is taken by an earlier item: '{candidate}'"),
            ));
        }
        self.taken.insert(candidate.clone());
        candidate
    }
}

/// `base` with `-n` appended, cut first (at a character, never leaving a trailing `-`) so the
/// whole stays within [`slug::MAX_SLUG_LEN`].
fn suffixed(base: &str, n: usize) -> String {
    let suffix = format!("-{n}");
    let room = slug::MAX_SLUG_LEN.saturating_sub(suffix.len());
    let cut: String = base.chars().take(room).collect();
    format!("{}{suffix}", cut.trim_end_matches('-'))
}

/// `wanted` when valid; else generated from it, or from `title` when it is empty.
pub fn valid(wanted: &str, title: &str, notes: &mut Notes) -> String {
    let wanted = wanted.trim();
    if wanted.is_empty() {
        return slug::generate(title, "untitled");
    }
    if slug::validate(wanted).is_ok() {
        return wanted.to_owned();
    }
    let generated = slug::generate(wanted, "item");
    let length = wanted.chars().count();
    let reason = if length > slug::MAX_SLUG_LEN {
        format!(
            "is {length} characters, over the limit of {}",
            slug::MAX_SLUG_LEN
        )
    } else {
        "is not a valid HealthHub slug".to_owned()
    };
    notes.push(("slug", format!("slug '{wanted}' {reason}: '{generated}'")));
    generated
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_duplicates_get_numbered_suffixes_and_invalid_slugs_are_generated() {
        let mut slugs = Slugs::default();
        let mut notes = Notes::new();
        assert_eq!(slugs.make("a-post", "A", true, &mut notes), "a-post");
        assert_eq!(slugs.make("a-post", "A", true, &mut notes), "a-post-2");
        assert_eq!(slugs.make("", "Draft", true, &mut notes), "draft");
        assert_eq!(percent_decode("%c3%a9t%c3%a9"), "été");
        assert_eq!(slugs.make("été", "x", true, &mut notes), "ete");
        assert_eq!(notes.len(), 2);
        let long = "a".repeat(slug::MAX_SLUG_LEN);
        assert_eq!(slugs.make(&long, "L", true, &mut notes), long);
        let second = slugs.make(&long, "L", true, &mut notes);
        assert_eq!(second, format!("{}-2", "a".repeat(slug::MAX_SLUG_LEN - 2)));
        assert!(slug::validate(&second).is_ok());
        let too_long = "ab-".repeat(50) + "c";
        let cut = slugs.make(&too_long, "T", true, &mut notes);
        assert!(
            slug::validate(&cut).is_ok() && too_long.starts_with(&cut),
            "{cut}"
        );
        assert!(notes
            .last()
            .is_some_and(|(_, n)| n.contains("is 151 characters, over the limit of 100")));
        let dashed = format!("{}-b", "a".repeat(slug::MAX_SLUG_LEN - 3));
        assert_eq!(slugs.make(&dashed, "D", true, &mut notes), dashed);
        let next = slugs.make(&dashed, "D", true, &mut notes);
        assert!(slug::validate(&next).is_ok(), "{next}");
    }
}
