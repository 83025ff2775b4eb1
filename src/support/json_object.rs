//! Nested request objects read only from JSON objects. serde's derived `Deserialize` also reads a
//! struct from a JSON array, its items taken as the fields in declaration order (so
//! `"seo": ["a", "b"]` would set two fields, and `"seo": []` clear them all); the document calls
//! these values objects, so an array is refused with a 422 naming the field. The top level of a
//! body is checked where it is read (`http::extract`).
//!
//! Use with `#[serde(deserialize_with = "…")]`: [`object_list`] on a `Vec<T>`, [`optional`] on an
//! `Option<T>`, [`nullable`] on the `Option<Option<T>>` of a PATCH field (absent / `null` /
//! value, like `support::nullable`).

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::fmt;

/// A `T` read from a JSON object only.
struct Object<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(ObjectsOnly(deserializer)).map(Object)
    }
}

/// A `Vec<T>` whose items must each be a JSON object.
pub fn object_list<'de, T, D>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    let items = Vec::<Object<T>>::deserialize(deserializer)?;
    Ok(items.into_iter().map(|Object(item)| item).collect())
}

/// An `Option<T>` that, when given, must be a JSON object (`null` is `None`).
pub fn optional<'de, T, D>(deserializer: D) -> Result<Option<T>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Ok(Option::<Object<T>>::deserialize(deserializer)?.map(|Object(value)| value))
}

/// A PATCH field's `Option<Option<T>>`: `Some(None)` for `null`, `Some(Some(_))` for a JSON
/// object; absent (with `#[serde(default)]`) stays `None`.
pub fn nullable<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    optional(deserializer).map(Some)
}

/// The deserializer of a struct that lets it read a map and nothing else.
struct ObjectsOnly<D>(D);

impl<'de, D: Deserializer<'de>> Deserializer<'de> for ObjectsOnly<D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(MapsOnly(visitor))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_struct(name, fields, MapsOnly(visitor))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// A struct's visitor that takes a map and refuses a sequence (serde's default for any
/// `visit_*` a visitor does not implement: "invalid type: sequence, expected struct …").
struct MapsOnly<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for MapsOnly<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.0.expecting(f)?;
        f.write_str(" (a JSON object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.0.visit_map(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Pair {
        a: String,
        #[serde(default)]
        b: Option<i32>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Body {
        #[serde(default, deserialize_with = "object_list")]
        items: Vec<Pair>,
        #[serde(default, deserialize_with = "optional")]
        one: Option<Pair>,
        #[serde(default, deserialize_with = "nullable")]
        patch: Option<Option<Pair>>,
    }

    fn parse(json: &str) -> Result<Body, String> {
        let mut deserializer = serde_json::Deserializer::from_str(json);
        serde_path_to_error::deserialize(&mut deserializer)
            .map_err(|e| format!("{}: {}", e.path(), e.inner()))
    }

    #[test]
    fn objects_are_read_and_arrays_refused_at_their_path() {
        let body =
            parse(r#"{"items": [{"a": "x"}], "one": {"a": "y", "b": 2}, "patch": null}"#).unwrap();
        assert_eq!(
            body.items,
            [Pair {
                a: "x".into(),
                b: None
            }]
        );
        assert_eq!(
            body.one,
            Some(Pair {
                a: "y".into(),
                b: Some(2)
            })
        );
        assert_eq!(body.patch, Some(None));
        assert_eq!(parse("{}").unwrap().patch, None);
        for (json, path) in [
            (r#"{"items": [["x", 1]]}"#, "items[0]"),
            (r#"{"one": ["y"]}"#, "one"),
            (r#"{"patch": []}"#, "patch"),
        ] {
            let error = parse(json).unwrap_err();
            assert!(
                error.starts_with(&format!("{path}: invalid type: sequence")),
                "{error}"
            );
        }
        // Paths inside an object are kept.
        let error = parse(r#"{"one": {"a": 1}}"#).unwrap_err();
        assert!(error.starts_with("one.a: invalid type"), "{error}");
        let error = parse(r#"{"items": [{"a": "x", "c": 1}]}"#).unwrap_err();
        assert!(
            error.starts_with("items[0].c: unknown field")
                || error.starts_with("items[0]: unknown field"),
            "{error}"
        );
    }
}
