//! HealthHub: a headless JSON/REST content API for a health publication.
//!
//! Categories form a tree, articles are filed in categories and made of ordered sections.
//! [`app::build`] assembles the actix application over an SQLite database ([`db::Database`]);
//! the `healthhub` binary serves it and manages tokens.

pub mod app;
pub mod articles;
pub mod auth;
pub mod caching;
pub mod categories;
pub mod clock;
pub mod config;
pub mod dataset;
pub mod db;
pub mod demo;
pub mod error;
pub mod extract;
pub mod health;
pub mod http;
pub mod idempotency;
pub mod limits;
pub mod lookup;
pub mod nullable;
pub mod openapi;
pub mod render;
pub mod request_log;
pub mod responses;
pub mod search;
pub mod sections;
pub mod security_headers;
pub mod slug;
pub mod tokens;
pub mod validate;
