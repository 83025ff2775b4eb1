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
