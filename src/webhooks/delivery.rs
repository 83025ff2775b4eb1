//! Sending one delivery: the signed POST (Standard Webhooks headers), over a client that connects only to checked addresses and never follows a redirect.
//!
//! The client is `ureq` 3: blocking (each attempt runs on the blocking pool, so no second async
//! runtime is needed), rustls over `ring` for https (no system TLS library), a per-request global
//! timeout, no redirect following, no proxy, and a pluggable resolver: [`CheckedResolver`]
//! resolves the host, refuses private addresses, and hands ureq exactly the addresses it checked,
//! so there is no window for DNS rebinding between the check and the connection.

use super::model::{Attempt, DeliveryRow, WebhookRow};
use super::signature;
use super::target;
use crate::config::Webhooks;
use chrono::{DateTime, Utc};
use std::io::Read;
use std::time::{Duration, Instant};
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

/// Most bytes of a response body that are read and kept (the `response_excerpt`).
pub const EXCERPT_BYTES: usize = 256;

/// Most characters of an error message that are kept.
const ERROR_CHARS: usize = 500;

/// The `User-Agent` of deliveries.
const USER_AGENT: &str = concat!("HealthHub-Webhooks/", env!("CARGO_PKG_VERSION"));

/// Resolves a target's host with the system resolver and refuses the lookup when any address is
/// private (unless private targets are allowed): ureq then connects only to those addresses.
#[derive(Debug)]
struct CheckedResolver {
    allow_private: bool,
}

/// A target that resolved to an address no webhook may reach.
#[derive(Debug, thiserror::Error)]
#[error("the target resolves to {0}, a loopback, private, link-local or reserved address (refused; see HEALTHHUB_WEBHOOKS_ALLOW_PRIVATE)")]
struct PrivateAddress(std::net::IpAddr);

impl Resolver for CheckedResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let addresses = DefaultResolver::default().resolve(uri, config, timeout)?;
        if !self.allow_private {
            if let Some(private) = addresses.iter().find(|a| target::is_private(a.ip())) {
                return Err(ureq::Error::Other(Box::new(PrivateAddress(private.ip()))));
            }
        }
        Ok(addresses)
    }
}

/// The HTTP client of deliveries, shared by every attempt (it keeps connections alive).
#[derive(Debug, Clone)]
pub struct Sender {
    agent: ureq::Agent,
}

impl Sender {
    /// A client with the timeout and the private-address rule of `settings`.
    pub fn new(settings: &Webhooks) -> Self {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(settings.timeout))
            .max_redirects(0)
            .http_status_as_error(false)
            .proxy(None)
            .user_agent(USER_AGENT)
            .build();
        let resolver = CheckedResolver {
            allow_private: settings.allow_private_targets,
        };
        Self {
            agent: ureq::Agent::with_parts(config, DefaultConnector::default(), resolver),
        }
    }

    /// One attempt of `delivery` to `webhook`, signed at `now`: a 2xx answer succeeds; anything
    /// else (no answer, a timeout, a refused address, a redirect, another status) fails. Blocks
    /// for at most the configured timeout.
    pub fn send(
        &self,
        webhook: &WebhookRow,
        delivery: &DeliveryRow,
        now: DateTime<Utc>,
    ) -> Attempt {
        let started = Instant::now();
        let mut attempt = Attempt {
            at: now.naive_utc(),
            ..Attempt::default()
        };
        let id = delivery.message_id();
        let timestamp = now.timestamp();
        let body = delivery.payload.as_bytes();
        let Some(signature) = signature::sign(&webhook.secret, &id, timestamp, body) else {
            attempt.error = Some("the webhook's secret is not a whsec_ secret".to_owned());
            return attempt;
        };
        let result = self
            .agent
            .post(&webhook.url)
            .header("content-type", "application/json")
            .header("webhook-id", &id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .send(body);
        match result {
            Ok(mut response) => {
                let status = response.status().as_u16();
                attempt.status_code = Some(status);
                attempt.excerpt = excerpt(response.body_mut().as_reader());
                attempt.error = match status {
                    200..=299 => None,
                    300..=399 => Some(format!(
                        "the target answered {status}; redirects are not followed"
                    )),
                    _ => Some(format!("the target answered {status}")),
                };
            }
            Err(error) => attempt.error = Some(shorten(&error.to_string())),
        }
        attempt.duration_ms = elapsed_ms(started.elapsed());
        attempt
    }
}

fn elapsed_ms(elapsed: Duration) -> i64 {
    i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
}

/// The first [`EXCERPT_BYTES`] of a body as text (invalid UTF-8 replaced, cut at a character
/// boundary); `None` when the body is empty or unreadable. Nothing more is read.
fn excerpt(body: impl Read) -> Option<String> {
    let mut bytes = Vec::with_capacity(EXCERPT_BYTES);
    body.take(EXCERPT_BYTES as u64)
        .read_to_end(&mut bytes)
        .ok()?;
    if bytes.is_empty() {
        return None;
    }
    let text = String::from_utf8_lossy(&bytes);
    Some(truncate(&text, EXCERPT_BYTES).to_owned())
}

/// The longest prefix of `text` of at most `max` bytes that ends on a character boundary.
fn truncate(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn shorten(message: &str) -> String {
    message.chars().take(ERROR_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_keep_at_most_256_bytes_of_text() {
        let long = "é".repeat(300);
        let kept = excerpt(long.as_bytes()).unwrap();
        assert!(kept.len() <= EXCERPT_BYTES && kept.len() >= EXCERPT_BYTES - 3);
        assert!(kept.chars().all(|c| c == 'é' || c == '\u{FFFD}'));
        assert_eq!(excerpt(&b""[..]), None);
        assert_eq!(excerpt(&b"ok"[..]).as_deref(), Some("ok"));
    }
}
