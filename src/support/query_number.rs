//! Integer query parameters, read with the parameter's name and range in the 400 that refuses them.

use crate::error::ApiError;

/// `value` of query parameter `name` as an integer in `min..=max`, `None` when absent.
///
/// Errors: a 400 `"<name> must be an integer from <min> to <max>, not '<value>'"` for anything
/// else (not a number, a fraction, out of range).
pub fn parse(name: &str, value: Option<&str>, min: i64, max: i64) -> Result<Option<i64>, ApiError> {
    value
        .map(|v| match v.parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(n),
            _ => Err(ApiError::BadRequest(format!(
                "{name} must be an integer from {min} to {max}, not '{v}'"
            ))),
        })
        .transpose()
}
