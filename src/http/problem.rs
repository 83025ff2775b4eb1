//! RFC 9457 problem details: the `Problem` body, `ApiError` rendered as one, and the rewriting of bare error responses (from actix or a library) into one.

use crate::error::{ApiError, FieldError};
use actix_web::dev::ServiceResponse;
use actix_web::http::{header, StatusCode};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

/// The media type of every error body (RFC 9457 §3).
pub const PROBLEM_JSON: &str = "application/problem+json";

/// The problem details body (RFC 9457) returned with every 4xx and 5xx response.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:healthhub:problem:not_found",
    "title": "Not Found",
    "status": 404,
    "detail": "no article matches 'does-not-exist'",
    "code": "not_found"
}))]
pub struct Problem {
    /// A URI naming the kind of problem: `urn:healthhub:problem:<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The HTTP reason phrase of `status`.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// A human-readable explanation of this occurrence.
    pub detail: String,
    /// A stable, machine-readable error code (one of the enumerated values).
    #[schema(schema_with = problem_codes)]
    pub code: String,
    /// Field-level errors (422 validation failures and 409 state conflicts).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// The schema of `Problem.code`: a string, one of [`ApiError::CODES`].
fn problem_codes() -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(ApiError::CODES))
        .description(Some("A stable, machine-readable error code."))
        .build()
}

impl Problem {
    /// The problem body for `error`.
    pub fn of(error: &ApiError) -> Self {
        let status = error.status();
        let detail = match error {
            ApiError::MethodNotAllowed { allow } => format!("this resource allows only: {allow}"),
            other => other.to_string(),
        };
        let errors = match error {
            ApiError::Validation(errors) | ApiError::StateConflict(errors) => errors.clone(),
            _ => Vec::new(),
        };
        Problem {
            kind: format!("urn:healthhub:problem:{}", error.code()),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail,
            code: error.code().to_owned(),
            errors,
        }
    }
}

/// `ApiError` as an HTTP response: its status, `Content-Type: application/problem+json`, the
/// headers its kind calls for (`WWW-Authenticate` per RFC 6750 §3, `Allow`, `Retry-After`) and
/// the [`Problem`] body. A 500's cause is logged here, never sent.
impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status()
    }

    fn error_response(&self) -> HttpResponse {
        if let Self::Internal(cause) = self {
            tracing::error!(error = format!("{cause:#}"), "request failed");
        }
        let mut response = HttpResponse::build(self.status());
        response.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        match self {
            Self::Unauthorized(detail) => {
                let description = detail.replace('"', "'");
                response.insert_header((
                    header::WWW_AUTHENTICATE,
                    format!(
                        "Bearer realm=\"healthhub\", error=\"invalid_token\", error_description=\"{description}\""
                    ),
                ));
            }
            Self::Forbidden(scope) => {
                response.insert_header((
                    header::WWW_AUTHENTICATE,
                    format!("Bearer realm=\"healthhub\", error=\"insufficient_scope\", scope=\"{scope}\""),
                ));
            }
            Self::PreviewOnly => {
                response.insert_header((
                    header::WWW_AUTHENTICATE,
                    "Bearer realm=\"healthhub\", error=\"insufficient_scope\"",
                ));
            }
            Self::MethodNotAllowed { allow } => {
                response.insert_header((header::ALLOW, allow.as_str()));
            }
            Self::RateLimited { retry_after, .. } | Self::ViewAlreadyCounted { retry_after } => {
                response.insert_header((header::RETRY_AFTER, retry_after.to_string()));
            }
            Self::Unavailable(_) => {
                response.insert_header((header::RETRY_AFTER, "1"));
            }
            _ => {}
        }
        let body = serde_json::to_vec(&Problem::of(self)).unwrap_or_default();
        response.body(body)
    }
}

/// Rewrites any error response that is not already problem+json (from actix itself or a
/// library) into one, so every failure has the same shape; register it with
/// `ErrorHandlers::new().default_handler(problem_for_bare_errors)`.
pub fn problem_for_bare_errors<B>(
    response: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    if is_problem {
        return Ok(ErrorHandlerResponse::Response(
            response.map_into_left_body(),
        ));
    }
    let status = response.status();
    let error = match status {
        StatusCode::NOT_FOUND => ApiError::NotFound("no route matches this path".to_owned()),
        StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::PayloadTooLarge("the request body is too large".to_owned())
        }
        StatusCode::NOT_ACCEPTABLE => ApiError::NotAcceptable(
            "Accept-Encoding refuses every content coding this server sends \
             (br, gzip, deflate, and identity: no coding)"
                .to_owned(),
        ),
        other => ApiError::Http(
            other,
            other.canonical_reason().unwrap_or("error").to_owned(),
        ),
    };
    let (request, bare) = response.into_parts();
    let mut problem = error.error_response();
    // What the bare answer said about negotiation and methods stays true of the problem: a
    // `406` varies on `Accept-Encoding`, a `405` lists what is allowed.
    for name in [header::VARY, header::ALLOW] {
        for value in bare.headers().get_all(&name) {
            problem.headers_mut().append(name.clone(), value.clone());
        }
    }
    let rewritten = ServiceResponse::new(request, problem);
    Ok(ErrorHandlerResponse::Response(
        rewritten.map_into_right_body(),
    ))
}
