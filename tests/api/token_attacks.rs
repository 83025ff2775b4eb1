//! Proof 1, token attacks: `alg: none`, HS256 signed with an external RS256 issuer's public key,
//! expired, `nbf` in the future, wrong `iss`, wrong `aud`, tampered payload, unknown `kid`,
//! revoked `jti`, a token in the query string — every one a 401 with a Bearer challenge, and
//! nothing written (no content row, no token row, no recorded use).
//!
//! The app under attack has `JWT_SECRET` set and an external RS256 issuer configured, and each
//! forged token differs from a valid one in the one way under test (it is signed with the right
//! key and recorded unless the attack is about exactly that).

use crate::common::{bearer, Reply, TestApp, ALL_SCOPES};
use crate::tokens::{
    external_claims, mint, record_signed, sign, spawn_with_issuer, EXTERNAL_ISSUER, RSA_PUBLIC_PEM,
    SECRET,
};
use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::TestRequest;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::Duration as TimeDelta;
use healthhub::auth::records as model;
use healthhub::auth::{key_id, Claims, Scope};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

/// The tables a write could touch, and the buffered token uses.
fn footprint<S, B>(app: &TestApp<S>) -> Vec<i64>
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let mut counts: Vec<i64> = ["categories", "articles", "sections", "api_tokens"]
        .into_iter()
        .map(|table| app.count(table))
        .collect();
    counts.push(app.state.token_usage.pending() as i64);
    counts
}

/// Asserts `reply` is a 401 problem with a Bearer `invalid_token` challenge.
#[track_caller]
fn assert_401(reply: Reply, label: &str) {
    assert_eq!(reply.status.as_u16(), 401, "{label}: {}", reply.body);
    let reply = reply.expect_problem(401, "unauthorized");
    let challenge = reply.header("www-authenticate");
    assert!(
        challenge.starts_with("Bearer") && challenge.contains("error=\"invalid_token\""),
        "{label}: {challenge}"
    );
}

/// Sends a category create, an article create and a read with `token`: each must be a 401, and
/// nothing may be written.
async fn assert_refused<S, B>(app: &TestApp<S>, token: &str, label: &str)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let before = footprint(app);
    let category = app
        .post(token, "/api/v1/categories", json!({"name": "Forged"}))
        .await;
    assert_401(category, &format!("{label}: POST /categories"));
    let article = app
        .post(
            token,
            "/api/v1/articles",
            json!({"title": "Forged", "category_id": 1, "status": "published"}),
        )
        .await;
    assert_401(article, &format!("{label}: POST /articles"));
    let me = app.get_as(token, "/api/v1/auth/whoami").await;
    assert_401(me, &format!("{label}: GET /auth/whoami"));
    assert_eq!(footprint(app), before, "{label} wrote something");
}

/// The app under attack: our secret, plus an external RS256 issuer configured by PEM; with one
/// category so that an article create would otherwise succeed.
async fn target() -> TestApp<
    impl Service<Request, Response = ServiceResponse<impl MessageBody>, Error = actix_web::Error>,
> {
    let app = spawn_with_issuer("issuer.pem", RSA_PUBLIC_PEM, |_| {}).await;
    app.category("Health", None).await;
    app
}

/// Valid claims of an editor token of ours, at the app's now, not yet signed.
fn our_claims<S, B>(app: &TestApp<S>) -> Claims
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    app.state
        .keys
        .issue("mallory", &ALL_SCOPES, crate::tokens::HOUR, app.now())
        .expect("claims")
        .claims
}

