//! Articles: title, subtitle, excerpt, status and publish date, filed in a category, with ordered sections.

pub mod cursor;
pub mod dto;
pub mod handlers;
pub mod listing;
pub mod model;
pub mod query;
pub mod view;
pub mod views;
