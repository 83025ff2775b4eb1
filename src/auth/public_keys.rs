//! Loading an external issuer's public keys (`JWT_PUBLIC_KEYS`): one PEM public key, or a JWKS
//! document. Each key is bound to one algorithm here — from the JWKS `alg`, or from its type
//! (`kty`/`crv`, or the PEM key type) — and tokens are only ever verified with that algorithm.

use anyhow::{bail, Context};
use jsonwebtoken::jwk::{
    AlgorithmParameters, EllipticCurve, Jwk, JwkSet, KeyAlgorithm, PublicKeyUse,
};
use jsonwebtoken::{Algorithm, DecodingKey};
use std::path::Path;

/// A public key of an external issuer, bound to the one algorithm it verifies.
#[derive(Clone)]
pub struct PublicKey {
    /// The key id tokens name in their header; `None` for a PEM key, which serves tokens that
    /// carry no `kid`.
    pub kid: Option<String>,
    /// The only algorithm accepted with this key (RS256, ES256 or EdDSA).
    pub algorithm: Algorithm,
    /// The key material.
    pub key: DecodingKey,
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PublicKey")
            .field("kid", &self.kid)
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

/// Length of an uncompressed P-256 point (what an EC PEM key decodes to).
const P256_POINT_BYTES: usize = 65;
/// Length of an uncompressed P-384 point.
const P384_POINT_BYTES: usize = 97;

/// The keys in the file at `path`: a JWKS (JSON) or a single PEM public key.
pub fn load(path: &Path) -> anyhow::Result<Vec<PublicKey>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading JWT_PUBLIC_KEYS file {}", path.display()))?;
    let keys = if text.trim_start().starts_with('{') {
        from_jwks(&text)
    } else {
        from_pem(text.as_bytes()).map(|key| vec![key])
    }
    .with_context(|| format!("loading the public keys in {}", path.display()))?;
    if keys.is_empty() {
        bail!("{} holds no signing key", path.display());
    }
    Ok(keys)
}

/// A PEM public key (`BEGIN PUBLIC KEY` or `BEGIN RSA PUBLIC KEY`): RSA → RS256, EC P-256 →
/// ES256 (P-384 → ES384), Ed25519 → EdDSA. It has no `kid`: it verifies tokens without one.
pub fn from_pem(pem: &[u8]) -> anyhow::Result<PublicKey> {
    let text = String::from_utf8_lossy(pem);
    if text.contains("PRIVATE KEY-----") {
        bail!("this is a private key: give the issuer's public key");
    }
    if !text.contains("PUBLIC KEY-----") {
        bail!("expected a PEM public key (-----BEGIN PUBLIC KEY-----) or a JWKS document");
    }
    let (algorithm, key) = if let Ok(key) = DecodingKey::from_rsa_pem(pem) {
        (Algorithm::RS256, key)
    } else if let Ok(key) = DecodingKey::from_ec_pem(pem) {
        let algorithm = match key.as_bytes().len() {
            P256_POINT_BYTES => Algorithm::ES256,
            P384_POINT_BYTES => Algorithm::ES384,
            _ => bail!("only P-256 (ES256) and P-384 (ES384) EC keys are supported"),
        };
        (algorithm, key)
    } else if let Ok(key) = DecodingKey::from_ed_pem(pem) {
        (Algorithm::EdDSA, key)
    } else {
        bail!("not an RSA, EC or Ed25519 public key");
    };
    Ok(PublicKey {
        kid: None,
        algorithm,
        key,
    })
}

/// The signing keys of a JWKS document (`{"keys": [...]}`); keys marked for encryption are
/// skipped, symmetric (`oct`) keys refused.
pub fn from_jwks(json: &str) -> anyhow::Result<Vec<PublicKey>> {
    let set: JwkSet = serde_json::from_str(json).context("not a JWKS document")?;
    set.keys
        .iter()
        .enumerate()
        .filter(|(_, jwk)| {
            !matches!(
                jwk.common.public_key_use,
                Some(PublicKeyUse::Encryption) | Some(PublicKeyUse::Other(_))
            )
        })
        .map(|(i, jwk)| from_jwk(jwk).with_context(|| format!("keys[{i}]")))
        .collect()
}

/// One JWK: its algorithm is its `alg` when given (and must fit its type), else its type's.
fn from_jwk(jwk: &Jwk) -> anyhow::Result<PublicKey> {
    let by_type = match &jwk.algorithm {
        AlgorithmParameters::RSA(_) => Algorithm::RS256,
        AlgorithmParameters::EllipticCurve(params) => match params.curve {
            EllipticCurve::P256 => Algorithm::ES256,
            EllipticCurve::P384 => Algorithm::ES384,
            ref other => bail!("unsupported EC curve {other:?}"),
        },
        AlgorithmParameters::OctetKeyPair(params) => match params.curve {
            EllipticCurve::Ed25519 => Algorithm::EdDSA,
            ref other => bail!("unsupported OKP curve {other:?}"),
        },
        AlgorithmParameters::OctetKey(_) => {
            bail!("symmetric (oct) keys are not accepted from an external issuer")
        }
    };
    let algorithm = match jwk.common.key_algorithm {
        None => by_type,
        Some(alg) => {
            let algorithm = signing_algorithm(alg)?;
            if algorithm.family() != by_type.family() {
                bail!("alg {alg:?} does not fit a key of this type");
            }
            algorithm
        }
    };
    let key = DecodingKey::from_jwk(jwk).map_err(|e| anyhow::anyhow!("invalid key: {e}"))?;
    Ok(PublicKey {
        kid: jwk.common.key_id.clone(),
        algorithm,
        key,
    })
}

/// The signature algorithm a JWK `alg` names; HMAC and encryption algorithms are refused.
fn signing_algorithm(alg: KeyAlgorithm) -> anyhow::Result<Algorithm> {
    Ok(match alg {
        KeyAlgorithm::RS256 => Algorithm::RS256,
        KeyAlgorithm::RS384 => Algorithm::RS384,
        KeyAlgorithm::RS512 => Algorithm::RS512,
        KeyAlgorithm::PS256 => Algorithm::PS256,
        KeyAlgorithm::PS384 => Algorithm::PS384,
        KeyAlgorithm::PS512 => Algorithm::PS512,
        KeyAlgorithm::ES256 => Algorithm::ES256,
        KeyAlgorithm::ES384 => Algorithm::ES384,
        KeyAlgorithm::EdDSA => Algorithm::EdDSA,
        other => bail!("alg {other:?} is not an asymmetric signature algorithm"),
    })
}
