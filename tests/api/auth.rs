//! Tests: bearer tokens guard every write (401/403, nothing written), drafts and scheduled articles stay hidden from anonymous readers, publishing follows the app clock, and the signing secret's setup.

use crate::common::{bearer, spawn, spawn_with, start_time, Reply, TestApp, ALL_SCOPES};
use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::TestRequest;
use chrono::{DateTime, Duration as TimeDelta, Utc};
use healthhub::auth::{Scope, TokenKeys};
use healthhub::config::Config;
use serde_json::{json, Value};
use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

/// The secret configured for the apps that tokens minted outside them are checked against.
const SHARED_SECRET: &str = "a-shared-secret-that-is-long-enough-for-hs256";
const HOUR: Duration = Duration::from_secs(3600);

/// An app whose `JWT_SECRET` is [`SHARED_SECRET`].
async fn spawn_with_shared_secret() -> TestApp<
    impl Service<Request, Response = ServiceResponse<impl MessageBody>, Error = actix_web::Error>,
> {
    spawn_with(|config| config.jwt_secret = Some(SHARED_SECRET.to_owned())).await
}

/// A token with every scope minted by keys with `secret`, `issuer` and `audience`, valid for an hour.
fn foreign_token(secret: &[u8], issuer: &str, audience: &str, now: DateTime<Utc>) -> String {
    TokenKeys::new(secret, issuer, audience)
        .mint("outsider", &ALL_SCOPES, HOUR, now)
        .expect("mint token")
}

/// Creates a "Health" category; returns its id.
async fn health_category<S, B>(app: &TestApp<S>) -> i64
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    app.category("Health", None).await["id"]
        .as_i64()
        .expect("category id")
}

/// Creates a draft article in a new category; returns the category id and the draft.
async fn with_draft<S, B>(app: &TestApp<S>) -> (i64, Value)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let category_id = health_category(app).await;
    let draft = app.article("Sleep Cycles", category_id, json!({})).await;
    assert_eq!(draft["status"], "draft");
    (category_id, draft)
}

/// The article as an editor sees it (to compare before and after a refused write).
async fn snapshot<S, B>(app: &TestApp<S>, slug: &str) -> Value
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    app.get_as(&app.editor(), &format!("/api/v1/articles/{slug}"))
        .await
        .expect(200)
        .body
}

/// Every guarded article write, labelled: create, update, delete, publish.
fn article_writes(category_id: i64, slug: &str) -> Vec<(&'static str, TestRequest)> {
    let article = format!("/api/v1/articles/{slug}");
    vec![
        (
            "POST /api/v1/articles",
            TestRequest::post()
                .uri("/api/v1/articles")
                .set_json(json!({"title": "Intruder", "category_id": category_id})),
        ),
        (
            "PATCH /api/v1/articles/{slug}",
            TestRequest::patch()
                .uri(&article)
                .set_json(json!({"title": "Defaced"})),
        ),
        (
            "DELETE /api/v1/articles/{slug}",
            TestRequest::delete().uri(&article),
        ),
        (
            "POST /api/v1/articles/{slug}/publish",
            TestRequest::post().uri(&format!("{article}/publish")),
        ),
    ]
}

/// Sends every article write with `authorization` (or none) and asserts each is a 401 with a
/// Bearer `invalid_token` challenge that leaves the database as it was.
async fn assert_writes_unauthorized<S, B>(app: &TestApp<S>, authorization: Option<&str>)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let (category_id, draft) = with_draft(app).await;
    let slug = draft["slug"].as_str().expect("slug");
    let before = snapshot(app, slug).await;
    let articles = app.count("articles");
    for (label, mut request) in article_writes(category_id, slug) {
        if let Some(value) = authorization {
            request = request.insert_header(("Authorization", value));
        }
        let reply = app.send(request).await;
        assert_eq!(reply.status.as_u16(), 401, "{label}: {}", reply.body);
        let reply = reply.expect_problem(401, "unauthorized");
        let challenge = reply.header("www-authenticate");
        assert!(challenge.starts_with("Bearer"), "{label}: {challenge}");
        assert!(
            challenge.contains("error=\"invalid_token\""),
            "{label}: {challenge}"
        );
        assert_eq!(app.count("articles"), articles, "{label} wrote an article");
        assert_eq!(
            snapshot(app, slug).await,
            before,
            "{label} changed the article"
        );
    }
}

