//! Tests: the token lifecycle — every minted token recorded with its `kid`, list and revoke
//! (model, CLI functions and the real binary from another process), key rotation, coalesced
//! `last_used_at`, `GET /auth/whoami`, and external issuers (EdDSA/ES256 JWKS, RS256 PEM).
//!
//! The test keys below were generated once with `openssl genpkey` for these tests only.

use crate::common::{spawn, spawn_with, TestApp, ALL_SCOPES};
use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::TestRequest;
use chrono::{DateTime, Duration as TimeDelta, Utc};
use healthhub::auth::{self as tokens, public_keys, records as model};
use healthhub::auth::{key_id, Claims, MintedToken, Scope, TokenKeys};
use healthhub::config::Config;
use healthhub::jobs::usage;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::Duration;

/// One hour.
pub const HOUR: Duration = Duration::from_secs(3600);
/// The `JWT_SECRET` of apps whose tokens tests sign by hand.
pub const SECRET: &str = "the-current-secret-of-at-least-32-bytes";
/// A retired secret, listed in `JWT_PREVIOUS_SECRETS` while it is still accepted.
pub const OLD_SECRET: &str = "the-previous-secret-of-at-least-32-bytes";
/// The `iss` of the external identity provider.
pub const EXTERNAL_ISSUER: &str = "https://id.example.org/";

/// RSA-2048 test key pair of the external issuer configured by PEM (RS256).
pub const RSA_PRIVATE_PEM: &str = "-----BEGIN PRIVATE KEY-----
MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQCibaKSdd93M6s2
3Mypsw2CoETRd6midUKSSJq4JbkyVBd0QQT/lwVAGn4jol+RYrfifveIciYNv0cR
tUC8se1zrVNwiKfbBuPYE4wI5SVwqj30URM0hAj5icIgb1YWIyP/yRBx0Sdi8Yts
6BGeRnTdEJIyGCzNid4uzfNR0tQUC7giA77lka3RmrUiU/CBX36RYkdCkHjfbBug
cqbA0ZcDEBNO1Is3+zUJKgTl6sXY5oAD8QCWGXtGy/RZE70hERVBsyXcHvRybbCw
n2DrEbDYVAewx8T0R97Tj/HQqG7l+QW7Q2lqIJlXMg8k/r2P5dImheKhuLCcgSiI
KXa6XuJ5AgMBAAECggEAE3jCKv2fdupGRbLthBB3d6ff6B6IwvV8sA2tIpM/ItXq
4+BhiYRguEEUyw/Nlh+3/JqM8RoCDtbV3b0VUCmiViI6pPx05vBqAv7A5FYYCWwX
NkE75KlJbCTEFWBTeR7oU2MWqhZROu7K8JjXd9ppaxDv/bphMJis/n5pA2+bRfW6
qoQxHWN9GN0bnur9nrUt2DpPYLAOg6KAnLzuP+2K7reVIElV6mQAb8GDl0GLDhaN
lF2AHtm3hhWilhF6sVFV2UhO1qnRdS6kwbEhkVd0S0OcbwgS4LuLKXb6eBtNK6ro
h28MQYtIsLCkj+4k1Yby/3m/Kva2EDH/IbnTGXwxuwKBgQDb/qUfvr2AmVUBJRwl
cQIOiqtekEhHvZiQoUXeNbfY7EKZGG+FsLPpPXeHyBCRxKOPpF+f07veOd3GQMGX
ni4M3/6ZNuztQwEs/uYQlFZhBVrXjbL/zB7OWPJ6QxPFOPlEiGvhPOFTuiiqFzu2
u7r6UIujaumQtEUlbIVezepanwKBgQC9AxEVJ1zzUm5R9Tb+YMYUuj/9C6WnaFav
/RaPp8xHCH9go087dvTUk7PQOxeyTqIQW46wsZ9fgUB3c8y4igFx5xWyMykxmAyi
9uNbCy8QU31cTPfe4329FCYMCat+2C/sp7hPUFbfKyz4AeT0beRH1Me8fpzpO8NG
pfrWyyDD5wKBgC1cRx3RjW9brkxLI4+QypTHAOjBpTWtoSyJJEfaGatPo7e/cxdE
xQPdmazUkp4LxpHSmajx1nXOxqyfI4uooOQkt3FOAvI086QcdsGKZHkiyoVRgUv/
AYcYjf6poAT1Z2g7HMtXazqBUusnWTenY7lDLFeorroYgX1i7+kJWj4PAoGAItkU
5jSKs6XoBx5R1FadTqcEMzBZi2L2UJ418ah7RkFv0q5pZkpJW4Qb6/FpLgvHX4Kx
7SvieWZIL33fKcrv90MmweMi3iztb4JbaqbGN5ldDI54SNTikuDLHv8NamaLd3N4
zM7AJYc9VEBtKQ+1vfSiGsOxRGMrXrQtajqrQNMCgYBlgzKX0RHr1OHLl4RKo+xJ
6QshrLjP9LmBSlPSPHpg7uXIuHAy4OyejnPo/JKtEwOoG+0RziUd7dqUlHLmS4/N
lXES7PZw9yNcIGOKYcx9MslUipVAi4n9tsOqBirFLDQ4huT8IOSCWbtjSysr+7to
yzgRT2ezZ3E6EnDe1nQHnA==
-----END PRIVATE KEY-----
";
/// The public half of [`RSA_PRIVATE_PEM`].
pub const RSA_PUBLIC_PEM: &str = "-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAom2iknXfdzOrNtzMqbMN
gqBE0XeponVCkkiauCW5MlQXdEEE/5cFQBp+I6JfkWK34n73iHImDb9HEbVAvLHt
c61TcIin2wbj2BOMCOUlcKo99FETNIQI+YnCIG9WFiMj/8kQcdEnYvGLbOgRnkZ0
3RCSMhgszYneLs3zUdLUFAu4IgO+5ZGt0Zq1IlPwgV9+kWJHQpB432wboHKmwNGX
AxATTtSLN/s1CSoE5erF2OaAA/EAlhl7Rsv0WRO9IREVQbMl3B70cm2wsJ9g6xGw
2FQHsMfE9Efe04/x0Khu5fkFu0NpaiCZVzIPJP69j+XSJoXiobiwnIEoiCl2ul7i
eQIDAQAB
-----END PUBLIC KEY-----
";
/// Ed25519 test private key of the external issuer configured by JWKS (kid `ed-1`).
pub const ED_PRIVATE_PEM: &str = "-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIAyzdN+QqnRqiFguETUZVORzJDnudebArDzNjb17fr4E
-----END PRIVATE KEY-----
";
/// The public half of [`ED_PRIVATE_PEM`].
pub const ED_PUBLIC_PEM: &str = "-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAxuOjNURd7+IvHlN0WRnhoXJhNJIJV2npiAYWdr6ncUo=
-----END PUBLIC KEY-----
";
/// P-256 test private key of the external issuer configured by JWKS (kid `ec-1`).
pub const EC_PRIVATE_PEM: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgGqK5wOsEjyKNTNy9
+tcnA08SXiP2E2c5uC6/hB0N+fKhRANCAAQNyKtfSHx9byiKLPayrrMPO5lzfZua
ScigaiB6teJv0XUhTr+mhJit65E6eZ1YvU247n9yNm8Nl5ILF4VhOxhC
-----END PRIVATE KEY-----
";

