//! Integration tests: the real actix application over a fresh SQLite file per test.

mod articles;
mod auth;
mod bad_input;
mod caching;
mod categories;
mod category_tree;
mod common;
mod openapi;
mod sections;
mod seed_page;
mod startup;