/// `token` with one character in the middle of its claims segment changed.
fn tamper(token: &str) -> String {
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    assert_eq!(parts.len(), 3, "a JWT has three segments");
    let claims = &mut parts[1];
    let middle = claims.len() / 2;
    let replacement = if &claims[middle..=middle] == "A" {
        "B"
    } else {
        "A"
    };
    claims.replace_range(middle..=middle, replacement);
    parts.join(".")
}

/// Anonymous GET of `path`.
async fn anonymous_status<S, B>(app: &TestApp<S>, path: &str) -> u16
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    app.get(path).await.status.as_u16()
}

/// The slugs in a list reply.
fn slugs(reply: &Reply) -> Vec<&str> {
    reply.body["data"]
        .as_array()
        .expect("data array")
        .iter()
        .map(|a| a["slug"].as_str().expect("slug"))
        .collect()
}

/// A reply's `published_at` as an instant.
fn published_at(reply: &Reply) -> DateTime<Utc> {
    reply.body["published_at"]
        .as_str()
        .expect("published_at is set")
        .parse()
        .expect("RFC 3339 timestamp")
}

#[actix_web::test]
async fn writes_without_a_token_are_401_with_a_bearer_challenge() {
    let app = spawn().await;
    assert_writes_unauthorized(&app, None).await;
}

#[actix_web::test]
async fn writes_with_a_token_signed_by_another_secret_are_401() {
    let app = spawn().await;
    let token = foreign_token(
        b"another-secret-of-at-least-32-bytes!!",
        "healthhub",
        "healthhub-api",
        app.now(),
    );
    assert_writes_unauthorized(&app, Some(&format!("Bearer {token}"))).await;
}

#[actix_web::test]
async fn a_token_minted_elsewhere_with_the_shared_secret_but_never_recorded_is_401() {
    let app = spawn_with_shared_secret().await;
    let token = foreign_token(
        SHARED_SECRET.as_bytes(),
        "healthhub",
        "healthhub-api",
        app.now(),
    );
    assert_writes_unauthorized(&app, Some(&format!("Bearer {token}"))).await;
}

#[actix_web::test]
async fn writes_with_a_token_from_another_issuer_are_401() {
    let app = spawn_with_shared_secret().await;
    let token = foreign_token(
        SHARED_SECRET.as_bytes(),
        "someone-else",
        "healthhub-api",
        app.now(),
    );
    assert_writes_unauthorized(&app, Some(&format!("Bearer {token}"))).await;
}

#[actix_web::test]
async fn writes_with_a_token_for_another_audience_are_401() {
    let app = spawn_with_shared_secret().await;
    let token = foreign_token(SHARED_SECRET.as_bytes(), "healthhub", "other", app.now());
    assert_writes_unauthorized(&app, Some(&format!("Bearer {token}"))).await;
}

#[actix_web::test]
async fn writes_with_an_expired_token_are_401() {
    let app = spawn().await;
    let token = app.token_at(&ALL_SCOPES, app.now() - TimeDelta::hours(3), HOUR);
    assert_writes_unauthorized(&app, Some(&format!("Bearer {token}"))).await;
}

#[actix_web::test]
async fn writes_with_a_token_issued_in_the_future_are_401() {
    let app = spawn().await;
    let token = app.token_at(&ALL_SCOPES, app.now() + TimeDelta::days(10), HOUR);
    assert_writes_unauthorized(&app, Some(&format!("Bearer {token}"))).await;
}

