//! Sections: the ordered heading + body blocks that make up an article.

pub mod dto;
pub mod handlers;
pub mod model;
pub mod rendering;
