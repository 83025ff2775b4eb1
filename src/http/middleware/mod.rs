//! The middleware stack, one file per layer.

pub mod caching;
pub mod cors;
pub mod idempotency;
pub mod query_tokens;
pub mod rate_limit;
pub mod request_log;
pub mod security_headers;