/// The JWKS of the external issuer: an ES256 key `ec-1` (algorithm from `alg`) and an Ed25519
/// key `ed-1` (algorithm from `kty`/`crv`), plus an encryption key that must be skipped.
pub fn jwks() -> String {
    json!({"keys": [
        {"kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig", "kid": "ec-1",
         "x": "DcirX0h8fW8oiiz2sq6zDzuZc32bmknIoGogerXib9E",
         "y": "dSFOv6aEmK3rkTp5nVi9Tbjuf3I2bw2XkgsXhWE7GEI"},
        {"kty": "OKP", "crv": "Ed25519", "kid": "ed-1",
         "x": "xuOjNURd7-IvHlN0WRnhoXJhNJIJV2npiAYWdr6ncUo"},
        {"kty": "OKP", "crv": "Ed25519", "use": "enc", "kid": "enc-1",
         "x": "xuOjNURd7-IvHlN0WRnhoXJhNJIJV2npiAYWdr6ncUo"},
    ]})
    .to_string()
}

/// An app with `JWT_SECRET` = [`SECRET`], the external issuer [`EXTERNAL_ISSUER`] whose keys are
/// `keys` (written to a file named `file_name`), and `adjust` applied last.
pub async fn spawn_with_issuer(
    file_name: &str,
    keys: &str,
    adjust: impl FnOnce(&mut Config),
) -> TestApp<
    impl Service<Request, Response = ServiceResponse<impl MessageBody>, Error = actix_web::Error>,
> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(file_name);
    std::fs::write(&path, keys).expect("write the issuer's keys");
    spawn_with(move |config| {
        config.jwt_secret = Some(SECRET.to_owned());
        config.jwt_public_keys = Some(path);
        config.jwt_external_issuer = Some(EXTERNAL_ISSUER.to_owned());
        adjust(config);
    })
    .await
}

/// Claims an external issuer would put in a token for us, valid for an hour from `now`.
pub fn external_claims(now: DateTime<Utc>, scope: &str) -> Value {
    json!({
        "sub": "idp|alice",
        "iss": EXTERNAL_ISSUER,
        "aud": ["healthhub-api", "other-api"],
        "iat": now.timestamp(),
        "exp": now.timestamp() + 3600,
        "scope": scope,
    })
}

/// `claims` signed with `algorithm` and `key`, naming `kid` in the header when given.
pub fn sign(algorithm: Algorithm, key: &EncodingKey, kid: Option<&str>, claims: &Value) -> String {
    let mut header = Header::new(algorithm);
    header.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(&header, claims, key).expect("sign the token")
}

/// Mints and records a token for `subject` with `scopes`, valid for an hour.
pub fn mint<S, B>(app: &TestApp<S>, subject: &str, scopes: &[Scope]) -> MintedToken
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    tokens::issue(
        &app.state.db,
        &app.state.keys,
        subject,
        scopes,
        HOUR,
        app.now(),
    )
    .expect("mint and record")
}

/// Records `claims` as a token signed by `keys` (so the record is not what is under test).
pub fn record_signed<S, B>(app: &TestApp<S>, keys: &TokenKeys, claims: Claims) -> String
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let minted = MintedToken {
        token: keys.sign(&claims).expect("sign"),
        claims,
        kid: keys.kid().to_owned(),
    };
    app.state
        .db
        .write_bookkeeping(|conn| model::record(conn, &minted))
        .expect("record");
    minted.token
}

/// The record of token `jti`.
fn row<S, B>(app: &TestApp<S>, jti: &str) -> model::TokenRow
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let jti = jti.to_owned();
    app.state
        .db
        .read_blocking(move |conn| model::find(conn, &jti))
        .expect("read")
        .expect("the token is recorded")
}

/// Creates a category with `token`; returns the status.
async fn create_category<S, B>(app: &TestApp<S>, token: &str, name: &str) -> u16
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    app.post(token, "/api/v1/categories", json!({ "name": name }))
        .await
        .status
        .as_u16()
}

/// `GET /api/v1/auth/whoami` with `token`.
async fn whoami<S, B>(app: &TestApp<S>, token: &str) -> crate::common::Reply
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    app.get_as(token, "/api/v1/auth/whoami").await
}

#[actix_web::test]
async fn every_minted_token_is_recorded_with_its_kid_subject_scopes_and_times() {
    let app = spawn_with(|config| config.jwt_secret = Some(SECRET.to_owned())).await;
    let minted = mint(&app, "nightly-import", &[Scope::Read, Scope::Write]);
    let header = jsonwebtoken::decode_header(&minted.token).expect("header");
    assert_eq!(header.alg, Algorithm::HS256);
    assert_eq!(
        header.kid.as_deref(),
        Some(key_id(SECRET.as_bytes()).as_str())
    );
    let row = row(&app, &minted.claims.jti);
    assert_eq!(row.subject, "nightly-import");
    assert_eq!(row.scopes, "content:read content:write");
    assert_eq!(row.kid, key_id(SECRET.as_bytes()));
    assert_eq!(row.created_at, app.now().naive_utc());
    assert_eq!(
        row.expires_at,
        (app.now() + TimeDelta::hours(1)).naive_utc()
    );
    assert_eq!((row.last_used_at, row.revoked_at), (None, None));
    assert_eq!(app.count("api_tokens"), 1);
}

#[test]
fn the_kid_is_the_first_8_hex_digits_of_the_secrets_sha256_never_the_secret() {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(SECRET.as_bytes());
    let expected: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(key_id(SECRET.as_bytes()), expected);
    assert_eq!(expected.len(), 8);
    let token = TokenKeys::new(SECRET.as_bytes(), "healthhub", "healthhub-api")
        .mint("someone", &[Scope::Read], HOUR, Utc::now())
        .expect("mint");
    let header = jsonwebtoken::decode_header(&token).expect("header");
    assert_eq!(header.kid, Some(expected));
    assert!(!token.contains(SECRET));
}

