//! The change notifications of a PostgreSQL database (channel `healthhub_changes`, sent by the
//! triggers of migrations `2026-12-08-000001_change_notifications` and
//! `2026-12-14-000002_view_notifications`): their payload, and a blocking listener that follows
//! them on a connection of its own.

use super::replica;
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection, RunQueryDsl};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The channel the triggers notify.
pub const CHANNEL: &str = "healthhub_changes";

/// The `application_name` of the listener's connection (what `pg_stat_activity` shows).
pub const LISTENER_NAME: &str = "healthhub-listener";

/// How often the listener asks its connection for new notifications: the added delay between a
/// commit on one node and its effect on another is at most this (plus the network).
pub const POLL_INTERVAL: Duration = Duration::from_millis(2);

/// How often the listener checks that its connection still answers (a server that went away
/// without closing the connection sends nothing, which looks like no changes).
const PING_INTERVAL: Duration = Duration::from_secs(1);

/// How long the listener waits before connecting again after losing its connection.
const RECONNECT_DELAY: Duration = Duration::from_millis(500);

/// One announced change: `<node>|<micros>|a:<ids>`, `<node>|<micros>|v:<ids>` or
/// `<node>|<micros>|all`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The id of the node that wrote ([`super::Database::node`]); empty for other writers.
    pub node: String,
    /// When the write happened, microseconds since the epoch.
    pub at_micros: i64,
    /// What changed.
    pub what: Announced,
}

/// What a notice says changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Announced {
    /// Anything at all (`all`).
    Everything,
    /// These articles: their rows, sections or other parts (`a:<ids>`).
    Articles(Vec<i32>),
    /// The view counts of these articles and nothing else in their rows (`v:<ids>`).
    Views(Vec<i32>),
}

impl Notice {
    /// Reads a payload; `None` for one this version does not understand (treat as "all").
    pub fn parse(payload: &str) -> Option<Self> {
        let mut parts = payload.splitn(3, '|');
        let node = parts.next()?.to_owned();
        let at_micros = parts.next()?.parse().ok()?;
        let ids = |list: &str| {
            list.split(',')
                .map(str::parse)
                .collect::<Result<Vec<i32>, _>>()
                .ok()
        };
        let what = match parts.next()? {
            "all" => Announced::Everything,
            what => match what.split_at_checked(2)? {
                ("a:", list) => Announced::Articles(ids(list)?),
                ("v:", list) => Announced::Views(ids(list)?),
                _ => return None,
            },
        };
        Some(Self {
            node,
            at_micros,
            what,
        })
    }
}

/// What a [`listen`] loop reports to its owner.
pub trait Subscriber: Send + 'static {
    /// The channel is listened to again (or for the first time), the primary's WAL position then
    /// being `lsn`: notifications may have been missed before this, so anything may have changed.
    fn connected(&self, lsn: u64);
    /// The connection is lost: changes are no longer heard of until [`Self::connected`].
    fn disconnected(&self);
    /// A change was announced (`None`: a payload this version does not understand); the
    /// primary's WAL position was at or past `lsn` once it arrived.
    fn notified(&self, notice: Option<Notice>, lsn: u64);
}

/// Follows the notifications of the database `url` on a connection of its own until `stop` is
/// set, reconnecting after a failure. Blocking: run it on a thread of its own.
pub fn listen(url: &str, stop: &AtomicBool, subscriber: &dyn Subscriber) {
    let url = with_keepalives(url);
    while !stop.load(Ordering::Acquire) {
        match PgConnection::establish(&url) {
            Ok(mut conn) => match conn
                .batch_execute(&format!(
                    "SET application_name = '{LISTENER_NAME}'; LISTEN {CHANNEL}"
                ))
                .and_then(|()| replica::primary_lsn(&mut conn))
            {
                Ok(lsn) => {
                    subscriber.connected(lsn);
                    if let Err(error) = follow(&mut conn, stop, subscriber) {
                        tracing::warn!(%error, "lost the change notification channel");
                    }
                    subscriber.disconnected();
                }
                Err(error) => tracing::warn!(%error, "could not listen for change notifications"),
            },
            Err(error) => {
                tracing::warn!(%error, "could not connect to listen for change notifications");
            }
        }
        if !stop.load(Ordering::Acquire) {
            std::thread::sleep(RECONNECT_DELAY);
        }
    }
}

/// `url` with TCP keepalives and a user timeout, so that a connection the network silently
/// dropped fails within seconds instead of the system's default quarter of an hour (libpq
/// connection parameters), and a connection attempt gives up after 5 s.
fn with_keepalives(url: &str) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    format!(
        "{url}{separator}keepalives=1&keepalives_idle=5&keepalives_interval=2&keepalives_count=2\
         &tcp_user_timeout=5000&connect_timeout=5"
    )
}

/// Polls `conn` for notifications until `stop` is set (`Ok`) or the connection fails.
fn follow(
    conn: &mut PgConnection,
    stop: &AtomicBool,
    subscriber: &dyn Subscriber,
) -> diesel::QueryResult<()> {
    let mut pinged = Instant::now();
    while !stop.load(Ordering::Acquire) {
        let arrived = conn
            .notifications_iter()
            .collect::<diesel::QueryResult<Vec<_>>>()?;
        if !arrived.is_empty() {
            let lsn = replica::primary_lsn(conn)?;
            for notification in arrived {
                subscriber.notified(Notice::parse(&notification.payload), lsn);
            }
        }
        if pinged.elapsed() >= PING_INTERVAL {
            diesel::sql_query("SELECT 1").execute(conn)?;
            pinged = Instant::now();
        }
        std::thread::sleep(POLL_INTERVAL);
    }
    Ok(())
}

/// A [`listen`] loop on a thread of its own, told to stop when this is dropped (it ends within
/// a poll interval, or when a pending connection attempt gives up; nobody waits for it).
pub struct Listener {
    stop: Arc<AtomicBool>,
}

impl Listener {
    /// Starts following the notifications of `url` for `subscriber`.
    pub fn start(url: String, subscriber: impl Subscriber) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        std::thread::Builder::new()
            .name("healthhub-notifications".to_owned())
            .spawn(move || listen(&url, &flag, &subscriber))
            .expect("spawning the notification listener thread");
        Self { stop }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_name_the_node_the_time_and_the_articles_or_everything() {
        assert_eq!(
            Notice::parse("n1|1700000000000000|a:3,14"),
            Some(Notice {
                node: "n1".to_owned(),
                at_micros: 1_700_000_000_000_000,
                what: Announced::Articles(vec![3, 14]),
            })
        );
        assert_eq!(Notice::parse("|5|all").unwrap().what, Announced::Everything);
        assert_eq!(
            Notice::parse("|5|v:7").unwrap().what,
            Announced::Views(vec![7])
        );
        assert_eq!(Notice::parse("|5|a:x"), None);
        assert_eq!(Notice::parse("|5|v:"), None);
        assert_eq!(Notice::parse("|5|z:1"), None);
        assert_eq!(Notice::parse("garbage"), None);
    }
}
