//! Request bodies of the reference endpoints, and the checks that need no database (422 field errors).

use crate::error::ApiError;
use crate::support::validate::{Checks, FieldSyntax, Syntax};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A reference's title: one line, 1–500 characters.
const TITLE: Syntax = Syntax::RequiredLine(500);
/// Who published it (a journal, an agency, a publisher): one line, 1–300 characters.
const PUBLISHER: Syntax = Syntax::RequiredLine(300);
/// The earliest and latest publication years accepted (four-digit years, ISO 8601).
pub const YEARS: std::ops::RangeInclusive<i32> = 1000..=9999;
/// The JSON Schema `pattern` of a DOI: the `10.` prefix, a registrant code of 4–9 digits, a
/// slash and a suffix of the characters Crossref recommends matching
/// (<https://www.crossref.org/blog/dois-and-matching-regular-expressions/>), in either case.
pub const DOI_PATTERN: &str = r"^10\.[0-9]{4,9}/[-._;()/:A-Za-z0-9]+$";
/// The longest DOI, in characters.
pub const MAX_DOI_LEN: usize = 200;
/// The JSON Schema `pattern` of a PubMed id (PMID): a positive integer of at most 9 digits, no
/// leading zero (NLM's PMIDs are 1–8 digits today).
pub const PUBMED_ID_PATTERN: &str = "^[1-9][0-9]{0,8}$";
/// Most references an article may have.
pub const MAX_REFERENCES: usize = 200;

/// The schemas whose `url` has the syntax of [`crate::webhooks::target::URL_PATTERN`], for the
/// OpenAPI document.
pub const URL_FIELDS: &[&str] = &["ReferenceInput"];

/// The identifiers' syntax, for the OpenAPI document: `(schema, property, pattern, maxLength)`.
pub const IDENTIFIER_FIELDS: &[(&str, &str, &str, usize)] = &[
    ("ReferenceInput", "doi", DOI_PATTERN, MAX_DOI_LEN),
    ("ReferenceInput", "pubmed_id", PUBMED_ID_PATTERN, 9),
];

/// The syntax of the references' text fields, for the OpenAPI document.
pub const TEXT_FIELDS: &[FieldSyntax] = &[
    ("ReferenceInput", "title", TITLE),
    ("ReferenceInput", "publisher", PUBLISHER),
];

/// One cited work, as written (`PUT /articles/{id_or_slug}/references`, `POST /articles`) and as
/// revisions and exports keep it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "Sleep and mental health: a systematic review",
    "url": "https://doi.org/10.1016/j.smrv.2020.101300",
    "publisher": "Sleep Medicine Reviews", "year": 2020,
    "doi": "10.1016/j.smrv.2020.101300", "pubmed_id": "32325376"
}))]
pub struct ReferenceInput {
    /// The work's title: 1–500 characters, one line.
    pub title: String,
    /// Where to read it: an `http` or `https` URL of at most 2 048 characters, without user
    /// information or fragment (the syntax webhook targets have).
    pub url: String,
    /// Who published it (journal, agency, publisher): 1–300 characters, one line.
    pub publisher: String,
    /// The year it was published (1000–9999), if known.
    #[serde(default)]
    #[schema(minimum = 1000, maximum = 9999)]
    pub year: Option<i32>,
    /// Its Digital Object Identifier without the resolver (`10.1016/j.smrv.2020.101300`), if it
    /// has one.
    #[serde(default)]
    pub doi: Option<String>,
    /// Its PubMed id (PMID, digits only), if it has one.
    #[serde(default)]
    pub pubmed_id: Option<String>,
}

impl ReferenceInput {
    /// The reference as stored: title and publisher without surrounding white space.
    pub fn normalized(&self) -> Self {
        Self {
            title: self.title.trim().to_owned(),
            publisher: self.publisher.trim().to_owned(),
            ..self.clone()
        }
    }

    /// Records what is wrong with this reference, with fields prefixed by `prefix`.
    pub fn check(&self, checks: &mut Checks, prefix: &str) {
        checks.syntax(&format!("{prefix}title"), &self.title, TITLE);
        checks.syntax(&format!("{prefix}publisher"), &self.publisher, PUBLISHER);
        if let Err(message) = crate::webhooks::target::check_url(&self.url) {
            checks.fail(format!("{prefix}url"), message);
        }
        if let Some(year) = self.year.filter(|year| !YEARS.contains(year)) {
            checks.fail(
                format!("{prefix}year"),
                format!(
                    "{year} is not a year from {} to {}",
                    YEARS.start(),
                    YEARS.end()
                ),
            );
        }
        if let Some(doi) = &self.doi {
            if doi.chars().count() > MAX_DOI_LEN || !is_doi(doi) {
                checks.fail(
                    format!("{prefix}doi"),
                    "must be a DOI such as 10.1000/xyz123 (no https://doi.org/), at most 200 characters",
                );
            }
        }
        if let Some(pmid) = &self.pubmed_id {
            if !is_pubmed_id(pmid) {
                checks.fail(
                    format!("{prefix}pubmed_id"),
                    "must be a PubMed id: 1 to 9 digits, not starting with 0",
                );
            }
        }
    }
}

/// Checks a list of references as a whole (count, then each), with fields named `{field}[i].…`.
pub fn check_all(checks: &mut Checks, field: &str, references: &[ReferenceInput]) {
    if references.len() > MAX_REFERENCES {
        checks.fail(field, format!("at most {MAX_REFERENCES} references"));
    }
    for (i, reference) in references.iter().enumerate() {
        reference.check(checks, &format!("{field}[{i}]."));
    }
}

/// Body of `PUT /articles/{id_or_slug}/references`: the whole new list, in order.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplaceReferences {
    /// Every reference, in order (at most 200; empty removes them all).
    #[schema(max_items = 200)]
    #[serde(deserialize_with = "crate::support::json_object::object_list")]
    pub references: Vec<ReferenceInput>,
}

impl ReplaceReferences {
    /// Checks everything that needs no database.
    pub fn check(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        check_all(&mut checks, "references", &self.references);
        checks.finish()
    }
}

fn is_doi(doi: &str) -> bool {
    let Some((prefix, suffix)) = doi.split_once('/') else {
        return false;
    };
    let registrant = prefix.strip_prefix("10.").unwrap_or_default();
    (4..=9).contains(&registrant.len())
        && registrant.bytes().all(|b| b.is_ascii_digit())
        && !suffix.is_empty()
        && suffix
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._;()/:".contains(&b))
}

fn is_pubmed_id(pmid: &str) -> bool {
    (1..=9).contains(&pmid.len())
        && !pmid.starts_with('0')
        && pmid.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checks_agree_with_the_documented_patterns() {
        let doi = regex::Regex::new(DOI_PATTERN).unwrap();
        let pmid = regex::Regex::new(PUBMED_ID_PATTERN).unwrap();
        for sample in [
            "10.1016/j.smrv.2020.101300",
            "10.1000/xyz123",
            "10.1234/A(b);c:d/e",
            "10.123/short",
            "11.1234/x",
            "10.1234/",
            "10.1234/with space",
            "10.1234567890/x",
            "doi:10.1234/x",
        ] {
            assert_eq!(is_doi(sample), doi.is_match(sample), "{sample}");
        }
        for sample in [
            "1",
            "32325376",
            "123456789",
            "0123",
            "1234567890",
            "12a",
            "",
        ] {
            assert_eq!(is_pubmed_id(sample), pmid.is_match(sample), "{sample}");
        }
    }
}