#[test]
fn the_default_ttl_is_30_days_and_more_than_365_days_is_refused() {
    assert_eq!(
        healthhub::auth::DEFAULT_TTL,
        Duration::from_secs(30 * 24 * 3600)
    );
    let keys = TokenKeys::new(SECRET.as_bytes(), "healthhub", "healthhub-api");
    let now = Utc::now();
    assert!(keys
        .mint(
            "a",
            &[Scope::Read],
            Duration::from_secs(365 * 24 * 3600),
            now
        )
        .is_ok());
    assert!(keys
        .mint(
            "a",
            &[Scope::Read],
            Duration::from_secs(366 * 24 * 3600),
            now
        )
        .is_err());
}

#[actix_web::test]
async fn whoami_returns_the_subject_scopes_expiry_jti_and_issuer() {
    let app = spawn().await;
    let minted = mint(&app, "editor-bot", &[Scope::Write, Scope::Publish]);
    let reply = whoami(&app, &minted.token).await.expect(200);
    let expires: DateTime<Utc> = reply.body["expires_at"]
        .as_str()
        .expect("expires_at")
        .parse()
        .expect("RFC 3339");
    assert_eq!(expires, app.now() + TimeDelta::hours(1));
    assert_eq!(
        reply.body,
        json!({
            "subject": "editor-bot",
            "scopes": ["content:write", "content:publish"],
            "expires_at": reply.body["expires_at"],
            "jti": minted.claims.jti,
            "issuer": "healthhub",
        })
    );
    assert_eq!(reply.header("cache-control"), "private, no-store");
}

#[actix_web::test]
async fn whoami_without_a_token_is_401_with_a_bearer_challenge() {
    let app = spawn().await;
    let reply = app
        .get("/api/v1/auth/whoami")
        .await
        .expect_problem(401, "unauthorized");
    assert!(reply.header("www-authenticate").starts_with("Bearer"));
}

#[actix_web::test]
async fn token_list_shows_every_token_newest_first_with_its_state() {
    let app = spawn().await;
    let first = mint(&app, "alice", &[Scope::Read]);
    app.set_now(app.now() + TimeDelta::minutes(5));
    let second = mint(&app, "bob", &ALL_SCOPES);
    let now = app.now().naive_utc();
    let jti = second.claims.jti.clone();
    app.state
        .db
        .write_bookkeeping(move |conn| {
            model::revoke(
                conn,
                &jti,
                &healthhub::changes::model::Journal::system(1),
                now,
            )
        })
        .expect("revoke");

    let rows = app.state.db.read_blocking(model::list).expect("list");
    let jtis: Vec<&str> = rows.iter().map(|r| r.jti.as_str()).collect();
    assert_eq!(
        jtis,
        [second.claims.jti.as_str(), first.claims.jti.as_str()]
    );
    assert_eq!(rows[0].revoked_at, Some(now));

    let mut out = Vec::new();
    tokens::cli::list(&app.state.db, app.now(), &mut out).expect("list");
    let text = String::from_utf8(out).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    for column in [
        "JTI",
        "SUBJECT",
        "SCOPES",
        "CREATED",
        "EXPIRES",
        "LAST USED",
        "REVOKED",
    ] {
        assert!(lines[0].contains(column), "{text}");
    }
    assert!(lines[1].starts_with(&second.claims.jti), "{text}");
    assert!(
        lines[1].contains("content:read,content:write,content:publish"),
        "{text}"
    );
    assert!(lines[1].contains("2026-06-01T12:05:00Z"), "{text}");
    assert!(lines[2].starts_with(&first.claims.jti) && lines[2].contains("alice"));
    assert!(lines[2].trim_end().ends_with('-'), "not revoked: {text}");
}

#[actix_web::test]
async fn revoking_a_jti_revokes_that_token_only_and_at_once() {
    let app = spawn().await;
    let revoked = mint(&app, "alice", &ALL_SCOPES);
    let kept = mint(&app, "alice", &ALL_SCOPES);
    assert_eq!(create_category(&app, &revoked.token, "Before").await, 201);

    let mut out = Vec::new();
    tokens::cli::revoke(&app.state.db, &revoked.claims.jti, app.now(), &mut out).expect("revoke");
    let text = String::from_utf8(out).expect("utf-8");
    assert!(
        text.starts_with(&format!("revoked {} (subject alice", revoked.claims.jti)),
        "{text}"
    );
    assert_eq!(text.lines().count(), 1, "{text}");

    whoami(&app, &revoked.token)
        .await
        .expect_problem(401, "unauthorized");
    assert_eq!(create_category(&app, &revoked.token, "After").await, 401);
    assert_eq!(create_category(&app, &kept.token, "Kept").await, 201);
    assert_eq!(app.count("categories"), 2);
}

