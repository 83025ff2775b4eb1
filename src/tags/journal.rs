//! How tag writes show in the changes log: `tag.created`, `.updated` and `.deleted` entries
//! ([`crate::changes::versioned`]).

use super::model::TagRow;
use crate::changes::event::Event;
use crate::changes::versioned::Versioned;

impl Versioned for TagRow {
    const EVENTS: [Event; 3] = [Event::TagCreated, Event::TagUpdated, Event::TagDeleted];

    fn id(&self) -> i32 {
        self.id
    }

    fn slug(&self) -> &str {
        &self.slug
    }

    fn version(&self) -> i32 {
        self.version
    }
}
