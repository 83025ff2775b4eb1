//! Field checks shared by the request bodies: text lengths, single lines, collected as `FieldError`s.

use crate::error::{ApiError, FieldError};

/// The JSON Schema `pattern` of a one-line text field ([`Checks::line`]): no control character
/// (Unicode category Cc) and no line or paragraph separator.
pub const LINE_PATTERN: &str = r"^[^\u0000-\u001F\u007F-\u009F\u2028\u2029]*$";

/// The JSON Schema `pattern` of a required one-line text field ([`Checks::required_line`]): a
/// [`LINE_PATTERN`] with at least one character that is not white space (Unicode White_Space,
/// what `str::trim` removes).
pub const REQUIRED_LINE_PATTERN: &str = r"^[^\u0000-\u001F\u007F-\u009F\u2028\u2029]*[^\u0000-\u001F\u007F-\u009F\u2028\u2029 \u00A0\u1680\u2000-\u200A\u202F\u205F\u3000][^\u0000-\u001F\u007F-\u009F\u2028\u2029]*$";

/// The JSON Schema `pattern` of a multi-line text field ([`Checks::text`]): no NUL character
/// (U+0000), which PostgreSQL cannot store in text and no reader means.
pub const TEXT_PATTERN: &str = r"^[^\u0000]*$";

/// The syntax of a text field: one value both the checks ([`Checks::syntax`]) and the OpenAPI
/// document (`pattern`, `minLength`, `maxLength`) are made from, so they cannot disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// One line of at most this many characters (may be empty).
    Line(usize),
    /// One line of at most this many characters, not blank.
    RequiredLine(usize),
    /// Any text of at most this many characters.
    Text(usize),
    /// A Markdown body (rendered to HTML when read): a [`Syntax::Text`] of at most this many
    /// characters that nests within [`crate::support::markdown::Nesting::excess`]'s limits.
    Markdown(usize),
    /// A slug ([`crate::support::slug::validate`]).
    Slug,
}

impl Syntax {
    /// The JSON Schema `pattern` (ECMA-262 and Python agree on it), if any.
    pub fn pattern(self) -> Option<&'static str> {
        match self {
            Syntax::Line(_) => Some(LINE_PATTERN),
            Syntax::RequiredLine(_) => Some(REQUIRED_LINE_PATTERN),
            Syntax::Text(_) | Syntax::Markdown(_) => Some(TEXT_PATTERN),
            Syntax::Slug => Some(crate::support::slug::SLUG_PATTERN),
        }
    }

    /// The JSON Schema `minLength`, if any.
    pub fn min_length(self) -> Option<usize> {
        match self {
            Syntax::RequiredLine(_) | Syntax::Slug => Some(1),
            Syntax::Line(_) | Syntax::Text(_) | Syntax::Markdown(_) => None,
        }
    }

    /// The JSON Schema `maxLength` (characters: Unicode scalar values, as JSON Schema counts).
    pub fn max_length(self) -> usize {
        match self {
            Syntax::Line(max)
            | Syntax::RequiredLine(max)
            | Syntax::Text(max)
            | Syntax::Markdown(max) => max,
            Syntax::Slug => crate::support::slug::MAX_SLUG_LEN,
        }
    }
}

/// A text property of a request body and its syntax: `(schema, property, syntax)`, what the
/// OpenAPI document is given.
pub type FieldSyntax = (&'static str, &'static str, Syntax);

/// Collects field errors; `finish()` turns a non-empty list into a 422.
#[derive(Debug, Default)]
pub struct Checks(Vec<FieldError>);