#[actix_web::test]
async fn a_token_expired_by_less_than_the_leeway_still_writes() {
    let app = spawn().await;
    let category_id = health_category(&app).await;
    let issued = app.now() - TimeDelta::hours(1) - TimeDelta::seconds(30);
    let token = app.token_at(&ALL_SCOPES, issued, HOUR);
    app.post(
        &token,
        "/api/v1/articles",
        json!({"title": "Just in time", "category_id": category_id}),
    )
    .await
    .expect(201);
}

#[actix_web::test]
async fn writes_with_a_tampered_token_are_401() {
    let app = spawn().await;
    let token = tamper(&app.editor());
    assert_writes_unauthorized(&app, Some(&format!("Bearer {token}"))).await;
}

#[actix_web::test]
async fn writes_with_basic_authorization_are_401() {
    let app = spawn().await;
    assert_writes_unauthorized(&app, Some("Basic abc")).await;
}

#[actix_web::test]
async fn reads_with_a_garbage_token_are_401_not_anonymous() {
    let app = spawn().await;
    let category_id = health_category(&app).await;
    let article = app
        .article(
            "Public Page",
            category_id,
            json!({"status": "published", "published_at": "2026-01-01T00:00:00Z"}),
        )
        .await;
    let slug = article["slug"].as_str().expect("slug");
    app.get(&format!("/api/v1/articles/{slug}"))
        .await
        .expect(200);
    for path in [
        "/api/v1/articles".to_owned(),
        format!("/api/v1/articles/{slug}"),
    ] {
        let reply = app.get_as("not-a-jwt", &path).await;
        assert_eq!(reply.status.as_u16(), 401, "GET {path}: {}", reply.body);
        let reply = reply.expect_problem(401, "unauthorized");
        assert!(reply.header("www-authenticate").starts_with("Bearer"));
    }
}

#[actix_web::test]
async fn a_read_only_token_cannot_create_articles() {
    let app = spawn().await;
    let category_id = health_category(&app).await;
    let token = app.token(&[Scope::Read]);
    let reply = app
        .post(
            &token,
            "/api/v1/articles",
            json!({"title": "Not Mine To Write", "category_id": category_id}),
        )
        .await
        .expect_problem(403, "forbidden");
    assert!(
        reply
            .header("www-authenticate")
            .contains("insufficient_scope"),
        "{}",
        reply.header("www-authenticate")
    );
    assert_eq!(app.count("articles"), 0);
}

#[actix_web::test]
async fn a_write_token_without_publish_creates_drafts() {
    let app = spawn().await;
    let category_id = health_category(&app).await;
    let token = app.token(&[Scope::Write]);
    let created = app
        .post(
            &token,
            "/api/v1/articles",
            json!({"title": "Work In Progress", "category_id": category_id}),
        )
        .await
        .expect(201);
    assert_eq!(created.body["status"], "draft");
    assert_eq!(created.body["published_at"], Value::Null);
    assert_eq!(app.count("articles"), 1);
}

#[actix_web::test]
async fn a_write_token_without_publish_cannot_create_a_published_article() {
    let app = spawn().await;
    let category_id = health_category(&app).await;
    let token = app.token(&[Scope::Write]);
    app.post(
        &token,
        "/api/v1/articles",
        json!({"title": "Straight Out", "category_id": category_id, "status": "published"}),
    )
    .await
    .expect_problem(403, "forbidden");
    assert_eq!(app.count("articles"), 0);
}

#[actix_web::test]
async fn a_write_token_without_publish_cannot_publish_a_draft() {
    let app = spawn().await;
    let (_, draft) = with_draft(&app).await;
    let slug = draft["slug"].as_str().expect("slug");
    let before = snapshot(&app, slug).await;
    let token = app.token(&[Scope::Write]);
    app.send(
        TestRequest::post()
            .uri(&format!("/api/v1/articles/{slug}/publish"))
            .insert_header(bearer(&token)),
    )
    .await
    .expect_problem(403, "forbidden");
    assert_eq!(snapshot(&app, slug).await, before);
}

