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
pub mod config;
pub mod dataset;
pub mod db;
pub mod error;
pub mod http;
pub mod jobs;
pub mod limits;
pub mod openapi;
pub mod sections;
pub mod state;
pub mod support;
pub mod telemetry;
