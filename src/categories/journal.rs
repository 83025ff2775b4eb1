//! How category writes show in the changes log: `category.created`, `.updated` and
//! `.deleted` entries ([`crate::changes::versioned`]).

use super::model::CategoryRow;
use crate::changes::event::Event;
use crate::changes::versioned::Versioned;

impl Versioned for CategoryRow {
    const EVENTS: [Event; 3] = [
        Event::CategoryCreated,
        Event::CategoryUpdated,
        Event::CategoryDeleted,
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
