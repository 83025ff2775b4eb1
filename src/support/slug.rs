//! URL slugs: generation from titles, validation of given slugs, and collision suffixes.

use crate::error::{ApiError, ApiResult};

/// Longest slug accepted or generated.
pub const MAX_SLUG_LEN: usize = 100;

/// The JSON Schema `pattern` of a slug ([`validate`]): lower-case letters and digits in words
/// joined by single hyphens, not all digits (with at most [`MAX_SLUG_LEN`] characters).
pub const SLUG_PATTERN: &str = "^([0-9]*[a-z][a-z0-9]*|[a-z0-9]+(-[a-z0-9]+)+)$";

/// A slug made from `text`: lower-case ASCII words joined by hyphens, never all digits and
/// never empty (`fallback` stands in or prefixes as needed).
pub fn generate(text: &str, fallback: &str) -> String {
    let mut slug = slug::slugify(text);
    if slug.len() > MAX_SLUG_LEN - 8 {
        let head = super::text::prefix_bytes(&slug, MAX_SLUG_LEN - 8);
        let cut = head.rfind('-').unwrap_or(head.len());
        slug.truncate(cut);
    }
    if slug.is_empty() {
        return fallback.to_owned();
    }
    if is_all_digits(&slug) {
        return format!("{fallback}-{slug}");
    }
    slug
}

/// Checks a slug given by a client; the error says what is wrong.
pub fn validate(slug: &str) -> Result<(), String> {
    if slug.is_empty() || slug.len() > MAX_SLUG_LEN {
        return Err(format!("must be 1 to {MAX_SLUG_LEN} characters"));
    }
    let well_formed = slug.split('-').all(|part| {
        !part.is_empty()
            && part
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    });
    if !well_formed {
        return Err(
            "must be lower-case letters and digits in words joined by single hyphens".to_owned(),
        );
    }
    if is_all_digits(slug) {
        return Err("must not be all digits (that would read as an id)".to_owned());
    }
    Ok(())
}

/// `base`, or `base-2`, `base-3`… : the first candidate for which `taken` is false.
pub fn first_free<E>(
    base: &str,
    mut taken: impl FnMut(&str) -> Result<bool, E>,
) -> Result<String, E> {
    if !taken(base)? {
        return Ok(base.to_owned());
    }
    let mut n = 2u32;
    loop {
        let candidate = format!("{base}-{n}");
        if !taken(&candidate)? {
            return Ok(candidate);
        }
        n += 1;
    }
}

/// The slug a write stores for a `noun` (`"article"`, `"category"`…): the `given` one, which
/// must be free (409 [`ApiError::Conflict`] when `taken`), or one generated from `text` with the
/// first free `-N` suffix ([`first_free`]), `noun` standing in when `text` has no letters.
///
/// Errors: the given slug is taken (409); `taken` fails (its error).
pub fn resolve<E>(
    noun: &str,
    given: Option<&str>,
    text: &str,
    mut taken: impl FnMut(&str) -> Result<bool, E>,
) -> ApiResult<String>
where
    ApiError: From<E>,
{
    match given {
        Some(slug) if taken(slug)? => Err(ApiError::Conflict(format!(
            "the {noun} slug '{slug}' is already taken"
        ))),
        Some(slug) => Ok(slug.to_owned()),
        None => Ok(first_free(&generate(text, noun), taken)?),
    }
}

fn is_all_digits(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generates_from_titles() {
        assert_eq!(
            generate("Do Therapists Cry?", "article"),
            "do-therapists-cry"
        );
        assert_eq!(generate("  Café & Crème  ", "article"), "cafe-creme");
        assert_eq!(generate("2025", "article"), "article-2025");
        assert_eq!(generate("???", "category"), "category");
        assert!(generate(&"word ".repeat(100), "article").len() <= MAX_SLUG_LEN);
    }

    #[test]
    fn validates_given_slugs() {
        assert!(validate("mental-health").is_ok());
        assert!(validate("covid-19").is_ok());
        assert!(validate("123").is_err());
        assert!(validate("Upper").is_err());
        assert!(validate("double--hyphen").is_err());
        assert!(validate("-edge").is_err());
        assert!(validate("").is_err());
    }

    #[test]
    fn suffixes_collisions() {
        let taken = ["a", "a-2"];
        let free = first_free::<()>("a", |s| Ok(taken.contains(&s))).unwrap();
        assert_eq!(free, "a-3");
    }
}
