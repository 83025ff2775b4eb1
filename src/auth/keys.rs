//! The token key ring (current, previous and external keys), minting, verification and scopes:
//! the cryptography of bearer tokens, with no HTTP and no database.
//!
//! Tokens this service mints are HS256 JWTs whose header names the signing key with a `kid`
//! (the first 8 hex digits of the secret's SHA-256). The server signs with the current secret
//! only and verifies with it and every previous secret still listed. Tokens of an optional
//! external issuer are verified with its public keys, each bound to one algorithm when it is
//! loaded: the `alg` in a token header only has to agree with the key, it never chooses it.

use super::public_keys::{self, PublicKey};
use crate::config::Config;
use crate::db::Backend;
use crate::error::ApiError;
use anyhow::{bail, Context};
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::Path;
use std::time::Duration;

/// Seconds of clock skew tolerated on `exp`, `nbf` and `iat`.
const LEEWAY_SECONDS: i64 = 60;
/// Shortest secret accepted from `JWT_SECRET` or `JWT_PREVIOUS_SECRETS`.
const MIN_SECRET_BYTES: usize = 32;
/// Lifetime of a minted token when none is asked for.
pub const DEFAULT_TTL: Duration = Duration::from_secs(30 * 24 * 3600);
/// Longest lifetime a minted token may have.
pub const MAX_TTL: Duration = Duration::from_secs(365 * 24 * 3600);

/// The `scope` claim (and recorded scopes) of a preview token: no permission this service
/// grants, only a label for `healthhub token list`.
pub const PREVIEW_SCOPE: &str = "preview";

/// The subject of the preview tokens of article `article`: `preview:article-<id>` (article ids
/// are never reused, so a preview never reaches a later article).
pub fn preview_subject(article: i32) -> String {
    format!("preview:article-{article}")
}

/// A permission carried in the token's space-separated `scope` claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// See drafts and scheduled articles.
    Read,
    /// Create, update and delete content.
    Write,
    /// Publish and unpublish articles.
    Publish,
    /// Create, change and delete webhooks and see their deliveries.
    Webhooks,
}

impl Scope {
    /// Every scope, in the order they are documented.
    pub const ALL: [Scope; 4] = [Scope::Read, Scope::Write, Scope::Publish, Scope::Webhooks];

    /// The scope's name in tokens, e.g. `content:write`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "content:read",
            Scope::Write => "content:write",
            Scope::Publish => "content:publish",
            Scope::Webhooks => "webhooks:manage",
        }
    }

    /// Parses a scope name; `None` for names this service does not know.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// The space-separated form of `scopes` used in the `scope` claim and the token records.
    pub fn join(scopes: &[Scope]) -> String {
        scopes
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The claims of a HealthHub token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// Who the token was issued to.
    pub sub: String,
    /// Issued at (seconds since the epoch).
    pub iat: i64,
    /// Expires at (seconds since the epoch).
    pub exp: i64,
    /// Unique token id.
    pub jti: String,
    /// Issuer: this service.
    pub iss: String,
    /// Audience: this service's API.
    pub aud: String,
    /// Space-separated scopes.
    pub scope: String,
    /// Not valid before (seconds since the epoch); optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    /// The one article a preview token may read; a token with this claim carries no scope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<i32>,
}

/// The claims read from an incoming token, ours or an external issuer's (whose tokens may lack
/// `iat` and `jti`, and may carry `aud` as an array: `aud` is checked by the validation and not
/// read here).
#[derive(Debug, Deserialize)]
struct IncomingClaims {
    sub: String,
    exp: i64,
    #[serde(default)]
    iat: Option<i64>,
    #[serde(default)]
    nbf: Option<i64>,
    #[serde(default)]
    jti: Option<String>,
    iss: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    article: Option<i32>,
}

/// Where a verified token comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenOrigin {
    /// Minted by this service (HS256) with the key `kid`; valid only while it is recorded and
    /// not revoked in `api_tokens`.
    Minted {
        /// The signing key's id.
        kid: String,
    },
    /// Issued by the configured external issuer; not recorded here.
    External,
}

