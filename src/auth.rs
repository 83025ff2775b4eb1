//! Bearer tokens: the signing secret, minting, verification, scopes and the `Caller` extractor.

use crate::app::AppState;
use crate::config::Config;
use crate::error::ApiError;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use anyhow::{bail, Context};
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use std::future::{ready, Ready};
use std::io::Write;
use std::path::Path;
use std::time::Duration;

/// Seconds of clock skew tolerated on `exp`, `nbf` and `iat`.
const LEEWAY_SECONDS: u64 = 60;
/// Shortest secret accepted from `JWT_SECRET`.
const MIN_SECRET_BYTES: usize = 32;
/// Longest lifetime a minted token may have.
pub const MAX_TTL: Duration = Duration::from_secs(365 * 24 * 3600);

/// A permission carried in the token's space-separated `scope` claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// See drafts and scheduled articles.
    Read,
    /// Create, update and delete content.
    Write,
    /// Publish and unpublish articles.
    Publish,
}

impl Scope {
    /// Every scope, in the order they are documented.
    pub const ALL: [Scope; 3] = [Scope::Read, Scope::Write, Scope::Publish];

    /// The scope's name in tokens, e.g. `content:write`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "content:read",
            Scope::Write => "content:write",
            Scope::Publish => "content:publish",
        }
    }

    /// Parses a scope name; `None` for names this service does not know.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// The claims of a HealthHub token.
#[derive(Debug, Serialize, Deserialize)]
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
}

/// The verified identity behind a request's token.
#[derive(Debug, Clone)]
pub struct Principal {
    /// The token's subject.
    pub subject: String,
    /// The scopes this service recognised in the token.
    pub scopes: Vec<Scope>,
}

impl Principal {
    /// True when the token carries `scope`.
    pub fn has(&self, scope: Scope) -> bool {
        self.scopes.contains(&scope)
    }
}

/// Signs and verifies this service's tokens (HS256).
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
}

impl TokenKeys {
    /// Keys from a raw secret and the service's issuer and audience.
    pub fn new(secret: &[u8], issuer: &str, audience: &str) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        // `exp` and `nbf` are checked against the app's clock in `verify`, not the system's.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "iat", "sub", "iss", "aud"]);
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
        }
    }

    /// Keys for `config`: `JWT_SECRET`, or the generated secret kept next to the database.
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        let secret = match &config.jwt_secret {
            Some(secret) if secret.len() < MIN_SECRET_BYTES => {
                bail!("JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes long")
            }
            Some(secret) => secret.clone().into_bytes(),
            None => load_or_create_secret(&config.secret_file())?,
        };
        Ok(Self::new(&secret, &config.jwt_issuer, &config.jwt_audience))
    }

    /// Mints a token for `subject` with `scopes`, valid for `ttl` from `now`.
    pub fn mint(
        &self,
        subject: &str,
        scopes: &[Scope],
        ttl: Duration,
        now: DateTime<Utc>,
    ) -> anyhow::Result<String> {
        if ttl > MAX_TTL {
            bail!("a token may live at most 365 days");
        }
        let ttl = chrono::TimeDelta::from_std(ttl).context("token lifetime out of range")?;
        let claims = Claims {
            sub: subject.to_owned(),
            iat: now.timestamp(),
            exp: (now + ttl).timestamp(),
            jti: uuid::Uuid::new_v4().to_string(),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            scope: scopes
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            nbf: None,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .context("signing the token")
    }

    /// Verifies `token` (signature, `iss`, `aud`, and `exp`/`nbf` at `now` with 60 s leeway)
    /// and returns who it belongs to.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<Principal, ApiError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|e| ApiError::Unauthorized(format!("the bearer token is invalid: {e}")))?;
        let now = now.timestamp();
        let leeway = LEEWAY_SECONDS as i64;
        if data.claims.exp + leeway < now {
            return Err(ApiError::Unauthorized(
                "the bearer token has expired".to_owned(),
            ));
        }
        if data.claims.iat - leeway > now {
            return Err(ApiError::Unauthorized(
                "the bearer token was issued in the future".to_owned(),
            ));
        }
        if data.claims.nbf.is_some_and(|nbf| nbf - leeway > now) {
            return Err(ApiError::Unauthorized(
                "the bearer token is not valid yet".to_owned(),
            ));
        }
        let scopes = data
            .claims
            .scope
            .split_whitespace()
            .filter_map(Scope::parse)
            .collect();
        Ok(Principal {
            subject: data.claims.sub,
            scopes,
        })
    }
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

/// Who is calling: anonymous, or the holder of a verified token.
///
/// Extracting it fails with 401 when a token is sent but invalid: a bad token is never
/// silently treated as anonymous.
#[derive(Debug, Clone)]
pub enum Caller {
    /// No `Authorization` header.
    Anonymous,
    /// A verified bearer token.
    Token(Principal),
}

impl Caller {
    /// The principal, when it holds `scope`; 401 for anonymous callers, 403 without the scope.
    pub fn require(&self, scope: Scope) -> Result<&Principal, ApiError> {
        match self {
            Caller::Anonymous => Err(ApiError::Unauthorized(
                "this request needs a bearer token".to_owned(),
            )),
            Caller::Token(principal) if principal.has(scope) => Ok(principal),
            Caller::Token(_) => Err(ApiError::Forbidden(scope.as_str())),
        }
    }

    /// True when the caller may see drafts and scheduled articles.
    pub fn sees_unpublished(&self) -> bool {
        matches!(self, Caller::Token(p) if p.has(Scope::Read))
    }

    fn from_header(req: &HttpRequest) -> Result<Self, ApiError> {
        let Some(value) = req.headers().get(header::AUTHORIZATION) else {
            return Ok(Caller::Anonymous);
        };
        let value = value.to_str().map_err(|_| {
            ApiError::Unauthorized("the Authorization header is not ASCII".to_owned())
        })?;
        let token = match value.split_once(' ') {
            Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
            _ => {
                return Err(ApiError::Unauthorized(
                    "the Authorization header must be 'Bearer <token>'".to_owned(),
                ))
            }
        };
        let state = req
            .app_data::<web::Data<AppState>>()
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("AppState is not configured")))?;
        state
            .keys
            .verify(token, state.clock.now())
            .map(Caller::Token)
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        ready(Caller::from_header(req))
    }
}
