//! The HTTP kit every resource shares: problem+json ([`problem`]), body and query extractors ([`extract`]), conditional requests and version tags ([`conditional`]), paging links ([`links`]), CDN purge keys ([`purge_keys`]), routing helpers ([`routing`]), the client address ([`client_ip`]), the documented error responses ([`openapi_responses`]), the probes ([`health`]), the API index ([`index`]), Swagger UI's files ([`docs`]) and the middleware stack ([`middleware`]).
//!
//! It may import `crate::state` and the resource cores, never a resource's handlers.

pub mod article_reads;
pub mod client_ip;
pub mod conditional;
pub mod docs;
pub mod extract;
pub mod health;
pub mod index;
pub mod links;
pub mod metrics;
pub mod middleware;
pub mod openapi_responses;
pub mod problem;
pub mod purge_keys;
pub mod routing;