/// The verified identity behind a request's token.
#[derive(Debug, Clone)]
pub struct Principal {
    /// The token's subject.
    pub subject: String,
    /// The scopes this service recognised in the token.
    pub scopes: Vec<Scope>,
    /// The token's id (`jti`); always present on minted tokens.
    pub jti: Option<String>,
    /// The token's issuer (`iss`).
    pub issuer: String,
    /// When the token expires (`exp`).
    pub expires_at: DateTime<Utc>,
    /// Who signed it.
    pub origin: TokenOrigin,
    /// For a preview token, the one article it may read (and then `scopes` is empty).
    pub preview: Option<i32>,
}

impl Principal {
    /// True when the token carries `scope`.
    pub fn has(&self, scope: Scope) -> bool {
        self.scopes.contains(&scope)
    }
}

/// A freshly minted token and what it says (to be recorded before it is handed out).
#[derive(Debug, Clone)]
pub struct MintedToken {
    /// The compact JWT.
    pub token: String,
    /// Its claims.
    pub claims: Claims,
    /// The id of the key that signed it.
    pub kid: String,
}

/// The id of the HS256 key `secret`: the first 8 hex digits of its SHA-256 (never the secret).
pub fn key_id(secret: &[u8]) -> String {
    Sha256::digest(secret)
        .iter()
        .take(4)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One key tokens may be verified with.
struct VerifyingKey {
    kid: Option<String>,
    decoding: DecodingKey,
    /// Fixes the algorithm, the issuer, the audience and the required claims.
    validation: Validation,
    origin: TokenOrigin,
}

/// Signs this service's tokens (HS256, current secret) and verifies incoming ones (current and
/// previous secrets, external issuers' public keys).
pub struct TokenKeys {
    kid: String,
    encoding: EncodingKey,
    verifying: Vec<VerifyingKey>,
    issuer: String,
    audience: String,
}

impl TokenKeys {
    /// Keys signing with `secret`, for the service's issuer and audience.
    pub fn new(secret: &[u8], issuer: &str, audience: &str) -> Self {
        let kid = key_id(secret);
        let mut keys = Self {
            kid: kid.clone(),
            encoding: EncodingKey::from_secret(secret),
            verifying: Vec::new(),
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
        };
        keys.add_hmac(secret);
        keys
    }

    /// These keys also accepting tokens signed with `secret`, a retired signing secret.
    pub fn accepting_previous(mut self, secret: &[u8]) -> Self {
        self.add_hmac(secret);
        self
    }

    /// These keys also accepting tokens of the external issuer `issuer` signed with `keys`.
    pub fn accepting_external(mut self, issuer: &str, keys: Vec<PublicKey>) -> Self {
        for key in keys {
            let mut validation = self.validation(key.algorithm, issuer);
            validation.set_required_spec_claims(&["exp", "sub", "iss", "aud"]);
            self.verifying.push(VerifyingKey {
                kid: key.kid,
                decoding: key.key,
                validation,
                origin: TokenOrigin::External,
            });
        }
        self
    }

    /// Keys for `config`: `JWT_SECRET` (or, on SQLite, the generated secret kept next to the
    /// database), `JWT_PREVIOUS_SECRETS`, and `JWT_PUBLIC_KEYS` with `JWT_EXTERNAL_ISSUER`.
    ///
    /// Errors: a secret shorter than [`MIN_SECRET_BYTES`]; no `JWT_SECRET` on PostgreSQL, where
    /// several nodes share the database and must sign with one key (a secret generated per node
    /// would make each node refuse the others' tokens, and one stored in the database would be in
    /// every dump of it).
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        let secret = match &config.jwt_secret {
            Some(secret) if secret.len() < MIN_SECRET_BYTES => {
                bail!("JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes long")
            }
            Some(secret) => secret.clone().into_bytes(),
            None if Backend::of(&config.database_url) == Backend::Postgres => bail!(
                "JWT_SECRET is required on PostgreSQL: every node must sign tokens with the same \
                 secret (at least {MIN_SECRET_BYTES} bytes, e.g. `openssl rand -base64 48`)"
            ),
            None => load_or_create_secret(&config.secret_file())?,
        };
        let mut keys = Self::new(&secret, &config.jwt_issuer, &config.jwt_audience);
        for previous in &config.jwt_previous_secrets {
            if previous.len() < MIN_SECRET_BYTES {
                bail!("every secret in JWT_PREVIOUS_SECRETS must be at least {MIN_SECRET_BYTES} bytes long");
            }
            keys = keys.accepting_previous(previous.as_bytes());
        }
        match (&config.jwt_public_keys, &config.jwt_external_issuer) {
            (Some(path), Some(issuer)) => {
                if *issuer == config.jwt_issuer {
                    bail!("JWT_EXTERNAL_ISSUER must differ from JWT_ISSUER ('{issuer}')");
                }
                let public = public_keys::load(path)?;
                keys = keys.accepting_external(issuer, public);
            }
            (Some(_), None) => {
                bail!("JWT_PUBLIC_KEYS needs JWT_EXTERNAL_ISSUER (the required `iss`)")
            }
            (None, Some(_)) => bail!("JWT_EXTERNAL_ISSUER is set but JWT_PUBLIC_KEYS is not"),
            (None, None) => {}
        }
        Ok(keys)
    }

    /// The id (`kid`) of the key new tokens are signed with.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The ids of every HS256 key tokens are accepted from: the current one first.
    pub fn accepted_kids(&self) -> Vec<&str> {
        self.verifying
            .iter()
            .filter(|k| matches!(k.origin, TokenOrigin::Minted { .. }))
            .filter_map(|k| k.kid.as_deref())
            .collect()
    }

    /// The validation of one key: only `algorithm`, `issuer` and our audience; `exp` and `nbf`
    /// are checked against the app's clock in `verify`, not the system's.
    fn validation(&self, algorithm: Algorithm, issuer: &str) -> Validation {
        let mut validation = Validation::new(algorithm);
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[&self.audience]);
        validation
    }

    fn add_hmac(&mut self, secret: &[u8]) {
        let kid = key_id(secret);
        if self
            .verifying
            .iter()
            .any(|k| k.kid.as_deref() == Some(&kid))
        {
            return;
        }
        let mut validation = self.validation(Algorithm::HS256, &self.issuer);
        validation.set_required_spec_claims(&["exp", "iat", "sub", "iss", "aud"]);
        self.verifying.push(VerifyingKey {
            kid: Some(kid.clone()),
            decoding: DecodingKey::from_secret(secret),
            validation,
            origin: TokenOrigin::Minted { kid },
        });
    }

    /// Mints a token for `subject` with `scopes`, valid for `ttl` from `now`, signed with the
    /// current key. It is only valid once recorded: use [`crate::auth::records::issue`].
    pub fn issue(
        &self,
        subject: &str,
        scopes: &[Scope],
        ttl: Duration,
        now: DateTime<Utc>,
    ) -> anyhow::Result<MintedToken> {
        self.issue_claims(subject, Scope::join(scopes), None, ttl, now)
    }

    /// Mints a preview token: it reads the article `article` (whatever its status) and nothing
    /// else, carries no scope, and is valid for `ttl` from `now`. Its subject is
    /// [`preview_subject`]; like any token it is only valid once recorded.
    pub fn issue_preview(
        &self,
        article: i32,
        ttl: Duration,
        now: DateTime<Utc>,
    ) -> anyhow::Result<MintedToken> {
        let subject = preview_subject(article);
        self.issue_claims(&subject, PREVIEW_SCOPE.to_owned(), Some(article), ttl, now)
    }

    fn issue_claims(
        &self,
        subject: &str,
        scope: String,
        article: Option<i32>,
        ttl: Duration,
        now: DateTime<Utc>,
    ) -> anyhow::Result<MintedToken> {
        if ttl > MAX_TTL {
            bail!("a token may live at most 365 days");
        }
        if subject.trim().is_empty() {
            bail!("a token needs a subject");
        }
        let ttl = chrono::TimeDelta::from_std(ttl).context("token lifetime out of range")?;
        let claims = Claims {
            sub: subject.to_owned(),
            iat: now.timestamp(),
            exp: (now + ttl).timestamp(),
            jti: uuid::Uuid::new_v4().to_string(),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            scope,
            nbf: None,
            article,
        };
        let token = self.sign(&claims)?;
        Ok(MintedToken {
            token,
            claims,
            kid: self.kid.clone(),
        })
    }

    /// Mints a token like [`Self::issue`] and returns the JWT alone (not recorded).
    pub fn mint(
        &self,
        subject: &str,
        scopes: &[Scope],
        ttl: Duration,
        now: DateTime<Utc>,
    ) -> anyhow::Result<String> {
        self.issue(subject, scopes, ttl, now)
            .map(|minted| minted.token)
    }

    /// Signs `claims` as they are with the current key (HS256, with its `kid`).
    pub fn sign(&self, claims: &Claims) -> anyhow::Result<String> {
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding).context("signing the token")
    }

    /// Verifies `token` (key chosen by its `kid`, that key's algorithm, signature, `iss`, `aud`,
    /// and `exp`/`iat`/`nbf` at `now` with 60 s leeway) and returns who it belongs to.
    ///
    /// This is the cryptographic check only: a minted token must also be recorded and not
    /// revoked, which the `Caller` extractor checks in the database.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<Principal, ApiError> {
        let invalid = |e: jsonwebtoken::errors::Error| {
            ApiError::Unauthorized(format!("the bearer token is invalid: {e}"))
        };
        let header = jsonwebtoken::decode_header(token).map_err(invalid)?;
        let candidates: Vec<&VerifyingKey> = self
            .verifying
            .iter()
            .filter(|k| k.kid == header.kid)
            .collect();
        if candidates.is_empty() {
            return Err(ApiError::Unauthorized(match &header.kid {
                Some(_) => "the bearer token names an unknown signing key (kid)".to_owned(),
                None => "the bearer token names no signing key (kid)".to_owned(),
            }));
        }
        let mut failure = None;
        for key in candidates {
            match jsonwebtoken::decode::<IncomingClaims>(token, &key.decoding, &key.validation) {
                Ok(data) => return principal(data.claims, &key.origin, now),
                Err(e) => failure = Some(invalid(e)),
            }
        }
        Err(failure.unwrap_or_else(|| ApiError::Unauthorized("the bearer token is invalid".into())))
    }
}