#[actix_web::test]
async fn revoking_a_subject_revokes_all_of_its_tokens_and_reports_each() {
    let app = spawn().await;
    let alices = [
        mint(&app, "alice", &[Scope::Read]),
        mint(&app, "alice", &ALL_SCOPES),
    ];
    let bob = mint(&app, "bob", &ALL_SCOPES);
    let now = app.now().naive_utc();
    let revocation = app
        .state
        .db
        .write_bookkeeping(move |conn| {
            model::revoke(
                conn,
                "alice",
                &healthhub::changes::model::Journal::system(1),
                now,
            )
        })
        .expect("revoke");
    let mut revoked: Vec<&str> = revocation.revoked.iter().map(|r| r.jti.as_str()).collect();
    let mut expected: Vec<&str> = alices.iter().map(|m| m.claims.jti.as_str()).collect();
    revoked.sort_unstable();
    expected.sort_unstable();
    assert_eq!(revoked, expected);
    assert!(revocation.already_revoked.is_empty());
    for minted in &alices {
        assert_eq!(row(&app, &minted.claims.jti).revoked_at, Some(now));
        whoami(&app, &minted.token)
            .await
            .expect_problem(401, "unauthorized");
    }
    whoami(&app, &bob.token).await.expect(200);

    // Again, later: nothing new is revoked and the first revocation time stays.
    app.set_now(app.now() + TimeDelta::hours(1));
    let mut out = Vec::new();
    tokens::cli::revoke(&app.state.db, "alice", app.now(), &mut out).expect("revoke again");
    let text = String::from_utf8(out).expect("utf-8");
    assert_eq!(
        text.matches("already revoked at 2026-06-01T12:00:00Z")
            .count(),
        2,
        "{text}"
    );
    assert_eq!(row(&app, &alices[0].claims.jti).revoked_at, Some(now));
}

#[actix_web::test]
async fn revoking_what_matches_nothing_fails_and_changes_nothing() {
    let app = spawn().await;
    let minted = mint(&app, "alice", &ALL_SCOPES);
    let mut out = Vec::new();
    let error = tokens::cli::revoke(&app.state.db, "nobody", app.now(), &mut out)
        .expect_err("nothing matches");
    assert!(error.to_string().contains("'nobody'"), "{error}");
    assert!(out.is_empty());
    assert_eq!(row(&app, &minted.claims.jti).revoked_at, None);
}

#[actix_web::test]
async fn last_used_at_is_buffered_in_memory_and_written_in_one_flush() {
    let app = spawn().await;
    let minted = mint(&app, "reader", &[Scope::Read]);
    let jti = &minted.claims.jti;
    let last_write = app.state.db.last_write();
    for seconds in [0, 5, 10] {
        app.set_now(crate::common::start_time() + TimeDelta::seconds(seconds));
        app.get_as(&minted.token, "/api/v1/articles")
            .await
            .expect(200);
    }
    // No write on the request path: the uses wait in memory.
    assert_eq!(row(&app, jti).last_used_at, None);
    assert_eq!(app.state.token_usage.pending(), 1);

    assert_eq!(usage::flush(&app.state).await.expect("flush"), 1);
    let ten = crate::common::start_time() + TimeDelta::seconds(10);
    assert_eq!(row(&app, jti).last_used_at, Some(ten.naive_utc()));
    assert_eq!(app.state.token_usage.pending(), 0);
    assert_eq!(usage::flush(&app.state).await.expect("empty flush"), 0);
    // Token bookkeeping is not a content change: Last-Modified does not move.
    assert_eq!(app.state.db.last_write(), last_write);

    // A use older than the stored one never moves it back.
    app.state
        .token_usage
        .touch(jti, (ten - TimeDelta::seconds(9)).naive_utc());
    assert_eq!(usage::flush(&app.state).await.expect("flush"), 0);
    assert_eq!(row(&app, jti).last_used_at, Some(ten.naive_utc()));

    app.set_now(ten + TimeDelta::seconds(50));
    whoami(&app, &minted.token).await.expect(200);
    usage::flush(&app.state).await.expect("flush");
    assert_eq!(
        row(&app, jti).last_used_at,
        Some((ten + TimeDelta::seconds(50)).naive_utc())
    );
}

