//! Opaque keyset cursors: the sort keys' values of the last item of a page, base64url-encoded.

use super::sort::{sort_spec, SortField, SortKey};
use crate::error::ApiError;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

/// One sort key's value at the cursor.
#[derive(Debug, Clone, PartialEq)]
pub enum KeyValue {
    Null,
    Text(String),
    Int(i64),
    Float(f64),
    Time(NaiveDateTime),
}

/// Where the previous page ended: one value per effective sort key (the id last).
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor {
    pub values: Vec<KeyValue>,
}

#[derive(Serialize, Deserialize)]
struct Wire {
    /// The sort the cursor was made for.
    s: String,
    /// The values, one per effective sort key.
    v: Vec<serde_json::Value>,
}

const TIME_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.6f";

/// The keys a list is really ordered by: the requested ones, then `id` as the tie-breaker.
pub fn effective_keys(sort: &[SortKey]) -> Vec<SortKey> {
    let mut keys = sort.to_vec();
    if !keys.iter().any(|k| k.field == SortField::Id) {
        let descending = keys.first().is_none_or(|k| k.descending);
        keys.push(SortKey {
            field: SortField::Id,
            descending,
        });
    }
    keys
}

impl Cursor {
    /// The opaque string for this cursor under `sort`.
    pub fn encode(&self, sort: &[SortKey]) -> String {
        let wire = Wire {
            s: sort_spec(sort),
            v: self
                .values
                .iter()
                .map(|value| match value {
                    KeyValue::Null => serde_json::Value::Null,
                    KeyValue::Text(text) => text.clone().into(),
                    KeyValue::Int(n) => (*n).into(),
                    KeyValue::Float(x) => (*x).into(),
                    KeyValue::Time(at) => at.format(TIME_FORMAT).to_string().into(),
                })
                .collect(),
        };
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&wire).unwrap_or_default())
    }

    /// Reads a cursor made for `sort`; anything else (tampered, another sort) is a 400.
    pub fn decode(raw: &str, sort: &[SortKey]) -> Result<Self, ApiError> {
        let invalid = || ApiError::BadRequest("the cursor in 'after' is not valid".to_owned());
        let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| invalid())?;
        let wire: Wire = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
        if wire.s != sort_spec(sort) {
            return Err(ApiError::BadRequest(format!(
                "the cursor in 'after' was made for sort={}, not sort={}",
                wire.s,
                sort_spec(sort)
            )));
        }
        let keys = effective_keys(sort);
        if wire.v.len() != keys.len() {
            return Err(invalid());
        }
        let values = keys
            .iter()
            .zip(wire.v)
            .map(|(key, value)| typed(key.field, value).ok_or_else(invalid))
            .collect::<Result<_, _>>()?;
        Ok(Self { values })
    }
}

fn typed(field: SortField, value: serde_json::Value) -> Option<KeyValue> {
    use serde_json::Value as J;
    match (field, value) {
        (SortField::PublishedAt, J::Null) => Some(KeyValue::Null),
        (SortField::PublishedAt | SortField::UpdatedAt, J::String(s)) => {
            NaiveDateTime::parse_from_str(&s, TIME_FORMAT)
                .ok()
                // The years a stored time can have (see `Checks::time`).
                .filter(|at| (1..=9999).contains(&chrono::Datelike::year(at)))
                .map(KeyValue::Time)
        }
        (SortField::Title | SortField::Slug, J::String(s)) => Some(KeyValue::Text(s)),
        (SortField::ViewCount | SortField::Id, J::Number(n)) => n.as_i64().map(KeyValue::Int),
        (SortField::Rank, J::Number(n)) => n.as_f64().map(KeyValue::Float),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_another_sort() {
        let sort = [SortKey {
            field: SortField::PublishedAt,
            descending: true,
        }];
        let at = chrono::NaiveDate::from_ymd_opt(2025, 4, 19)
            .unwrap()
            .and_hms_micro_opt(9, 30, 0, 5)
            .unwrap();
        let cursor = Cursor {
            values: vec![KeyValue::Time(at), KeyValue::Int(42)],
        };
        let raw = cursor.encode(&sort);
        assert_eq!(Cursor::decode(&raw, &sort).unwrap(), cursor);
        let other = [SortKey {
            field: SortField::Title,
            descending: false,
        }];
        assert!(Cursor::decode(&raw, &other).is_err());
        assert!(Cursor::decode("not-base64!", &sort).is_err());
        assert!(Cursor::decode(&URL_SAFE_NO_PAD.encode(b"{}"), &sort).is_err());
    }
}