/// base64url of `value` as JSON.
fn b64(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

#[actix_web::test]
async fn the_control_a_valid_recorded_token_writes() {
    let app = target().await;
    let token = record_signed(&app, &app.state.keys, our_claims(&app));
    app.post(&token, "/api/v1/categories", json!({"name": "Allowed"}))
        .await
        .expect(201);
}

#[actix_web::test]
async fn alg_none_is_401() {
    let app = target().await;
    // Claims that are valid and even recorded: only the missing signature is wrong.
    let claims = serde_json::to_value(our_claims(&app)).expect("claims");
    let valid = record_signed(
        &app,
        &app.state.keys,
        serde_json::from_value(claims.clone()).unwrap(),
    );
    assert_eq!(valid.split('.').count(), 3);
    let kid = app.state.keys.kid().to_owned();
    for header in [
        json!({"alg": "none", "typ": "JWT"}),
        json!({"alg": "none", "typ": "JWT", "kid": kid}),
        json!({"alg": "None", "kid": kid}),
    ] {
        let forged = format!("{}.{}.", b64(&header), b64(&claims));
        assert_refused(&app, &forged, &format!("alg none {header}")).await;
        let forged_with_signature = format!("{forged}{}", valid.rsplit('.').next().unwrap());
        assert_refused(&app, &forged_with_signature, "alg none, old signature").await;
    }
}

#[actix_web::test]
async fn hs256_signed_with_the_external_issuers_public_key_is_401() {
    let app = target().await;
    let as_secret = EncodingKey::from_secret(RSA_PUBLIC_PEM.as_bytes());
    let trimmed = EncodingKey::from_secret(RSA_PUBLIC_PEM.trim().as_bytes());
    let external = external_claims(app.now(), "content:read content:write content:publish");
    let mut ours = external.clone();
    ours["iss"] = json!("healthhub");
    ours["aud"] = json!("healthhub-api");
    ours["jti"] = json!("forged");
    for (label, key, kid, claims) in [
        ("no kid, external iss", &as_secret, None, &external),
        ("no kid, trimmed PEM", &trimmed, None, &external),
        ("no kid, our iss", &as_secret, None, &ours),
        (
            "our kid, our iss",
            &as_secret,
            Some(app.state.keys.kid()),
            &ours,
        ),
    ] {
        let forged = sign(Algorithm::HS256, key, kid, claims);
        assert_refused(&app, &forged, label).await;
    }
}

#[actix_web::test]
async fn an_expired_token_is_401() {
    let app = target().await;
    let issued = app.now() - TimeDelta::hours(3);
    let expired = healthhub::auth::issue(
        &app.state.db,
        &app.state.keys,
        "mallory",
        &ALL_SCOPES,
        crate::tokens::HOUR,
        issued,
    )
    .expect("mint")
    .token;
    assert_refused(&app, &expired, "expired").await;
}

#[actix_web::test]
async fn a_token_expired_beyond_the_60_second_leeway_is_401() {
    let app = target().await;
    let mut claims = our_claims(&app);
    claims.exp = app.now().timestamp() - 61;
    claims.iat = claims.exp - 3600;
    let token = record_signed(&app, &app.state.keys, claims);
    assert_refused(&app, &token, "expired 61 s ago").await;
}

#[actix_web::test]
async fn nbf_in_the_future_is_401() {
    let app = target().await;
    let mut claims = our_claims(&app);
    claims.nbf = Some(app.now().timestamp() + 3600);
    let token = record_signed(&app, &app.state.keys, claims);
    assert_refused(&app, &token, "nbf in an hour").await;
    app.set_now(app.now() + TimeDelta::hours(1));
    app.get_as(&token, "/api/v1/auth/whoami").await.expect(200);
}

#[actix_web::test]
async fn a_wrong_issuer_is_401() {
    let app = target().await;
    let mut claims = our_claims(&app);
    claims.iss = "someone-else".to_owned();
    let token = record_signed(&app, &app.state.keys, claims);
    assert_refused(&app, &token, "iss someone-else").await;

    // The external issuer's name on a token signed with our secret is no better.
    let mut claims = our_claims(&app);
    claims.iss = EXTERNAL_ISSUER.to_owned();
    let token = record_signed(&app, &app.state.keys, claims);
    assert_refused(&app, &token, "external iss, our key").await;
}

#[actix_web::test]
async fn a_wrong_audience_is_401() {
    let app = target().await;
    let mut claims = our_claims(&app);
    claims.aud = "another-api".to_owned();
    let token = record_signed(&app, &app.state.keys, claims);
    assert_refused(&app, &token, "aud another-api").await;

    let key = EncodingKey::from_rsa_pem(crate::tokens::RSA_PRIVATE_PEM.as_bytes()).expect("key");
    let mut external = external_claims(app.now(), "content:write");
    external["aud"] = json!(["another-api"]);
    let token = sign(Algorithm::RS256, &key, None, &external);
    assert_refused(&app, &token, "external, aud another-api").await;
}

#[actix_web::test]
async fn a_tampered_payload_is_401() {
    let app = target().await;
    let minted = mint(&app, "reader", &[Scope::Read]);
    let parts: Vec<&str> = minted.token.split('.').collect();
    let mut claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).expect("base64")).expect("json");
    claims["scope"] = json!("content:read content:write content:publish");
    let escalated = format!("{}.{}.{}", parts[0], b64(&claims), parts[2]);
    assert_refused(&app, &escalated, "scope escalated").await;

    claims["scope"] = json!("content:read");
    claims["sub"] = json!("admin");
    let impersonating = format!("{}.{}.{}", parts[0], b64(&claims), parts[2]);
    assert_refused(&app, &impersonating, "subject changed").await;
}

