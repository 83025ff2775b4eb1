//! Webhook secrets and request signatures, as the Standard Webhooks specification defines them (<https://www.standardwebhooks.com/>).
//!
//! A secret is `whsec_` followed by the base64 of 32 random bytes; the signing key is those bytes.
//! A request carries `webhook-id`, `webhook-timestamp` (unix seconds) and `webhook-signature:
//! v1,<base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}"))>`, so receivers can verify it with the
//! specification's libraries (`standardwebhooks` on PyPI and npm).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The prefix of every secret (Standard Webhooks, "Signature scheme").
pub const SECRET_PREFIX: &str = "whsec_";

/// Random bytes in a new secret (the specification asks for 24 to 64).
const SECRET_BYTES: usize = 32;

/// A new secret: `whsec_` and the base64 of 32 bytes from the operating system's generator.
pub fn new_secret() -> Result<String, getrandom::Error> {
    let mut key = [0u8; SECRET_BYTES];
    getrandom::fill(&mut key)?;
    Ok(format!("{SECRET_PREFIX}{}", STANDARD.encode(key)))
}

/// The value of the `webhook-signature` header for message `id`, sent at `timestamp` (unix
/// seconds) with `body`: `v1,<base64 signature>`. `None` when `secret` is not a `whsec_` secret
/// (never for the secrets this server makes).
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Option<String> {
    let key = STANDARD
        .decode(secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret))
        .ok()?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Some(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The test vector of the Standard Webhooks reference libraries.
    #[test]
    fn signs_the_reference_vector() {
        let signature = sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1_614_265_330,
            br#"{"test": 2432232314}"#,
        );
        assert_eq!(
            signature.as_deref(),
            Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
    }

    #[test]
    fn new_secrets_are_prefixed_random_32_bytes() {
        let one = new_secret().unwrap();
        let two = new_secret().unwrap();
        assert_ne!(one, two);
        let key = STANDARD
            .decode(one.strip_prefix(SECRET_PREFIX).unwrap())
            .unwrap();
        assert_eq!(key.len(), 32);
    }
}
