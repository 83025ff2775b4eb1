//! The response cache as data: what a cached answer is ([`store`]) and its compressed copies ([`encodings`]), how concurrent misses wait for one computation ([`flight`]) and when the clock alone changes the public content ([`schedule`]).
//!
//! The HTTP side (validators, `304`s, `Cache-Control`, filling and serving this cache) is the
//! middleware in `crate::http::middleware::caching`. The contract between the two: a write
//! handler tags its response with a [`store::CacheScope`] (what it changed), and every committed
//! change reaches `AppState::content_changed`, which drops the cached answers that show it
//! ([`store::Change`]) and forgets the remembered [`schedule::Around`].

pub mod encodings;
pub mod flight;
pub mod schedule;
pub mod store;
