//! The kinds of entries in the changes log ([`Event`]) and the kinds of resources they are about ([`ResourceType`]).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What kind of resource a log entry is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ResourceType {
    /// An article (its row, its sections).
    Article,
    /// A category.
    Category,
    /// A person (an author or a medical reviewer).
    Person,
    /// A tag.
    Tag,
    /// A media item (an uploaded image).
    Media,
    /// An API token (only its revocation is logged).
    Token,
}

impl ResourceType {
    /// The value stored in `changes.resource_type`.
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceType::Article => "article",
            ResourceType::Category => "category",
            ResourceType::Person => "person",
            ResourceType::Tag => "tag",
            ResourceType::Media => "media",
            ResourceType::Token => "token",
        }
    }
}

/// What happened, named `<resource>.<verb>`.
///
/// For articles the verb follows what anonymous readers see: `article.published` whenever an
/// article becomes visible to them (created published, published, or its scheduled time
/// passing), `article.unpublished` or `article.deleted` whenever it stops being visible;
/// `article.created` and `article.updated` otherwise (drafts, scheduled articles, and edits
/// that leave visibility as it was).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub enum Event {
    /// A new article that anonymous readers cannot see (yet).
    #[serde(rename = "article.created")]
    ArticleCreated,
    /// An article's content or sections changed; who can see it did not.
    #[serde(rename = "article.updated")]
    ArticleUpdated,
    /// An article became visible to anonymous readers.
    #[serde(rename = "article.published")]
    ArticlePublished,
    /// An article stopped being visible to anonymous readers.
    #[serde(rename = "article.unpublished")]
    ArticleUnpublished,
    /// An article was deleted.
    #[serde(rename = "article.deleted")]
    ArticleDeleted,
    /// A new category.
    #[serde(rename = "category.created")]
    CategoryCreated,
    /// A category's name, slug, description, parent or position changed.
    #[serde(rename = "category.updated")]
    CategoryUpdated,
    /// A category was deleted.
    #[serde(rename = "category.deleted")]
    CategoryDeleted,
    /// A new person.
    #[serde(rename = "person.created")]
    PersonCreated,
    /// A person's name, slug, credentials, bio or links changed.
    #[serde(rename = "person.updated")]
    PersonUpdated,
    /// A person was deleted.
    #[serde(rename = "person.deleted")]
    PersonDeleted,
    /// A new tag.
    #[serde(rename = "tag.created")]
    TagCreated,
    /// A tag's name, slug or description changed.
    #[serde(rename = "tag.updated")]
    TagUpdated,
    /// A tag was deleted.
    #[serde(rename = "tag.deleted")]
    TagDeleted,
    /// A new media item (an upload of bytes not stored before).
    #[serde(rename = "media.created")]
    MediaCreated,
    /// A media item's alt text, caption or credit changed.
    #[serde(rename = "media.updated")]
    MediaUpdated,
    /// A media item was deleted.
    #[serde(rename = "media.deleted")]
    MediaDeleted,
    /// An API token (or a preview link) was revoked.
    #[serde(rename = "token.revoked")]
    TokenRevoked,
}

impl Event {
    /// Every event.
    pub const ALL: [Event; 18] = [
        Event::ArticleCreated,
        Event::ArticleUpdated,
        Event::ArticlePublished,
        Event::ArticleUnpublished,
        Event::ArticleDeleted,
        Event::CategoryCreated,
        Event::CategoryUpdated,
        Event::CategoryDeleted,
        Event::PersonCreated,
        Event::PersonUpdated,
        Event::PersonDeleted,
        Event::TagCreated,
        Event::TagUpdated,
        Event::TagDeleted,
        Event::MediaCreated,
        Event::MediaUpdated,
        Event::MediaDeleted,
        Event::TokenRevoked,
    ];

    /// The event's name, as stored and sent (`article.published`).
    pub fn as_str(self) -> &'static str {
        match self {
            Event::ArticleCreated => "article.created",
            Event::ArticleUpdated => "article.updated",
            Event::ArticlePublished => "article.published",
            Event::ArticleUnpublished => "article.unpublished",
            Event::ArticleDeleted => "article.deleted",
            Event::CategoryCreated => "category.created",
            Event::CategoryUpdated => "category.updated",
            Event::CategoryDeleted => "category.deleted",
            Event::PersonCreated => "person.created",
            Event::PersonUpdated => "person.updated",
            Event::PersonDeleted => "person.deleted",
            Event::TagCreated => "tag.created",
            Event::TagUpdated => "tag.updated",
            Event::TagDeleted => "tag.deleted",
            Event::MediaCreated => "media.created",
            Event::MediaUpdated => "media.updated",
            Event::MediaDeleted => "media.deleted",
            Event::TokenRevoked => "token.revoked",
        }
    }

    /// The event named `name`, if there is one.
    pub fn parse(name: &str) -> Option<Event> {
        Event::ALL.into_iter().find(|event| event.as_str() == name)
    }

    /// The kind of resource the event is about.
    pub fn resource(self) -> ResourceType {
        match self {
            Event::ArticleCreated
            | Event::ArticleUpdated
            | Event::ArticlePublished
            | Event::ArticleUnpublished
            | Event::ArticleDeleted => ResourceType::Article,
            Event::CategoryCreated | Event::CategoryUpdated | Event::CategoryDeleted => {
                ResourceType::Category
            }
            Event::PersonCreated | Event::PersonUpdated | Event::PersonDeleted => {
                ResourceType::Person
            }
            Event::TagCreated | Event::TagUpdated | Event::TagDeleted => ResourceType::Tag,
            Event::MediaCreated | Event::MediaUpdated | Event::MediaDeleted => ResourceType::Media,
            Event::TokenRevoked => ResourceType::Token,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_reads_back_from_its_name_and_names_its_resource() {
        for event in Event::ALL {
            assert_eq!(Event::parse(event.as_str()), Some(event));
            let json = serde_json::to_value(event).unwrap();
            assert_eq!(json, event.as_str());
            assert!(event.as_str().starts_with(event.resource().as_str()));
        }
        assert_eq!(Event::parse("article.*"), None);
    }
}