#[actix_web::test]
async fn refused_tokens_are_not_counted_as_used() {
    let app = spawn().await;
    let minted = mint(&app, "reader", &[Scope::Read]);
    let now = app.now().naive_utc();
    let jti = minted.claims.jti.clone();
    app.state
        .db
        .write_bookkeeping(move |conn| {
            model::revoke(
                conn,
                &jti,
                &healthhub::changes::model::Journal::system(1),
                now,
            )
        })
        .expect("revoke");
    whoami(&app, &minted.token)
        .await
        .expect_problem(401, "unauthorized");
    assert_eq!(app.state.token_usage.pending(), 0);
}

#[actix_web::test]
async fn a_token_signed_with_a_previous_secret_works_while_it_is_listed() {
    let app = spawn_with(|config| {
        config.jwt_secret = Some(SECRET.to_owned());
        config.jwt_previous_secrets = vec![OLD_SECRET.to_owned()];
    })
    .await;
    // A token minted before the rotation, with the old secret, in the same database.
    let old_keys = TokenKeys::new(OLD_SECRET.as_bytes(), "healthhub", "healthhub-api");
    let old = tokens::issue(
        &app.state.db,
        &old_keys,
        "long-lived-script",
        &ALL_SCOPES,
        HOUR,
        app.now(),
    )
    .expect("mint with the old secret");
    assert_eq!(
        row(&app, &old.claims.jti).kid,
        key_id(OLD_SECRET.as_bytes())
    );
    assert_eq!(create_category(&app, &old.token, "Still Works").await, 201);
    assert_eq!(
        whoami(&app, &old.token).await.expect(200).body["subject"],
        "long-lived-script"
    );

    // New tokens are signed with the current secret only.
    let new = mint(&app, "fresh-script", &ALL_SCOPES);
    let header = jsonwebtoken::decode_header(&new.token).expect("header");
    assert_eq!(header.kid, Some(key_id(SECRET.as_bytes())));
    assert_eq!(
        app.state.keys.accepted_kids(),
        [key_id(SECRET.as_bytes()), key_id(OLD_SECRET.as_bytes())]
    );
}

#[actix_web::test]
async fn a_token_signed_with_a_previous_secret_fails_once_it_is_removed_from_the_list() {
    let app = spawn_with(|config| config.jwt_secret = Some(SECRET.to_owned())).await;
    let old_keys = TokenKeys::new(OLD_SECRET.as_bytes(), "healthhub", "healthhub-api");
    let old = tokens::issue(
        &app.state.db,
        &old_keys,
        "long-lived-script",
        &ALL_SCOPES,
        HOUR,
        app.now(),
    )
    .expect("mint with the old secret");
    let reply = whoami(&app, &old.token)
        .await
        .expect_problem(401, "unauthorized");
    assert!(
        reply.body["detail"]
            .as_str()
            .unwrap()
            .contains("unknown signing key"),
        "{}",
        reply.body
    );
    assert_eq!(create_category(&app, &old.token, "Refused").await, 401);
    assert_eq!(app.count("categories"), 0);
}

#[test]
fn rotation_verifies_with_listed_keys_and_signs_with_the_current_one() {
    let now = Utc::now();
    let before = TokenKeys::new(OLD_SECRET.as_bytes(), "healthhub", "healthhub-api");
    let token = before.mint("s", &[Scope::Read], HOUR, now).expect("mint");
    let rotated = TokenKeys::new(SECRET.as_bytes(), "healthhub", "healthhub-api")
        .accepting_previous(OLD_SECRET.as_bytes());
    assert_eq!(rotated.verify(&token, now).expect("listed").subject, "s");
    assert_eq!(rotated.kid(), key_id(SECRET.as_bytes()));
    let retired = TokenKeys::new(SECRET.as_bytes(), "healthhub", "healthhub-api");
    assert!(retired.verify(&token, now).is_err());
}

#[test]
fn short_previous_secrets_are_refused() {
    let mut config = Config::for_database("unused.db");
    config.jwt_secret = Some(SECRET.to_owned());
    config.jwt_previous_secrets = vec!["short".to_owned()];
    assert!(TokenKeys::from_config(&config).is_err());
}

