//! Event patterns: which log entries a webhook receives (`article.published`, `article.*`, `*`).

use crate::changes::event::{Event, ResourceType};
use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

/// A pattern naming the events a webhook receives: an event's name (`article.published`), every
/// event of a resource (`article.*`, `category.*`, `person.*`, `tag.*`, `media.*`, `token.*`) or every event (`*`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EventPattern(String);

/// The resources a `<resource>.*` pattern can name.
const RESOURCES: [ResourceType; 6] = [
    ResourceType::Article,
    ResourceType::Category,
    ResourceType::Person,
    ResourceType::Tag,
    ResourceType::Media,
    ResourceType::Token,
];

impl EventPattern {
    /// Every pattern there is: `*`, each `<resource>.*`, then each event's name.
    pub fn all() -> Vec<String> {
        std::iter::once("*".to_owned())
            .chain(RESOURCES.iter().map(|r| format!("{}.*", r.as_str())))
            .chain(Event::ALL.iter().map(|e| e.as_str().to_owned()))
            .collect()
    }

    /// True when `event` is one of the events this pattern names.
    pub fn matches(&self, event: Event) -> bool {
        match self.0.strip_suffix(".*") {
            _ if self.0 == "*" => true,
            Some(resource) => event.resource().as_str() == resource,
            None => event.as_str() == self.0,
        }
    }
}

impl TryFrom<String> for EventPattern {
    type Error = String;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        if Self::all().contains(&value) {
            Ok(Self(value))
        } else {
            Err(format!(
                "unknown event pattern '{value}': expected one of {}",
                Self::all().join(", ")
            ))
        }
    }
}

impl From<EventPattern> for String {
    fn from(pattern: EventPattern) -> Self {
        pattern.0
    }
}

impl PartialSchema for EventPattern {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(SchemaType::Type(Type::String))
            .enum_values(Some(Self::all()))
            .description(Some(
                "An event's name, `<resource>.*` for every event of a resource, or `*` for all",
            ))
            .into()
    }
}

impl ToSchema for EventPattern {}

/// True when any of `patterns` names `event`.
pub fn any_matches(patterns: &[EventPattern], event: Event) -> bool {
    patterns.iter().any(|pattern| pattern.matches(event))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(text: &str) -> EventPattern {
        EventPattern::try_from(text.to_owned()).unwrap()
    }

    #[test]
    fn patterns_match_names_resources_and_everything() {
        assert!(pattern("*").matches(Event::TokenRevoked));
        assert!(pattern("article.*").matches(Event::ArticleDeleted));
        assert!(!pattern("article.*").matches(Event::CategoryCreated));
        assert!(pattern("category.updated").matches(Event::CategoryUpdated));
        assert!(!pattern("category.updated").matches(Event::CategoryCreated));
        assert!(pattern("person.*").matches(Event::PersonDeleted));
        assert!(!pattern("person.*").matches(Event::CategoryDeleted));
        assert!(pattern("tag.*").matches(Event::TagUpdated));
        assert!(!pattern("tag.*").matches(Event::PersonUpdated));
        assert!(pattern("media.*").matches(Event::MediaDeleted));
        assert!(!pattern("media.*").matches(Event::TagDeleted));
        assert!(EventPattern::try_from("article.nope".to_owned()).is_err());
        assert!(EventPattern::try_from("articles.*".to_owned()).is_err());
        // `*`, six `<resource>.*` and eighteen events.
        assert_eq!(EventPattern::all().len(), 25);
    }
}
