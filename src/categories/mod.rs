//! Categories: the tree articles are filed in (HOME > Health > Mental Health).

pub mod dto;
pub mod handlers;
pub mod model;
pub mod tree;
