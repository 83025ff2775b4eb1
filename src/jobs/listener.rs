//! On PostgreSQL, the node's ear for other nodes' writes: a thread following the database's
//! change notifications (`db::notifications`) and applying them to this node's state.

use crate::db::notifications::{Listener, Notice, Subscriber};
use crate::db::Backend;
use crate::state::AppState;
use actix_web::web;

/// Applies notifications to one node's state.
struct NodeState(web::Data<AppState>);

impl Subscriber for NodeState {
    fn connected(&self, lsn: u64) {
        tracing::info!("listening for other nodes' changes");
        // Writes may have been missed: replica reads wait for everything so far, and
        // `Last-Modified` moves to now.
        self.0.db.knows_lsn(lsn);
        self.0.db.set_replica_blind(false);
        self.0.db.saw_write(self.0.clock.now().timestamp_micros());
        self.0.set_channel_up(true);
    }

    fn disconnected(&self) {
        self.0.db.set_replica_blind(true);
        self.0.set_channel_up(false);
    }

    fn notified(&self, notice: Option<Notice>, lsn: u64) {
        self.0.db.knows_lsn(lsn);
        self.0.db.set_replica_blind(false);
        self.0.remote_change(notice);
    }
}

/// Starts following the change notifications for `state` (PostgreSQL only: `None` on SQLite,
/// where this process is the only writer). It stops when the returned listener is dropped.
pub fn start(state: &web::Data<AppState>) -> Option<Listener> {
    (state.db.backend() == Backend::Postgres)
        .then(|| Listener::start(state.config.database_url.clone(), NodeState(state.clone())))
}