#[actix_web::test]
async fn a_write_token_without_publish_cannot_change_the_status() {
    let app = spawn().await;
    let (_, draft) = with_draft(&app).await;
    let slug = draft["slug"].as_str().expect("slug");
    let before = snapshot(&app, slug).await;
    let token = app.token(&[Scope::Write]);
    app.patch(
        &token,
        &format!("/api/v1/articles/{slug}"),
        json!({"status": "published"}),
    )
    .await
    .expect_problem(403, "forbidden");
    assert_eq!(snapshot(&app, slug).await, before);
}

#[actix_web::test]
async fn a_draft_is_404_to_anonymous_readers_by_slug_and_by_id() {
    let app = spawn().await;
    let (_, draft) = with_draft(&app).await;
    for key in [
        draft["slug"].as_str().expect("slug").to_owned(),
        draft["id"].to_string(),
    ] {
        app.get(&format!("/api/v1/articles/{key}"))
            .await
            .expect_problem(404, "not_found");
    }
}

#[actix_web::test]
async fn anonymous_article_lists_leave_out_drafts() {
    let app = spawn().await;
    let (category_id, _) = with_draft(&app).await;
    let public = app
        .article("Out Now", category_id, json!({"status": "published"}))
        .await;
    let list = app.get("/api/v1/articles").await.expect(200);
    assert_eq!(slugs(&list), [public["slug"].as_str().expect("slug")]);
    assert_eq!(list.body["meta"]["total"], 1);
}

#[actix_web::test]
async fn listing_drafts_anonymously_is_401() {
    let app = spawn().await;
    with_draft(&app).await;
    app.get("/api/v1/articles?status=draft")
        .await
        .expect_problem(401, "unauthorized");
}

#[actix_web::test]
async fn a_read_token_lists_drafts() {
    let app = spawn().await;
    let (_, draft) = with_draft(&app).await;
    let list = app
        .get_as(&app.token(&[Scope::Read]), "/api/v1/articles?status=draft")
        .await
        .expect(200);
    assert_eq!(slugs(&list), [draft["slug"].as_str().expect("slug")]);
}

#[actix_web::test]
async fn a_scheduled_article_appears_to_anonymous_readers_when_its_time_comes() {
    let app = spawn().await;
    let category_id = health_category(&app).await;
    let release = app.now() + TimeDelta::days(1);
    let article = app
        .article(
            "Coming Soon",
            category_id,
            json!({"status": "published", "published_at": release.to_rfc3339()}),
        )
        .await;
    let path = format!(
        "/api/v1/articles/{}",
        article["slug"].as_str().expect("slug")
    );
    assert_eq!(anonymous_status(&app, &path).await, 404);

    app.set_now(release - TimeDelta::seconds(1));
    assert_eq!(anonymous_status(&app, &path).await, 404);

    app.set_now(release);
    assert_eq!(anonymous_status(&app, &path).await, 200);
}

#[actix_web::test]
async fn publishing_without_a_time_uses_the_app_clock() {
    let app = spawn().await;
    let (_, draft) = with_draft(&app).await;
    app.set_now(start_time() + TimeDelta::days(3) + TimeDelta::minutes(7));
    let slug = draft["slug"].as_str().expect("slug");
    let published = app
        .send(
            TestRequest::post()
                .uri(&format!("/api/v1/articles/{slug}/publish"))
                .insert_header(bearer(&app.editor())),
        )
        .await
        .expect(200);
    assert_eq!(published.body["status"], "published");
    assert_eq!(published_at(&published), app.now());
    assert_eq!(
        anonymous_status(&app, &format!("/api/v1/articles/{slug}")).await,
        200
    );
}

#[actix_web::test]
async fn publishing_with_a_time_keeps_that_time() {
    let app = spawn().await;
    let (_, draft) = with_draft(&app).await;
    let slug = draft["slug"].as_str().expect("slug");
    let chosen = start_time() - TimeDelta::days(40);
    let published = app
        .post(
            &app.editor(),
            &format!("/api/v1/articles/{slug}/publish"),
            json!({"published_at": chosen.to_rfc3339()}),
        )
        .await
        .expect(200);
    assert_eq!(published_at(&published), chosen);
}