/// The principal of verified `claims`, once their times (and, for minted tokens, `jti` and
/// `iat`) are checked.
fn principal(
    claims: IncomingClaims,
    origin: &TokenOrigin,
    now: DateTime<Utc>,
) -> Result<Principal, ApiError> {
    let unauthorized = |detail: &str| Err(ApiError::Unauthorized(detail.to_owned()));
    let minted = matches!(origin, TokenOrigin::Minted { .. });
    if minted && claims.jti.as_deref().is_none_or(str::is_empty) {
        return unauthorized("the bearer token has no id (jti)");
    }
    let now = now.timestamp();
    if claims.exp.saturating_add(LEEWAY_SECONDS) < now {
        return unauthorized("the bearer token has expired");
    }
    if claims
        .iat
        .is_some_and(|iat| iat.saturating_sub(LEEWAY_SECONDS) > now)
    {
        return unauthorized("the bearer token was issued in the future");
    }
    if claims
        .nbf
        .is_some_and(|nbf| nbf.saturating_sub(LEEWAY_SECONDS) > now)
    {
        return unauthorized("the bearer token is not valid yet");
    }
    let Some(expires_at) = DateTime::from_timestamp(claims.exp, 0) else {
        return unauthorized("the bearer token's expiry is out of range");
    };
    // A preview token reads its one article and nothing else: whatever scopes it names, it has none.
    let scopes = match claims.article {
        Some(_) => Vec::new(),
        None => claims
            .scope
            .split_whitespace()
            .filter_map(Scope::parse)
            .collect(),
    };
    Ok(Principal {
        subject: claims.sub,
        scopes,
        jti: claims.jti,
        issuer: claims.iss,
        expires_at,
        origin: origin.clone(),
        preview: claims.article,
    })
}

/// Reads the generated secret at `path`, creating it (mode 0600) on first use.
fn load_or_create_secret(path: &Path) -> anyhow::Result<Vec<u8>> {
    if let Ok(existing) = std::fs::read_to_string(path) {
        let secret = existing.trim();
        if secret.len() >= MIN_SECRET_BYTES {
            return Ok(secret.as_bytes().to_vec());
        }
        bail!("the secret in {} is too short", path.display());
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no random source: {e}"))?;
    let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(mut file) => {
            file.write_all(secret.as_bytes())
                .with_context(|| format!("writing {}", path.display()))?;
            tracing::info!(path = %path.display(), "generated a new token signing secret");
            Ok(secret.into_bytes())
        }
        // Another process created it between our read and our create: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => load_or_create_secret(path),
        Err(e) => Err(e).with_context(|| format!("creating {}", path.display())),
    }
}
