//! Small pure helpers every layer may use: no actix, no Diesel, no crate import outside `error`.

pub mod clock;
pub mod digest;
pub mod json_object;
pub mod key;
pub mod markdown;
pub mod nullable;
pub mod percent;
pub mod query_number;
pub mod search_text;
pub mod slug;
pub mod text;
pub mod validate;