#[actix_web::test]
async fn publishing_a_draft_that_already_has_a_time_keeps_it() {
    let app = spawn().await;
    let category_id = health_category(&app).await;
    let chosen = start_time() - TimeDelta::days(2);
    let draft = app
        .article(
            "Backdated",
            category_id,
            json!({"status": "draft", "published_at": chosen.to_rfc3339()}),
        )
        .await;
    app.set_now(start_time() + TimeDelta::days(5));
    let slug = draft["slug"].as_str().expect("slug");
    let published = app
        .send(
            TestRequest::post()
                .uri(&format!("/api/v1/articles/{slug}/publish"))
                .insert_header(bearer(&app.editor())),
        )
        .await
        .expect(200);
    assert_eq!(published_at(&published), chosen);
}

#[actix_web::test]
async fn unpublishing_hides_the_article_from_anonymous_readers_again() {
    let app = spawn().await;
    let category_id = health_category(&app).await;
    let article = app
        .article("Retracted", category_id, json!({"status": "published"}))
        .await;
    let slug = article["slug"].as_str().expect("slug");
    let path = format!("/api/v1/articles/{slug}");
    assert_eq!(anonymous_status(&app, &path).await, 200);

    let unpublished = app
        .send(
            TestRequest::post()
                .uri(&format!("{path}/unpublish"))
                .insert_header(bearer(&app.editor())),
        )
        .await
        .expect(200);
    assert_eq!(unpublished.body["status"], "draft");
    app.get(&path).await.expect_problem(404, "not_found");
    let list = app.get("/api/v1/articles").await.expect(200);
    assert!(slugs(&list).is_empty(), "{}", list.body);
}

#[actix_web::test]
async fn anonymous_views_are_counted_on_a_published_article() {
    let app = spawn().await;
    let category_id = health_category(&app).await;
    let article = app
        .article("Popular", category_id, json!({"status": "published"}))
        .await;
    let views = format!(
        "/api/v1/articles/{}/views",
        article["slug"].as_str().expect("slug")
    );
    for expected in 1..=2u8 {
        let reader = std::net::SocketAddr::from(([192, 0, 2, expected], 40000));
        let request = TestRequest::post().uri(&views).peer_addr(reader);
        let reply = app.send(request).await.expect(200);
        assert_eq!(reply.body, json!({"view_count": expected}));
    }
}

#[actix_web::test]
async fn anonymous_views_of_a_draft_are_404_and_not_counted() {
    let app = spawn().await;
    let (_, draft) = with_draft(&app).await;
    let slug = draft["slug"].as_str().expect("slug");
    app.send(TestRequest::post().uri(&format!("/api/v1/articles/{slug}/views")))
        .await
        .expect_problem(404, "not_found");
    assert_eq!(snapshot(&app, slug).await["view_count"], 0);
}

#[actix_web::test]
async fn without_jwt_secret_a_private_secret_file_is_generated_next_to_the_database_and_reused() {
    if crate::test_db::sqlite_only("a secret generated next to the database file") {
        return;
    }
    let app = spawn().await;
    assert_eq!(app.state.config.jwt_secret, None);
    let file = app.dir.path().join(".healthhub-jwt-secret");
    let mode = std::fs::metadata(&file)
        .expect("the secret file exists next to the database")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "mode {mode:o}");
    let secret = std::fs::read(&file).expect("read secret");

    let again = TokenKeys::from_config(&app.state.config).expect("keys");
    assert_eq!(std::fs::read(&file).expect("read secret"), secret);
    let principal = again
        .verify(&app.token(&[Scope::Write]), app.now())
        .expect("a token minted with the first keys verifies with the second");
    assert_eq!(principal.scopes, [Scope::Write]);
}

#[test]
fn a_jwt_secret_shorter_than_32_bytes_is_refused() {
    let mut config = Config::for_database("unused.db");
    config.jwt_secret = Some("x".repeat(31));
    assert!(TokenKeys::from_config(&config).is_err());
    config.jwt_secret = Some("x".repeat(32));
    assert!(TokenKeys::from_config(&config).is_ok());
}
