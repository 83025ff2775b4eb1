//! How media writes show in the changes log: `media.created`, `.updated` and `.deleted` entries
//! ([`crate::changes::versioned`]), the SHA-256 of the stored bytes standing for a slug.

use super::model::MediaRow;
use crate::changes::event::Event;
use crate::changes::versioned::Versioned;

impl Versioned for MediaRow {
    const EVENTS: [Event; 3] = [
        Event::MediaCreated,
        Event::MediaUpdated,
        Event::MediaDeleted,
    ];

    fn id(&self) -> i32 {
        self.id
    }

    fn slug(&self) -> &str {
        &self.sha256
    }

    fn version(&self) -> i32 {
        self.version
    }
}
