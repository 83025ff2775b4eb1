//! Serde helper telling an absent field (`None`) from an explicit `null` (`Some(None)`) in PATCH bodies.

use serde::{Deserialize, Deserializer};

/// Use with `#[serde(default, deserialize_with = "nullable::deserialize")]` on an `Option<Option<T>>`.
pub fn deserialize<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}
