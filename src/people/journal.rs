//! How people writes show in the changes log: `person.created`, `.updated` and
//! `.deleted` entries ([`crate::changes::versioned`]).

use super::model::PersonRow;
use crate::changes::event::Event;
use crate::changes::versioned::Versioned;

impl Versioned for PersonRow {
    const EVENTS: [Event; 3] = [
        Event::PersonCreated,
        Event::PersonUpdated,
        Event::PersonDeleted,
    ];

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
