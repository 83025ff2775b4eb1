//! Field checks shared by the request bodies: text lengths, single lines, collected as `FieldError`s.

use crate::error::{ApiError, FieldError};

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

    /// `value` must be non-blank and at most `max` characters.
    pub fn required_text(&mut self, field: &str, value: &str, max: usize) {
        if value.trim().is_empty() {
            self.fail(field, "must not be empty");
        } else {
            self.text(field, value, max);
        }
    }

    /// `value` must be at most `max` characters (Unicode scalar values).
    pub fn text(&mut self, field: &str, value: &str, max: usize) {
        let len = value.chars().count();
        if len > max {
            self.fail(
                field,
                format!("must be at most {max} characters (got {len})"),
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

    /// `Ok` when nothing failed, else the 422 listing every failure.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.0))
        }
    }
}