#[actix_web::test]
async fn an_unknown_kid_is_401() {
    let app = target().await;
    let claims = serde_json::to_value(our_claims(&app)).expect("claims");
    let ours = EncodingKey::from_secret(SECRET.as_bytes());
    // Signed with the right secret, but naming a key that does not exist.
    let unknown = sign(Algorithm::HS256, &ours, Some("deadbeef"), &claims);
    assert_refused(&app, &unknown, "kid deadbeef").await;
    // No kid at all.
    let missing = sign(Algorithm::HS256, &ours, None, &claims);
    assert_refused(&app, &missing, "no kid").await;
    // Another secret naming its own kid.
    let other = "another-secret-of-at-least-32-bytes!!";
    let foreign = sign(
        Algorithm::HS256,
        &EncodingKey::from_secret(other.as_bytes()),
        Some(&key_id(other.as_bytes())),
        &claims,
    );
    assert_refused(&app, &foreign, "kid of another secret").await;
}

#[actix_web::test]
async fn a_revoked_jti_is_401_at_once() {
    let app = target().await;
    let minted = mint(&app, "mallory", &ALL_SCOPES);
    app.get_as(&minted.token, "/api/v1/auth/whoami")
        .await
        .expect(200);
    let jti = minted.claims.jti.clone();
    let now = app.now().naive_utc();
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
    healthhub::jobs::usage::flush(&app.state)
        .await
        .expect("flush");
    assert_refused(&app, &minted.token, "revoked").await;
}

#[actix_web::test]
async fn a_signed_token_that_was_never_recorded_is_401() {
    let app = target().await;
    let unrecorded = app
        .state
        .keys
        .mint("mallory", &ALL_SCOPES, crate::tokens::HOUR, app.now())
        .expect("mint");
    assert_refused(&app, &unrecorded, "not recorded").await;
}

#[actix_web::test]
async fn a_token_in_the_query_string_is_401_even_when_valid() {
    let app = target().await;
    let token = mint(&app, "mallory", &ALL_SCOPES).token;
    for parameter in ["access_token", "token"] {
        let before = footprint(&app);
        let label = format!("?{parameter}=");
        let create = TestRequest::post()
            .uri(&format!("/api/v1/categories?{parameter}={token}"))
            .set_json(json!({"name": "Via Query"}));
        assert_401(app.send(create).await, &format!("{label} alone"));
        // Refused, not ignored, even next to a valid Authorization header.
        let both = TestRequest::post()
            .uri(&format!("/api/v1/categories?{parameter}={token}"))
            .insert_header(bearer(&token))
            .set_json(json!({"name": "Via Query"}));
        assert_401(app.send(both).await, &format!("{label} with a header"));
        let read = TestRequest::get().uri(&format!("/api/v1/articles?{parameter}={token}"));
        assert_401(app.send(read).await, &format!("{label} on a read"));
        assert_eq!(footprint(&app), before, "{label} wrote something");
    }
}

#[actix_web::test]
async fn an_external_token_signed_by_another_key_is_401() {
    let app = target().await;
    let ed = EncodingKey::from_ed_pem(crate::tokens::ED_PRIVATE_PEM.as_bytes()).expect("key");
    let claims = external_claims(app.now(), "content:write");
    let token = sign(Algorithm::EdDSA, &ed, None, &claims);
    assert_refused(&app, &token, "EdDSA against an RS256 key").await;
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some("rsa-1".to_owned());
    let key = EncodingKey::from_rsa_pem(crate::tokens::RSA_PRIVATE_PEM.as_bytes()).expect("key");
    let named = jsonwebtoken::encode(&header, &claims, &key).expect("sign");
    assert_refused(&app, &named, "a kid the PEM key does not have").await;
}
