//! Reusable OpenAPI responses for the problem bodies, referenced from every operation that can return them.

use crate::http::problem::Problem;
use utoipa::ToResponse;

/// Malformed input: unparsable JSON, a bad query string or path parameter, an unknown query parameter.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct BadRequest(#[allow(dead_code)] Problem);

/// No bearer token, or one that is invalid, expired or not for this service.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    headers(("WWW-Authenticate" = String, description = "`Bearer realm=\"healthhub\", error=\"invalid_token\", …`"))
)]
pub struct Unauthorized(#[allow(dead_code)] Problem);

/// The token is valid but lacks the scope this operation needs.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    headers(("WWW-Authenticate" = String, description = "`Bearer realm=\"healthhub\", error=\"insufficient_scope\", scope=\"…\"`"))
)]
pub struct Forbidden(#[allow(dead_code)] Problem);

/// Nothing matches (drafts and scheduled articles are also 404 to anonymous readers).
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct NotFound(#[allow(dead_code)] Problem);

/// The request is valid by itself but conflicts with stored content: a taken slug, a category
/// still in use (`conflict`); a category id that names none, a parent that would make a cycle or
/// too deep a tree, a position past the end, a section of another article, one section too many,
/// a publication window the stored time would invert (`state_conflict`, fields in `errors`).
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct Conflict(#[allow(dead_code)] Problem);

/// `If-Match` does not name the article's current version.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct PreconditionFailed(#[allow(dead_code)] Problem);

/// The request body is larger than the configured limit (default 1 MiB).
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct PayloadTooLarge(#[allow(dead_code)] Problem);

/// The request body is not sent as `application/json`.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct UnsupportedMediaType(#[allow(dead_code)] Problem);

/// Well-formed JSON with invalid fields; `errors` lists each field and what is wrong with it.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct ValidationFailed(#[allow(dead_code)] Problem);

/// Gone for good: the changes log's retention has removed entries after the requested `after`;
/// re-sync from a full export, then follow the feed from the seq the problem names.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct Gone(#[allow(dead_code)] Problem);

/// Too many requests: from this client address (any request), with this token (writes), or a
/// repeated view of the same article within the view window. Nothing was done; retry after
/// `Retry-After` seconds.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    headers(
        ("Retry-After" = u64, description = "Seconds until the next request is allowed"),
        ("RateLimit-Limit" = u32, description = "Requests the exhausted quota allows per period"),
        ("RateLimit-Remaining" = u32, description = "Requests left in that quota: 0"),
        ("RateLimit-Reset" = u64, description = "Seconds until the whole quota is available again"),
    )
)]
pub struct RateLimited(#[allow(dead_code)] Problem);

/// The URL path (over 1024 bytes) or the query string (over `HEALTHHUB_MAX_QUERY_BYTES`,
/// 2048 bytes by default) is too long.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct UriTooLong(#[allow(dead_code)] Problem);

/// Every database connection stayed busy for the pool's timeout (the server is overloaded), or the
/// database cannot be opened. Nothing was done; retry after `Retry-After` seconds.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    headers(("Retry-After" = u64, description = "Seconds to wait before retrying"))
)]
pub struct Unavailable(#[allow(dead_code)] Problem);
