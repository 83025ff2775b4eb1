//! Articles: title, subtitle, excerpt, status and publish date, filed in a category, with ordered sections.

pub mod dto;
pub mod handlers;
pub mod model;
