//! Request ids and one structured log line per request (the subscriber that writes it is `crate::telemetry`).
//!
//! [`log_requests`] wraps the whole application. It gives each request an id (the client's
//! `X-Request-Id` when it is 1 to 128 visible ASCII characters, else a new UUID v4), answers it
//! in `X-Request-Id`, and logs method, path, status, duration, request id and client address.
//! It never logs the query string (search terms, cursors, and tokens some clients wrongly put
//! there) nor any header: the `Authorization` header and tokens never reach the log.

use crate::http::client_ip::ClientIp;
use crate::metrics::RequestLabels;
use crate::state::AppState;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, HttpRequest};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::Instrument;

/// The `X-Request-Id` header.
pub const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Longest client-sent request id that is kept.
pub const MAX_REQUEST_ID_LEN: usize = 128;

/// Longest path written to a log line; longer ones are cut (they are refused with 414 anyway).
const MAX_LOGGED_PATH: usize = 256;

/// Longest method logged, in bytes (a method is any token, of any length).
const MAX_LOGGED_METHOD: usize = 32;

/// The id of one request: echoed from the client when acceptable, generated otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(String);

impl RequestId {
    /// The client's `X-Request-Id` when it is 1 to 128 visible ASCII characters, else a new
    /// UUID v4.
    pub fn from_client(sent: Option<&HeaderValue>) -> Self {
        let acceptable = sent
            .map(HeaderValue::as_bytes)
            .filter(|id| (1..=MAX_REQUEST_ID_LEN).contains(&id.len()))
            .filter(|id| id.iter().all(|b| b.is_ascii_graphic()))
            .and_then(|id| std::str::from_utf8(id).ok());
        match acceptable {
            Some(id) => Self(id.to_owned()),
            None => Self(uuid::Uuid::new_v4().to_string()),
        }
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id [`log_requests`] gave `req`, if it ran.
    pub fn of(req: &HttpRequest) -> Option<Self> {
        req.extensions().get::<Self>().cloned()
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What the log line of one request says: never the query string, never a header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestLine {
    /// The HTTP method.
    pub method: String,
    /// The URL path as sent (percent-encoded), without the query string; cut at 256 bytes, between two grapheme clusters.
    pub path: String,
    /// The request's id.
    pub request_id: String,
    /// The client's address, or `unknown`.
    pub client_ip: String,
}

impl RequestLine {
    /// The line for `req`, with its id and client address.
    pub fn of(req: &HttpRequest, request_id: &RequestId, client_ip: ClientIp) -> Self {
        let full = req.uri().path();
        let mut path = crate::support::text::prefix_bytes(full, MAX_LOGGED_PATH).to_owned();
        if path.len() < full.len() {
            path.push('…');
        }
        Self {
            method: crate::support::text::prefix_bytes(req.method().as_str(), MAX_LOGGED_METHOD)
                .to_owned(),
            path,
            request_id: request_id.to_string(),
            client_ip: client_ip.to_string(),
        }
    }

    /// Logs the line with the response's `status` and how long it took: a warning for a 5xx,
    /// information otherwise.
    pub fn emit(&self, status: StatusCode, elapsed: Duration) {
        let duration_ms = (elapsed.as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0;
        macro_rules! line {
            ($level:ident) => {
                tracing::$level!(
                    method = %self.method,
                    path = %self.path,
                    status = status.as_u16(),
                    duration_ms,
                    request_id = %self.request_id,
                    client_ip = %self.client_ip,
                    "request"
                )
            };
        }
        if status.is_server_error() {
            line!(warn);
        } else {
            line!(info);
        }
    }
}

/// The request id and logging middleware (position 1, the outermost, of the table in `super`).
///
/// Everything logged while the request is handled carries its id (in a `request` span).
pub async fn log_requests(
    state: web::Data<AppState>,
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let started = Instant::now();
    let client_ip = ClientIp::resolve(req.request(), state.config.limits.trust_proxy);
    let request_id = RequestId::from_client(req.headers().get(X_REQUEST_ID));
    req.extensions_mut().insert(client_ip);
    req.extensions_mut().insert(request_id.clone());
    let line = RequestLine::of(req.request(), &request_id, client_ip);
    let method = method_label(req.method()).to_owned();
    let span = tracing::info_span!("request", request_id = %request_id);
    // An inner layer's `Err` (never a handler's: those are responses by now) is turned into a
    // response by the server, past this layer; it is still logged.
    let mut res = match next.call(req).instrument(span).await {
        Ok(res) => res.map_into_boxed_body(),
        Err(error) => {
            let status = error.as_response_error().status_code();
            line.emit(status, started.elapsed());
            observe(
                &state,
                method,
                UNMATCHED.to_owned(),
                status.as_u16(),
                started,
            );
            return Err(error);
        }
    };
    if let Ok(value) = HeaderValue::from_str(request_id.as_str()) {
        res.headers_mut().insert(X_REQUEST_ID, value);
    }
    line.emit(res.status(), started.elapsed());
    // Asked once the request has been routed: the router's match is then looked up, not
    // matched again against every route's pattern. An answer made without routing (the
    // response cache's) may say which route made it.
    let route = res
        .response()
        .extensions()
        .get::<RoutePattern>()
        .map(|known| known.0.to_string())
        .or_else(|| res.request().match_pattern())
        .unwrap_or_else(|| UNMATCHED.to_owned());
    observe(&state, method, route, res.status().as_u16(), started);
    Ok(res)
}

/// The route pattern (`/api/v1/articles/{id_or_slug}`) of an answer a layer made without
/// routing the request, set in the response's extensions by that layer (the response cache, for
/// the route that made the stored answer).
#[derive(Debug, Clone)]
pub struct RoutePattern(pub Arc<str>);

/// The `route` label of a request no route matched, or that failed before it was routed.
const UNMATCHED: &str = "unmatched";

/// The methods that are `method` labels as themselves: RFC 9110's and `PATCH` (RFC 5789).
const LABELLED_METHODS: [&str; 9] = [
    "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
];

/// The `method` label of a request: its method when it is one of [`LABELLED_METHODS`], else
/// `other`, so that made-up methods (any token is a valid method name) cannot grow the metrics'
/// label sets without bound.
fn method_label(method: &Method) -> &'static str {
    LABELLED_METHODS
        .into_iter()
        .find(|known| *known == method.as_str())
        .unwrap_or("other")
}

/// Records one answer in the request-duration histogram.
fn observe(state: &AppState, method: String, route: String, status: u16, started: Instant) {
    let labels = RequestLabels {
        method,
        route,
        status,
    };
    state
        .metrics
        .observe_request(&labels, started.elapsed().as_secs_f64());
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn a_clients_request_id_is_kept_only_when_short_and_visible_ascii() {
        let id = |value: &str| {
            RequestId::from_client(Some(&HeaderValue::from_str(value).unwrap())).to_string()
        };
        assert_eq!(id("abc-123_XYZ.9"), "abc-123_XYZ.9");
        let longest = "a".repeat(MAX_REQUEST_ID_LEN);
        assert_eq!(id(&longest), longest);
        for refused in [
            "",
            "has space",
            "tab\there",
            &"a".repeat(MAX_REQUEST_ID_LEN + 1),
        ] {
            let generated = id(refused);
            assert_ne!(generated, refused);
            assert!(uuid::Uuid::parse_str(&generated).is_ok(), "{generated}");
        }
        let generated = RequestId::from_client(None).to_string();
        assert_eq!(
            uuid::Uuid::parse_str(&generated).unwrap().get_version_num(),
            4
        );
    }

    #[test]
    fn the_log_line_has_neither_the_query_string_nor_any_header() {
        let req = TestRequest::get()
            .uri("/api/v1/articles?q=private-search&after=opaque-cursor&access_token=leaked")
            .insert_header(("Authorization", "Bearer eyJ.secret.token"))
            .insert_header(("Cookie", "session=secret"))
            .to_http_request();
        let id = RequestId::from_client(None);
        let line = RequestLine::of(&req, &id, ClientIp(Some([192, 0, 2, 7].into())));
        assert_eq!(line.method, "GET");
        assert_eq!(line.path, "/api/v1/articles");
        assert_eq!(line.client_ip, "192.0.2.7");
        assert_eq!(line.request_id, id.to_string());
        let printed = format!("{line:?}");
        for secret in [
            "private-search",
            "opaque-cursor",
            "leaked",
            "secret",
            "Bearer",
        ] {
            assert!(!printed.contains(secret), "{printed}");
        }
    }

    #[test]
    fn a_long_path_is_cut_in_the_log() {
        let req = TestRequest::get()
            .uri(&format!("/{}", "%C3%A9".repeat(300)))
            .to_http_request();
        let line = RequestLine::of(&req, &RequestId::from_client(None), ClientIp(None));
        assert!(line.path.len() <= MAX_LOGGED_PATH + '…'.len_utf8());
        assert_eq!(line.client_ip, "unknown");
    }
}