#[actix_web::test]
async fn an_external_rs256_token_from_a_pem_key_is_accepted_with_the_right_iss_aud_and_scope() {
    let app = spawn_with_issuer("issuer.pem", RSA_PUBLIC_PEM, |_| {}).await;
    let key = EncodingKey::from_rsa_pem(RSA_PRIVATE_PEM.as_bytes()).expect("RSA key");
    let token = sign(
        Algorithm::RS256,
        &key,
        None,
        &external_claims(app.now(), "content:read content:write"),
    );
    assert_eq!(create_category(&app, &token, "From The IdP").await, 201);
    let me = whoami(&app, &token).await.expect(200).body;
    assert_eq!(me["subject"], "idp|alice");
    assert_eq!(me["issuer"], EXTERNAL_ISSUER);
    assert_eq!(me["scopes"], json!(["content:read", "content:write"]));
    assert_eq!(me["jti"], Value::Null);
    // External tokens are not recorded, and their use is not buffered.
    assert_eq!(app.count("api_tokens"), 0);
    assert_eq!(app.state.token_usage.pending(), 0);
}

#[actix_web::test]
async fn external_es256_and_eddsa_tokens_are_accepted_by_their_jwks_kid() {
    let app = spawn_with_issuer("jwks.json", &jwks(), |_| {}).await;
    let ec = EncodingKey::from_ec_pem(EC_PRIVATE_PEM.as_bytes()).expect("EC key");
    let ed = EncodingKey::from_ed_pem(ED_PRIVATE_PEM.as_bytes()).expect("Ed25519 key");
    let claims = external_claims(app.now(), "content:write");
    let es256 = sign(Algorithm::ES256, &ec, Some("ec-1"), &claims);
    let eddsa = sign(Algorithm::EdDSA, &ed, Some("ed-1"), &claims);
    assert_eq!(
        create_category(&app, &es256, "Signed With P-256").await,
        201
    );
    assert_eq!(
        create_category(&app, &eddsa, "Signed With Ed25519").await,
        201
    );
}

#[actix_web::test]
async fn an_external_token_without_the_scope_is_403_and_with_our_issuer_401() {
    let app = spawn_with_issuer("jwks.json", &jwks(), |_| {}).await;
    let ed = EncodingKey::from_ed_pem(ED_PRIVATE_PEM.as_bytes()).expect("Ed25519 key");
    let read_only = sign(
        Algorithm::EdDSA,
        &ed,
        Some("ed-1"),
        &external_claims(app.now(), "content:read"),
    );
    app.post(&read_only, "/api/v1/categories", json!({"name": "No"}))
        .await
        .expect_problem(403, "forbidden");
    let mut claims = external_claims(app.now(), "content:write");
    claims["iss"] = json!("healthhub");
    let impostor = sign(Algorithm::EdDSA, &ed, Some("ed-1"), &claims);
    assert_eq!(create_category(&app, &impostor, "No").await, 401);
    assert_eq!(app.count("categories"), 0);
}

#[actix_web::test]
async fn the_algorithm_is_fixed_by_the_key_never_by_the_token_header() {
    let app = spawn_with_issuer("jwks.json", &jwks(), |_| {}).await;
    let ed = EncodingKey::from_ed_pem(ED_PRIVATE_PEM.as_bytes()).expect("Ed25519 key");
    let claims = external_claims(app.now(), "content:write");
    // A valid EdDSA signature, but naming the ES256 key: refused.
    let confused = sign(Algorithm::EdDSA, &ed, Some("ec-1"), &claims);
    assert_eq!(create_category(&app, &confused, "No").await, 401);
    // The encryption key of the JWKS is not a signing key.
    let encryption = sign(Algorithm::EdDSA, &ed, Some("enc-1"), &claims);
    assert_eq!(create_category(&app, &encryption, "No").await, 401);
    assert_eq!(app.count("categories"), 0);
}

#[test]
fn public_keys_take_their_algorithm_from_the_key() {
    let rsa = public_keys::from_pem(RSA_PUBLIC_PEM.as_bytes()).expect("RSA");
    assert_eq!((rsa.algorithm, rsa.kid), (Algorithm::RS256, None));
    let ed = public_keys::from_pem(ED_PUBLIC_PEM.as_bytes()).expect("Ed25519");
    assert_eq!(ed.algorithm, Algorithm::EdDSA);
    let set = public_keys::from_jwks(&jwks()).expect("JWKS");
    let found: Vec<(Option<&str>, Algorithm)> = set
        .iter()
        .map(|k| (k.kid.as_deref(), k.algorithm))
        .collect();
    assert_eq!(
        found,
        [
            (Some("ec-1"), Algorithm::ES256),
            (Some("ed-1"), Algorithm::EdDSA)
        ]
    );
}

