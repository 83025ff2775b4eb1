//! Bearer tokens end to end: signing keys and claims ([`keys`]), trusted public keys ([`public_keys`]), the recorded tokens ([`records`]) and their last use ([`usage`]), the `Caller` extractor ([`caller`]), `GET /auth/whoami` ([`whoami`]) and the `healthhub token` commands ([`cli`]).

pub mod caller;
pub mod cli;
pub mod keys;
pub mod public_keys;
pub mod records;
pub mod usage;
pub mod whoami;

pub use caller::Caller;
pub use keys::{key_id, Claims, MintedToken, Principal, Scope, TokenKeys, DEFAULT_TTL};
pub use records::issue;

use crate::http::routing::{on, Endpoint};
use actix_web::http::Method;
use utoipa::OpenApi;

/// The `/api/v1` endpoints of the auth area.
pub fn endpoints() -> Vec<Endpoint> {
    vec![Endpoint::new(
        "/auth/whoami",
        vec![on(Method::GET, whoami::whoami)],
    )]
}

/// The auth area's part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(paths(whoami::whoami), components(schemas(whoami::WhoAmI)))]
pub struct AuthApi;
