//! `ApiError`: every failure a request can meet, with its status and stable code (`crate::http::problem` renders it as RFC 9457 problem+json).
//!
//! The error policy: model and query functions return [`ApiResult`] (a Diesel error converts
//! through `From`, a unique violation becoming a 409); handlers and middleware return it too and
//! actix renders it; `anyhow` is for the CLI and start-up only, and reaches a request as
//! [`ApiError::Internal`], whose cause is logged and never shown.

use actix_web::http::StatusCode;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde::Serialize;
use utoipa::ToSchema;

/// One invalid field of a request body (for 422 responses).
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct FieldError {
    /// Path of the field in the request body, e.g. `title` or `sections[2].heading`.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

impl FieldError {
    /// A field error for `field` with `message`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// What a CORS check (`HEALTHHUB_CORS_ORIGINS`) refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CorsRefusal {
    /// The `Origin` is not among the allowed origins.
    Origin,
    /// The method a preflight asks for is not allowed across origins.
    Method,
    /// A request header a preflight asks for is not allowed across origins.
    Header,
    /// The preflight's own headers are malformed (an unparsable method or header list).
    Malformed,
}

/// Everything that can go wrong while answering a request.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Malformed input: bad JSON, bad query string, bad path parameter.
    #[error("{0}")]
    BadRequest(String),
    /// No, or an invalid, bearer token.
    #[error("{0}")]
    Unauthorized(String),
    /// A valid token that lacks the scope named here.
    #[error("this request needs the '{0}' scope")]
    Forbidden(&'static str),
    /// A preview token used for anything but reading the article it was made for.
    #[error("a preview token only reads the article it was made for (GET /api/v1/articles/{{id_or_slug}})")]
    PreviewOnly,
    /// The resource does not exist (or is invisible to this caller).
    #[error("{0}")]
    NotFound(String),
    /// The route exists but not for this method; `allow` lists the methods it has.
    #[error("method not allowed")]
    MethodNotAllowed {
        /// Value of the `Allow` header.
        allow: String,
    },
    /// The request conflicts with the stored state (duplicate slug, category in use).
    #[error("{0}")]
    Conflict(String),
    /// A request with the same `Idempotency-Key` is still being answered.
    #[error("{0}")]
    IdempotencyKeyInUse(String),
    /// The `Idempotency-Key` was already used for a different request.
    #[error("{0}")]
    IdempotencyKeyReused(String),
    /// `If-Match` did not match the current version.
    #[error("{0}")]
    PreconditionFailed(String),
    /// The body is larger than the configured limit.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// The body is not `application/json`.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// No representation the request accepts can be sent: `Accept-Encoding` refuses every
    /// content coding the server has, identity included (RFC 9110 §12.5.3): a 406.
    #[error("{0}")]
    NotAcceptable(String),
    /// The URL's path or query string is longer than the configured limit.
    #[error("{0}")]
    UriTooLong(String),
    /// The client has used up its request quota; it may try again after `retry_after` seconds.
    #[error("{detail}")]
    RateLimited {
        /// What was limited, for the problem's `detail`.
        detail: String,
        /// Value of the `Retry-After` header, in seconds.
        retry_after: u64,
    },
    /// This client's view of this article was already counted within the view window (the
    /// per-article window, not the request quota); it counts again after `retry_after` seconds.
    #[error(
        "a view of this article by this client was already counted within the view window; \
         it counts again in {retry_after} s (the request quota is not affected)"
    )]
    ViewAlreadyCounted {
        /// Value of the `Retry-After` header, in seconds.
        retry_after: u64,
    },
    /// A cross-origin request or preflight the CORS policy refuses; `detail` names what was
    /// refused (the origin, the method or the header).
    #[error("{detail}")]
    Cors {
        /// What was refused.
        refused: CorsRefusal,
        /// The explanation, naming the refused value and what is allowed.
        detail: String,
    },
    /// The body is well-formed but some fields are invalid.
    #[error("the request body has invalid fields")]
    Validation(Vec<FieldError>),
    /// Each field is valid on its own, but together with what is stored the write would break a
    /// rule (a category that does not exist, a cycle in the tree, a publication window inverted
    /// by the stored time, a position past the end): a 409 naming the fields.
    #[error("the request conflicts with the stored state")]
    StateConflict(Vec<FieldError>),
    /// What was asked for is gone for good and will not come back (changes the log's retention
    /// has removed): a 410.
    #[error("{0}")]
    Gone(String),
    /// A dependency (the database) is not answering.
    #[error("{0}")]
    Unavailable(String),
    /// An error status produced by the HTTP layer itself (rare: most are mapped to a variant).
    #[error("{1}")]
    Http(StatusCode, String),
    /// A server-side failure; the cause is logged, never shown.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl ApiError {
    /// A 404 for `what` (e.g. "article") looked up by `key`.
    pub fn not_found(what: &str, key: impl std::fmt::Display) -> Self {
        Self::NotFound(format!("no {what} matches '{key}'"))
    }

    /// A 422 with a single field error.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, message)])
    }

    /// A 409 with a single field error: `field` is valid alone but conflicts with what is stored.
    pub fn conflicting(field: &str, message: impl Into<String>) -> Self {
        Self::StateConflict(vec![FieldError::new(field, message)])
    }

    /// This error, a 409 instead of a 422 when it is one: field errors found in a merged value,
    /// where what breaks the rule is what is stored, not the request alone.
    pub fn into_state_conflict(self) -> Self {
        match self {
            Self::Validation(errors) => Self::StateConflict(errors),
            other => other,
        }
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) | Self::PreviewOnly => StatusCode::FORBIDDEN,
            Self::Cors {
                refused: CorsRefusal::Malformed,
                ..
            } => StatusCode::BAD_REQUEST,
            Self::Cors { .. } => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::IdempotencyKeyInUse(_) => StatusCode::CONFLICT,
            Self::IdempotencyKeyReused(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::NotAcceptable(_) => StatusCode::NOT_ACCEPTABLE,
            Self::UriTooLong(_) => StatusCode::URI_TOO_LONG,
            Self::RateLimited { .. } | Self::ViewAlreadyCounted { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::StateConflict(_) => StatusCode::CONFLICT,
            Self::Gone(_) => StatusCode::GONE,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Http(status, _) => *status,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Every value [`ApiError::code`] can take: the `enum` of `Problem.code` in the OpenAPI
    /// document (a test checks each variant's code is listed).
    pub const CODES: [&'static str; 25] = [
        "bad_request",
        "unauthorized",
        "forbidden",
        "cors_origin_not_allowed",
        "cors_method_not_allowed",
        "cors_header_not_allowed",
        "cors_bad_preflight",
        "not_found",
        "method_not_allowed",
        "conflict",
        "idempotency_key_in_use",
        "idempotency_key_reused",
        "precondition_failed",
        "payload_too_large",
        "unsupported_media_type",
        "not_acceptable",
        "uri_too_long",
        "rate_limited",
        "view_already_counted",
        "validation_failed",
        "state_conflict",
        "gone",
        "unavailable",
        "http_error",
        "internal_error",
    ];

    /// The stable code clients can switch on (one of [`ApiError::CODES`]).
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "bad_request",
            Self::Unauthorized(_) => "unauthorized",
            Self::Forbidden(_) | Self::PreviewOnly => "forbidden",
            Self::Cors { refused, .. } => match refused {
                CorsRefusal::Origin => "cors_origin_not_allowed",
                CorsRefusal::Method => "cors_method_not_allowed",
                CorsRefusal::Header => "cors_header_not_allowed",
                CorsRefusal::Malformed => "cors_bad_preflight",
            },
            Self::NotFound(_) => "not_found",
            Self::MethodNotAllowed { .. } => "method_not_allowed",
            Self::Conflict(_) => "conflict",
            Self::IdempotencyKeyInUse(_) => "idempotency_key_in_use",
            Self::IdempotencyKeyReused(_) => "idempotency_key_reused",
            Self::PreconditionFailed(_) => "precondition_failed",
            Self::PayloadTooLarge(_) => "payload_too_large",
            Self::UnsupportedMediaType(_) => "unsupported_media_type",
            Self::NotAcceptable(_) => "not_acceptable",
            Self::UriTooLong(_) => "uri_too_long",
            Self::RateLimited { .. } => "rate_limited",
            Self::ViewAlreadyCounted { .. } => "view_already_counted",
            Self::Validation(_) => "validation_failed",
            Self::StateConflict(_) => "state_conflict",
            Self::Gone(_) => "gone",
            Self::Unavailable(_) => "unavailable",
            Self::Http(..) => "http_error",
            Self::Internal(_) => "internal_error",
        }
    }
}

