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

/// The `limit` (1–`max_limit`, default `default_limit`) and `after` (an id, default 0) of a
/// keyset page in id order, each a 400 from [`parse`] when it is not an integer in its range.
pub fn id_page(
    limit: Option<&str>,
    after: Option<&str>,
    default_limit: i64,
    max_limit: i64,
) -> Result<(i64, i32), ApiError> {
    let limit = parse("limit", limit, 1, max_limit)?;
    let after = parse("after", after, 0, i32::MAX.into())?;
    let after = after
        .and_then(|after| i32::try_from(after).ok())
        .unwrap_or(0);
    Ok((limit.unwrap_or(default_limit), after))
}
