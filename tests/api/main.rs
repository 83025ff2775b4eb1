//! Integration tests: the real actix application over a fresh SQLite file per test.

mod articles;
mod auth;
mod bad_input;
mod caching;
mod categories;
mod category_tree;
mod common;
mod listing;
mod openapi;
mod rendering;
mod search;
mod sections;
mod seed_page;
mod startup;