impl From<DieselError> for ApiError {
    fn from(error: DieselError) -> Self {
        match error {
            DieselError::NotFound => Self::NotFound("not found".to_owned()),
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => Self::Conflict(
                format!("a unique value is already taken: {}", info.message()),
            ),
            DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                tracing::warn!(
                    error = info.message(),
                    "the connection to the database was lost"
                );
                Self::Unavailable("the connection to the database was lost; retry".to_owned())
            }
            DieselError::DatabaseError(_, info) if is_timeout(info.message()) => {
                tracing::warn!(error = info.message(), "a database wait timed out");
                Self::Unavailable("the database is busy; retry shortly".to_owned())
            }
            other => Self::Internal(other.into()),
        }
    }
}

/// True for the errors of a wait that timed out: PostgreSQL's `lock_timeout` and
/// `statement_timeout` (SQLSTATE 55P03 and 57014, which Diesel does not expose: their server
/// messages, in the default English) and SQLite's `busy_timeout` ("database is locked").
fn is_timeout(message: &str) -> bool {
    message.contains("due to lock timeout")
        || message.contains("due to statement timeout")
        || message.starts_with("database is locked")
}

/// No database connection became free in time (every one busy, or the file cannot be opened): the
/// server is overloaded or degraded, not broken, so the client is told to come back.
impl From<diesel::r2d2::PoolError> for ApiError {
    fn from(error: diesel::r2d2::PoolError) -> Self {
        tracing::warn!(error = %error, "no database connection available");
        Self::Unavailable("the database is busy; retry shortly".to_owned())
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(error: actix_web::error::BlockingError) -> Self {
        Self::Internal(anyhow::anyhow!("blocking task failed: {error}"))
    }
}

/// Result of a handler or model function.
pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    /// One error of every variant: the match has no wildcard, so a new variant fails to compile
    /// here until it is listed (and its code checked against [`ApiError::CODES`]).
    fn one_of_each() -> Vec<ApiError> {
        let all = vec![
            ApiError::BadRequest(String::new()),
            ApiError::Unauthorized(String::new()),
            ApiError::Forbidden(""),
            ApiError::PreviewOnly,
            ApiError::Cors {
                refused: CorsRefusal::Origin,
                detail: String::new(),
            },
            ApiError::Cors {
                refused: CorsRefusal::Method,
                detail: String::new(),
            },
            ApiError::Cors {
                refused: CorsRefusal::Header,
                detail: String::new(),
            },
            ApiError::Cors {
                refused: CorsRefusal::Malformed,
                detail: String::new(),
            },
            ApiError::NotFound(String::new()),
            ApiError::MethodNotAllowed {
                allow: String::new(),
            },
            ApiError::Conflict(String::new()),
            ApiError::IdempotencyKeyInUse(String::new()),
            ApiError::IdempotencyKeyReused(String::new()),
            ApiError::PreconditionFailed(String::new()),
            ApiError::PayloadTooLarge(String::new()),
            ApiError::UnsupportedMediaType(String::new()),
            ApiError::NotAcceptable(String::new()),
            ApiError::UriTooLong(String::new()),
            ApiError::RateLimited {
                detail: String::new(),
                retry_after: 1,
            },
            ApiError::ViewAlreadyCounted { retry_after: 1 },
            ApiError::Validation(Vec::new()),
            ApiError::StateConflict(Vec::new()),
            ApiError::Gone(String::new()),
            ApiError::Unavailable(String::new()),
            ApiError::Http(StatusCode::IM_A_TEAPOT, String::new()),
            ApiError::Internal(anyhow::anyhow!("boom")),
        ];
        for error in &all {
            match error {
                ApiError::BadRequest(_)
                | ApiError::Unauthorized(_)
                | ApiError::Forbidden(_)
                | ApiError::PreviewOnly
                | ApiError::Cors { .. }
                | ApiError::NotFound(_)
                | ApiError::MethodNotAllowed { .. }
                | ApiError::Conflict(_)
                | ApiError::IdempotencyKeyInUse(_)
                | ApiError::IdempotencyKeyReused(_)
                | ApiError::PreconditionFailed(_)
                | ApiError::PayloadTooLarge(_)
                | ApiError::UnsupportedMediaType(_)
                | ApiError::NotAcceptable(_)
                | ApiError::UriTooLong(_)
                | ApiError::RateLimited { .. }
                | ApiError::ViewAlreadyCounted { .. }
                | ApiError::Validation(_)
                | ApiError::StateConflict(_)
                | ApiError::Gone(_)
                | ApiError::Unavailable(_)
                | ApiError::Http(..)
                | ApiError::Internal(_) => {}
            }
        }
        all
    }

    #[test]
    fn every_code_is_listed_in_codes() {
        for error in one_of_each() {
            assert!(
                ApiError::CODES.contains(&error.code()),
                "{} is missing from ApiError::CODES",
                error.code()
            );
        }
    }
}
