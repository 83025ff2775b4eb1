//! Articles: title, subtitle, excerpt, status and publish date, filed in a category, with ordered sections.

pub mod handlers;
pub mod input;
pub mod listing;
pub mod model;
pub mod query;
pub mod search;
pub mod status;
pub mod view;
pub mod view_counter;
