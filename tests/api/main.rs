//! Integration tests: the real actix application over a fresh SQLite file per test.

mod architecture;
mod article_visibility;
mod articles;
mod auth;
mod backup;
mod bad_input;
mod caching;
mod categories;
mod category_tree;
mod common;
mod dataset;
mod idempotency;
mod limits;
mod links;
mod listing;
mod openapi;
mod rendering;
mod response_cache;
mod search;
mod sections;
mod security_headers;
mod seed_page;
mod startup;
mod token_attacks;
mod tokens;
mod view_window;
