//! Categories: the tree articles are filed in (HOME > Health > Mental Health).

pub mod handlers;
pub mod input;
pub mod model;
pub mod tree;
pub mod view;