#[test]
fn private_keys_symmetric_jwks_keys_and_mismatched_algs_are_refused() {
    assert!(public_keys::from_pem(RSA_PRIVATE_PEM.as_bytes()).is_err());
    let oct = json!({"keys": [{"kty": "oct", "k": "c2VjcmV0", "kid": "h"}]}).to_string();
    assert!(public_keys::from_jwks(&oct).is_err());
    let lying = json!({"keys": [{"kty": "OKP", "crv": "Ed25519", "alg": "RS256",
        "x": "xuOjNURd7-IvHlN0WRnhoXJhNJIJV2npiAYWdr6ncUo"}]})
    .to_string();
    assert!(public_keys::from_jwks(&lying).is_err());
    let hmac = json!({"keys": [{"kty": "OKP", "crv": "Ed25519", "alg": "HS256",
        "x": "xuOjNURd7-IvHlN0WRnhoXJhNJIJV2npiAYWdr6ncUo"}]})
    .to_string();
    assert!(public_keys::from_jwks(&hmac).is_err());
}

#[test]
fn public_keys_need_an_external_issuer_and_vice_versa() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path: PathBuf = dir.path().join("issuer.pem");
    std::fs::write(&path, RSA_PUBLIC_PEM).expect("write");
    let mut config = Config::for_database("unused.db");
    config.jwt_secret = Some(SECRET.to_owned());
    config.jwt_public_keys = Some(path);
    assert!(TokenKeys::from_config(&config).is_err());
    config.jwt_external_issuer = Some("healthhub".to_owned());
    assert!(
        TokenKeys::from_config(&config).is_err(),
        "the external issuer must differ from ours"
    );
    config.jwt_external_issuer = Some(EXTERNAL_ISSUER.to_owned());
    assert!(TokenKeys::from_config(&config).is_ok());
    config.jwt_public_keys = None;
    assert!(TokenKeys::from_config(&config).is_err());
}

/// Runs the `healthhub` binary with `args` against the database of `app` (same `JWT_SECRET`).
fn healthhub<S, B>(app: &TestApp<S>, args: &[&str]) -> Output
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let output = Command::new(env!("CARGO_BIN_EXE_healthhub"))
        .args(args)
        .current_dir(app.dir.path())
        .env_clear()
        .env("DATABASE_URL", &app.state.config.database_url)
        .env("JWT_SECRET", SECRET)
        .env("HEALTHHUB_DEMO", "false")
        .env("RUST_LOG", "warn")
        .output()
        .expect("run healthhub");
    assert!(
        output.status.success(),
        "healthhub {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

#[actix_web::test]
async fn the_cli_creates_lists_and_revokes_tokens_and_the_running_app_obeys_at_once() {
    let app = spawn_with(|config| config.jwt_secret = Some(SECRET.to_owned())).await;
    // The binary uses the system clock.
    app.set_now(Utc::now());
    let created = healthhub(
        &app,
        &[
            "token",
            "create",
            "--subject",
            "ci-bot",
            "--scopes",
            "content:write",
            "--ttl",
            "2h",
        ],
    );
    let token = String::from_utf8(created.stdout).expect("utf-8");
    let token = token.trim();
    assert_eq!(token.split('.').count(), 3, "{token}");
    assert_eq!(create_category(&app, token, "Made By CI").await, 201);
    let jti = whoami(&app, token).await.expect(200).body["jti"]
        .as_str()
        .expect("jti")
        .to_owned();

    let listed = String::from_utf8(healthhub(&app, &["token", "list"]).stdout).expect("utf-8");
    assert!(
        listed
            .lines()
            .any(|l| l.starts_with(&jti) && l.contains("ci-bot")),
        "{listed}"
    );

    // Revoked by another process: the very next request is refused.
    let revoked =
        String::from_utf8(healthhub(&app, &["token", "revoke", &jti]).stdout).expect("utf-8");
    assert!(
        revoked.starts_with(&format!("revoked {jti} (subject ci-bot")),
        "{revoked}"
    );
    assert_eq!(create_category(&app, token, "After Revocation").await, 401);
    assert_eq!(app.count("categories"), 1);
}

#[actix_web::test]
async fn query_string_tokens_are_refused_even_on_routes_without_a_token() {
    let app = spawn().await;
    for path in [
        "/healthz?access_token=abc",
        "/readyz?token=abc",
        "/openapi.json?access_token=abc",
        "/api/v1/categories?TOKEN=abc",
    ] {
        let reply = app.send(TestRequest::get().uri(path)).await;
        assert_eq!(reply.status.as_u16(), 401, "{path}");
        reply.expect_problem(401, "unauthorized");
    }
    app.get("/healthz?tokens=fine").await.expect(200);
}
