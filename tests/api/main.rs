//! Integration tests: the real actix application over a fresh SQLite file per test.

mod articles;
mod auth;
mod bad_input;
mod categories;
mod common;
mod openapi;
mod sections;
mod seed_page;
mod startup;
