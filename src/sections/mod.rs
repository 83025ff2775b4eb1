//! Sections: the ordered heading + body blocks that make up an article.

pub mod handlers;
pub mod input;
pub mod model;
pub mod rendering;
pub mod view;