impl Checks {
    /// No errors yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records an error on `field`.
    pub fn fail(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    /// `ids` (of `what`: "person", "tag") must be at most `max` and each listed once; errors on
    /// `field` and `field[i]`.
    pub fn id_list(&mut self, field: &str, ids: &[i32], max: usize, what: &str) {
        if ids.len() > max {
            self.fail(field, format!("at most {max} {field}"));
        }
        for (i, id) in ids.iter().enumerate() {
            if ids[..i].contains(id) {
                self.fail(
                    format!("{field}[{i}]"),
                    format!("{what} {id} is listed twice"),
                );
            }
        }
    }

    /// `value` must be non-blank and at most `max` characters.
    pub fn required_text(&mut self, field: &str, value: &str, max: usize) {
        if value.trim().is_empty() {
            self.fail(field, "must not be empty");
        } else {
            self.text(field, value, max);
        }
    }

    /// `value` must be at most `max` characters (Unicode scalar values) and hold no NUL
    /// character ([`TEXT_PATTERN`]).
    pub fn text(&mut self, field: &str, value: &str, max: usize) {
        let len = value.chars().count();
        if value.contains('\0') {
            self.fail(field, "must not contain the NUL character (U+0000)");
        } else if len > max {
            self.fail(
                field,
                format!("must be at most {max} characters (got {len})"),
            );
        }
    }

    /// `value` must be a [`Self::text`] that nests block quotes and lists at most
    /// [`crate::support::markdown::MAX_BODY_DEPTH`] levels deep, and HTML elements at most
    /// [`crate::support::markdown::MAX_ELEMENT_DEPTH`].
    pub fn markdown(&mut self, field: &str, value: &str, max: usize) {
        let errors = self.0.len();
        self.text(field, value, max);
        if self.0.len() > errors {
            return;
        }
        if let Some((what, depth, limit)) = crate::support::markdown::nesting(value).excess() {
            self.fail(
                field,
                format!("must not nest {what} more than {limit} levels deep (got {depth})"),
            );
        }
    }

    /// `value` must be at most `max` characters and hold no line break or control character.
    pub fn line(&mut self, field: &str, value: &str, max: usize) {
        let breaks_or_controls = value
            .chars()
            .any(|c| c.is_control() || c == '\u{2028}' || c == '\u{2029}');
        if breaks_or_controls {
            self.fail(field, "must be a single line without control characters");
        } else {
            self.text(field, value, max);
        }
    }

    /// `value` must be a non-blank single line of at most `max` characters.
    pub fn required_line(&mut self, field: &str, value: &str, max: usize) {
        if value.trim().is_empty() {
            self.fail(field, "must not be empty");
        } else {
            self.line(field, value, max);
        }
    }

    /// `value` must be a well-formed slug.
    pub fn slug(&mut self, field: &str, value: &str) {
        if let Err(message) = crate::support::slug::validate(value) {
            self.fail(field, message);
        }
    }

    /// The value of a required field of a partial update: `None` when absent, and a failure
    /// naming `field` when it is an explicit `null` (which only clears optional fields).
    pub fn not_null<'a, T>(&mut self, field: &str, value: &'a Option<Option<T>>) -> Option<&'a T> {
        match value {
            Some(None) => {
                self.fail(field, "must not be null: omit it to keep the stored value");
                None
            }
            Some(Some(value)) => Some(value),
            None => None,
        }
    }

    /// `value`, when given, must be a time with a four-digit year (0001–9999): RFC 3339 has no
    /// other, and the stored text of one sorts and compares right only within it.
    pub fn time(&mut self, field: &str, value: Option<chrono::DateTime<chrono::Utc>>) {
        use chrono::Datelike;
        if value.is_some_and(|at| !(1..=9999).contains(&at.year())) {
            self.fail(
                field,
                "must be an RFC 3339 time with a year from 0001 to 9999",
            );
        }
    }

    /// `value` must have `syntax`.
    pub fn syntax(&mut self, field: &str, value: &str, syntax: Syntax) {
        match syntax {
            Syntax::Line(max) => self.line(field, value, max),
            Syntax::RequiredLine(max) => self.required_line(field, value, max),
            Syntax::Text(max) => self.text(field, value, max),
            Syntax::Markdown(max) => self.markdown(field, value, max),
            Syntax::Slug => self.slug(field, value),
        }
    }

    /// `Ok` when nothing failed, else the 422 listing every failure.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Checks, Syntax};

    /// Strings at the edges of the rules: blanks of every kind, controls, separators, emoji.
    const SAMPLES: &[&str] = &[
        "",
        "nul\u{0}inside",
        "\u{0}",
        " ",
        "a",
        " a ",
        "\t",
        "a\tb",
        "a\u{0}",
        "\u{7f}",
        "x\u{85}",
        "\u{a0}",
        "\u{a0}x",
        "\u{2028}",
        "x\u{2029}",
        "\u{3000}",
        "\u{3000}y",
        "\u{feff}",
        "\u{1680}",
        "\u{200b}",
        "🇬🇧",
        "e\u{301}",
        "line\nbreak",
        "a-b",
        "1",
        "12",
        "a-1",
        "1-2",
        "-a",
        "a-",
        "a--b",
        "A",
        "ab_c",
        "über",
    ];

    #[test]
    fn every_pattern_in_the_document_agrees_with_the_checks() {
        for syntax in [
            Syntax::Line(300),
            Syntax::RequiredLine(300),
            Syntax::Text(300),
            Syntax::Markdown(300),
            Syntax::Slug,
        ] {
            let pattern = syntax.pattern().map(|p| regex::Regex::new(p).unwrap());
            for sample in SAMPLES {
                let mut checks = Checks::new();
                checks.syntax("field", sample, syntax);
                let accepted = checks.finish().is_ok();
                let length = sample.chars().count();
                let documented = pattern.as_ref().is_none_or(|p| p.is_match(sample))
                    && syntax.min_length().is_none_or(|min| length >= min)
                    && length <= syntax.max_length();
                assert_eq!(accepted, documented, "{syntax:?} on {sample:?}");
            }
        }
    }
}
