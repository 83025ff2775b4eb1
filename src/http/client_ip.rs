//! `ClientIp`: the address a request comes from, as the rate limits and the log see it.

use crate::error::ApiError;
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use std::fmt;
use std::future::{ready, Ready};
use std::net::{IpAddr, SocketAddr};

/// The client's address: the TCP peer, or with `HEALTHHUB_TRUST_PROXY=true` the last
/// `X-Forwarded-For` entry (the one the reverse proxy in front appended). `None` when unknown
/// (in-process test requests have no peer): all such requests share one rate-limit key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub Option<IpAddr>);

impl ClientIp {
    /// Works the address out from the connection and, when `trust_proxy`, `X-Forwarded-For`.
    pub fn resolve(req: &HttpRequest, trust_proxy: bool) -> Self {
        let forwarded = trust_proxy.then(|| last_forwarded_for(req)).flatten();
        Self(forwarded.or_else(|| req.peer_addr().map(|peer| peer.ip())))
    }

    /// The address `log_requests` found for `req`, or worked out now with the app's
    /// `HEALTHHUB_TRUST_PROXY`; a 500 when the app has no `AppState` (a wiring fault).
    pub fn of(req: &HttpRequest) -> Result<Self, ApiError> {
        if let Some(known) = req.extensions().get::<Self>() {
            return Ok(*known);
        }
        Ok(Self::resolve(
            req,
            AppState::of(req)?.config.limits.trust_proxy,
        ))
    }
}

impl fmt::Display for ClientIp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(ip) => write!(f, "{ip}"),
            None => f.write_str("unknown"),
        }
    }
}

impl FromRequest for ClientIp {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        ready(Self::of(req))
    }
}

/// The last entry of the last `X-Forwarded-For` header, when it is an IP address (optionally
/// with a port).
fn last_forwarded_for(req: &HttpRequest) -> Option<IpAddr> {
    let last = req
        .headers()
        .get_all("x-forwarded-for")
        .last()?
        .to_str()
        .ok()?
        .rsplit(',')
        .next()?
        .trim();
    last.parse::<IpAddr>()
        .ok()
        .or_else(|| last.parse::<SocketAddr>().ok().map(|a| a.ip()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn x_forwarded_for_counts_only_when_the_proxy_is_trusted() {
        let req = TestRequest::get()
            .peer_addr("10.0.0.1:5000".parse().unwrap())
            .insert_header(("X-Forwarded-For", "198.51.100.9, 203.0.113.4"))
            .to_http_request();
        assert_eq!(
            ClientIp::resolve(&req, false).to_string(),
            "10.0.0.1",
            "untrusted: the TCP peer"
        );
        assert_eq!(
            ClientIp::resolve(&req, true).to_string(),
            "203.0.113.4",
            "trusted: the entry the proxy appended, not the one the client wrote"
        );
        let garbage = TestRequest::get()
            .peer_addr("10.0.0.1:5000".parse().unwrap())
            .insert_header(("X-Forwarded-For", "not-an-ip"))
            .to_http_request();
        assert_eq!(ClientIp::resolve(&garbage, true).to_string(), "10.0.0.1");
        let ported = TestRequest::get()
            .insert_header(("X-Forwarded-For", "[2001:db8::1]:443"))
            .to_http_request();
        assert_eq!(ClientIp::resolve(&ported, true).to_string(), "2001:db8::1");
    }
}
