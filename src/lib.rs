//! HealthHub: a headless JSON/REST content API for a health publication.
//!
//! Categories form a tree, articles are filed in categories and made of ordered sections.
//! [`app::build`] assembles the actix application over an SQLite or PostgreSQL database
//! ([`db::Database`]);
//! the `healthhub` binary serves it and manages tokens.
//!
//! The layers, lowest first; a file imports only from its own row or the rows above it
//! (`tests/api/architecture.rs` keeps it so, and ARCHITECTURE.md explains it):
//!
//! | Row | Modules |
//! |---|---|
//! | helpers | [`support`], [`config`], [`error`], [`telemetry`] |
//! | database | [`db`] |
//! | cores | `articles`, `categories`, `sections`, `changes`, `revisions`, `previews`, `site` (all but `handlers.rs` and `mod.rs`), `auth` (all but `caller.rs`, `whoami.rs`, `mod.rs`), [`caching`], [`limits`], [`metrics`], [`dataset`] |
//! | state | [`state`] |
//! | HTTP | [`http`], every `handlers.rs`, each resource's `mod.rs` (routes + its OpenAPI part), `auth::caller`, `auth::whoami`, [`jobs`] |
//! | wiring | [`app`], [`openapi`] |
//! | binary | `main.rs`, `cli/` |

pub mod app;
pub mod articles;
pub mod auth;
pub mod caching;
pub mod categories;
pub mod changes;
pub mod config;
pub mod dataset;
pub mod db;
pub mod error;
pub mod http;
pub mod jobs;
pub mod limits;
pub mod media;
pub mod metrics;
pub mod openapi;
pub mod people;
pub mod previews;
pub mod references;
pub mod revisions;
pub mod sections;
pub mod site;
pub mod state;
pub mod support;
pub mod tags;
pub mod telemetry;
pub mod webhooks;
