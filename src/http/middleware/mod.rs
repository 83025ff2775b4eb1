//! The middleware stack, one file per layer. This table is the one place its order is explained; `app::build` registers the layers in it (actix runs the last registered first, so `build` lists them innermost first).
//!
//! | # | Layer (outermost first) | Why there | Reads | Writes |
//! |---|---|---|---|---|
//! | 1 | [`request_log::log_requests`] | Outermost: every answer, whichever layer made it, gets an `X-Request-Id` and one log line | `X-Request-Id` header, `HEALTHHUB_TRUST_PROXY` | extensions: [`ClientIp`](crate::http::client_ip::ClientIp), [`RequestId`](request_log::RequestId); header `X-Request-Id` |
//! | 2 | [`security_headers::apply`] | Outside everything that can answer, so errors carry the headers too | path (`/docs` gets its own CSP) | headers `Content-Security-Policy`, `X-Content-Type-Options`, `Referrer-Policy`, `X-Frame-Options` |
//! | 3 | [`caching::no_store`] | Outside the error rewriting, so rewritten errors are `no-store` too | method, path, status | header `Cache-Control: no-store` on writes, errors, probes |
//! | 4 | `ErrorHandlers` + [`problem_for_bare_errors`](crate::http::problem::problem_for_bare_errors) | Outside CORS, so anything it refuses is problem+json too | `Content-Type` of error answers | an RFC 9457 body for any bare error |
//! | 5 | [`compression::tag_representations`] | Just outside `Compress`, so it sees what was encoded; inside the error rewriting | `Accept-Encoding`, `If-None-Match`; `ETag`, `Content-Encoding`, `Vary` of the answer | the request's `Accept-Encoding` with `x-gzip` as `gzip` and `*` spelled out (RFC 9110 §12.5.3); `ETag` with the coding appended (`"<tag>-gzip"`), a `304`'s `ETag` as the client sent it; `Vary: Accept-Encoding` |
//! | 6 | actix-web's `Compress` (gzip, brotli, deflate) | Outside everything that makes a body but the error rewriting (its `406` is rewritten into a problem), outside the response cache (which sends its stored compressed copies already labelled, so `Compress` leaves them alone) | `Accept-Encoding` | the encoded body, `Content-Encoding` |
//! | 7 | [`cors::explain_refusals`] | Just outside CORS, inside the error rewriting: it sees CORS's own refusals before they become bare `400`s | the refusal, `Origin`, `Access-Control-Request-Method`, `Access-Control-Request-Headers`, `HEALTHHUB_CORS_ORIGINS` | a problem naming the refused origin, method or header (`cors_*_not_allowed`, `cors_bad_preflight`) |
//! | 8 | [`cors::cors`] | Outside the rate limits, so a browser can read a `429` | `Origin`, preflights | CORS headers |
//! | 9 | [`rate_limit::per_client`] | First layer that spends: every request but the probes is charged to its address, and oversized URLs stop here (`414`) | extension `ClientIp`, extension `ReportedQuotas` (on the way out) | `429`, `414`; headers `RateLimit-*` of the tightest quota |
//! | 10 | [`url_encoding::refuse_undecodable_urls`] | Inside `per_client` (the attempt is still charged), before any layer or handler decodes the path or the query | path, query string | `400` when either percent-decodes to bytes that are not UTF-8 |
//! | 11 | [`query_tokens::refuse_query_tokens`] | Inside `per_client` (the attempt is still charged), before anything reads a token | query string | `401` for `?access_token=` / `?token=` |
//! | 12 | [`trailing_slash::redirect_trailing_slash`] | After the query-token refusal (a `?access_token=` is refused, never echoed in a `Location`), before anything that reads a token or the cache | path, query string, the routing table | `308` to the path without its trailing slash |
//! | 13 | [`rate_limit::per_subject`] | Needs a verified token, so inside the query-token refusal | extension [`Caller`](crate::auth::Caller) (extracting it caches it) | `429`; extension `ReportedQuotas` |
//! | 14 | [`preview_scope::confine_previews`] | Right after the token is verified (it reuses the extracted caller), before the response cache and every handler: one place confines a preview token to its article, whatever the route | extension `Caller`, method, route pattern, path | `403 forbidden` for any other request made with a preview token |
//! | 15 | [`caching::cache_headers`] | Inside the rate limits (a cached answer is still limited and gets CORS headers), outside the handlers | `If-None-Match`, `If-Modified-Since`, `Authorization`, `Accept-Encoding`; response extension [`CacheScope`](crate::caching::store::CacheScope) | `ETag`, `Last-Modified`, `Cache-Control`, `Vary`, `304`; the response cache and its compressed copies (`Content-Encoding`); `AppState::content_changed` after a write |
//! | 16 | [`replica_reads::mark_anonymous_reads`] | Inside the response cache, so the reads that refill it follow the replica rule; outside the handlers | method, `Authorization` | a task-local mark: this request's database reads may use the replica |
//! | 17 | [`idempotency::idempotency_keys`] (on the `/api/v1` scope only) | Innermost, around the API handlers alone: it stores and replays their answers | `Idempotency-Key`, extension `Caller`, the body | `Idempotent-Replayed`; the `idempotency_keys` table |
//!
//! Every layer that needs the application takes a leading `web::Data<AppState>` parameter
//! (`from_fn` extracts it): without the state a request fails with a 500, it never skips a check.
//! (`replica_reads` needs none: it only marks the request.)

pub mod caching;
pub mod compression;
pub mod cors;
pub mod idempotency;
pub mod preview_scope;
pub mod query_tokens;
pub mod rate_limit;
pub mod replica_reads;
pub mod request_log;
pub mod security_headers;
pub mod trailing_slash;
pub mod url_encoding;
