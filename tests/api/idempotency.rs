//! Tests: `Idempotency-Key` on POST — replays, reuse with another request, per-subject keys, expiry, in-flight conflicts, failed first attempts.

use crate::common::{bearer, spawn, spawn_with, Reply, TestApp, ALL_SCOPES};
use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::TestRequest;
use chrono::TimeDelta;
use healthhub::db::idempotency::{self, Claim, Fingerprint};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::rc::Rc;
use std::time::Duration;

const ARTICLES: &str = "/api/v1/articles";

/// A POST of `body` (JSON) with `token` and `Idempotency-Key: key`.
fn keyed(path: &str, token: Option<&str>, key: &str, body: Option<&Value>) -> TestRequest {
    let mut request = TestRequest::post()
        .uri(path)
        .insert_header(("Idempotency-Key", key));
    if let Some(body) = body {
        request = request.set_json(body);
    }
    if let Some(token) = token {
        request = request.insert_header(bearer(token));
    }
    request
}

/// A token with every scope for `subject`, valid for an hour from the test clock's now.
fn token_for<S>(app: &TestApp<S>, subject: &str) -> String {
    healthhub::auth::issue(
        &app.state.db,
        &app.state.keys,
        subject,
        &ALL_SCOPES,
        Duration::from_secs(3600),
        app.state.clock.now(),
    )
    .expect("issue a token")
    .token
}

/// Sends the same keyed POST twice; asserts the first succeeds and the second replays it.
async fn twice<S, B>(
    app: &TestApp<S>,
    path: &str,
    token: Option<&str>,
    key: &str,
    body: Option<Value>,
) -> Reply
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let first = app.send(keyed(path, token, key, body.as_ref())).await;
    assert!(first.status.is_success(), "{path}: {}", first.body);
    let retry = app.send(keyed(path, token, key, body.as_ref())).await;
    assert_replayed(&first, &retry);
    first
}

/// A category to file articles in; returns its id.
async fn category_id<S, B>(app: &TestApp<S>) -> i64
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    app.category("Health", None).await["id"]
        .as_i64()
        .expect("category id")
}

/// Asserts that `replay` is `first` again, byte for byte, marked as replayed.
#[track_caller]
fn assert_replayed(first: &Reply, replay: &Reply) {
    assert_eq!(replay.status, first.status);
    assert_eq!(
        replay.raw, first.raw,
        "the body is the first one, byte for byte"
    );
    for name in ["content-type", "location", "etag"] {
        assert_eq!(replay.header(name), first.header(name), "{name}");
    }
    assert_eq!(first.header("idempotent-replayed"), "");
    assert_eq!(replay.header("idempotent-replayed"), "true");
}

#[actix_web::test]
async fn a_retried_create_gets_the_first_response_and_writes_once() {
    let app = spawn().await;
    let category = category_id(&app).await;
    let token = app.editor();
    let body = json!({
        "title": "Why Do We Wake Up at 3 a.m.?",
        "category_id": category,
        "sections": [{"heading": "Sleep cycles", "body": "Ninety minutes each."}],
    });
    let first = app
        .send(keyed(ARTICLES, Some(&token), "create-1", Some(&body)))
        .await
        .expect(201);
    assert!(first.header("location").starts_with("/api/v1/articles/"));
    assert_eq!(first.header("etag"), "\"1\"");
    let retry = app
        .send(keyed(ARTICLES, Some(&token), "create-1", Some(&body)))
        .await
        .expect(201);
    assert_replayed(&first, &retry);
    assert_eq!(app.count("articles"), 1);
    assert_eq!(app.count("sections"), 1);
    assert_eq!(app.count("idempotency_keys"), 1);

    let without_key = app.post(&token, ARTICLES, body.clone()).await.expect(201);
    assert_ne!(without_key.body["id"], first.body["id"]);
    assert_eq!(
        app.count("articles"),
        2,
        "a POST without a key is not deduplicated"
    );
}

#[actix_web::test]
async fn every_post_operation_replays_instead_of_writing_again() {
    let app = spawn().await;
    let token = app.editor();
    let category = twice(
        &app,
        "/api/v1/categories",
        Some(&token),
        "category",
        Some(json!({"name": "Health"})),
    )
    .await;
    assert_eq!(app.count("categories"), 1);
    let article = twice(
        &app,
        ARTICLES,
        Some(&token),
        "article",
        Some(json!({"title": "Sleep", "category_id": category.body["id"]})),
    )
    .await;
    let path = format!("{ARTICLES}/{}", article.body["id"]);
    twice(
        &app,
        &format!("{path}/sections"),
        Some(&token),
        "section",
        Some(json!({"heading": "Cycles", "body": "Ninety minutes."})),
    )
    .await;
    assert_eq!(app.count("sections"), 1);
    let published = twice(
        &app,
        &format!("{path}/publish"),
        Some(&token),
        "publish",
        None,
    )
    .await;
    let unpublished = twice(
        &app,
        &format!("{path}/unpublish"),
        Some(&token),
        "unpublish",
        None,
    )
    .await;
    assert_eq!(
        unpublished.body["version"],
        published.body["version"].as_i64().unwrap() + 1,
        "each status change happened once"
    );
    twice(
        &app,
        &format!("{path}/publish"),
        Some(&token),
        "publish-again",
        None,
    )
    .await;
    let viewed = twice(&app, &format!("{path}/views"), None, "view", None).await;
    assert_eq!(viewed.body["view_count"], 1);
    let stored = app.get(&path).await.expect(200);
    assert_eq!(
        stored.body["view_count"], 1,
        "the retried view was not counted"
    );
    assert_eq!(stored.body["sections"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn the_same_key_for_a_different_request_is_422_and_writes_nothing() {
    let app = spawn().await;
    let category = category_id(&app).await;
    let token = app.editor();
    let body = json!({"title": "Sleep", "category_id": category});
    app.send(keyed(ARTICLES, Some(&token), "k", Some(&body)))
        .await
        .expect(201);

    let other_body = json!({"title": "Nutrition", "category_id": category});
    app.send(keyed(ARTICLES, Some(&token), "k", Some(&other_body)))
        .await
        .expect_problem(422, "idempotency_key_reused");
    app.send(keyed(
        "/api/v1/categories",
        Some(&token),
        "k",
        Some(&json!({"name": "Other"})),
    ))
    .await
    .expect_problem(422, "idempotency_key_reused");
    assert_eq!(app.count("articles"), 1);
    assert_eq!(app.count("categories"), 1);
    assert_eq!(app.count("idempotency_keys"), 1);
}

#[actix_web::test]
async fn keys_belong_to_the_token_subject() {
    let app = spawn().await;
    let category = category_id(&app).await;
    let alice = token_for(&app, "alice");
    let bob = token_for(&app, "bob");
    let first = app
        .send(keyed(
            ARTICLES,
            Some(&alice),
            "shared-key",
            Some(&json!({"title": "Alice's", "category_id": category})),
        ))
        .await
        .expect(201);
    let second = app
        .send(keyed(
            ARTICLES,
            Some(&bob),
            "shared-key",
            Some(&json!({"title": "Bob's", "category_id": category})),
        ))
        .await
        .expect(201);
    assert_ne!(first.body["id"], second.body["id"]);
    assert_eq!(second.header("idempotent-replayed"), "");
    assert_eq!(app.count("articles"), 2);
    assert_eq!(app.count("idempotency_keys"), 2);
}

#[actix_web::test]
async fn a_key_is_remembered_for_24_hours() {
    let app = spawn().await;
    let category = category_id(&app).await;
    let body = json!({"title": "Sleep", "category_id": category});
    let first = app
        .send(keyed(ARTICLES, Some(&app.editor()), "daily", Some(&body)))
        .await
        .expect(201);

    app.set_now(app.now() + TimeDelta::hours(24) - TimeDelta::seconds(1));
    let retry = app
        .send(keyed(ARTICLES, Some(&app.editor()), "daily", Some(&body)))
        .await;
    assert_replayed(&first, &retry);

    app.set_now(app.now() + TimeDelta::seconds(2));
    let later = app
        .send(keyed(ARTICLES, Some(&app.editor()), "daily", Some(&body)))
        .await
        .expect(201);
    assert_eq!(later.header("idempotent-replayed"), "");
    assert_ne!(later.body["id"], first.body["id"]);
    assert_eq!(app.count("articles"), 2);
    assert_eq!(
        app.count("idempotency_keys"),
        1,
        "the expired record was replaced"
    );
}

#[actix_web::test]
async fn expired_records_of_other_keys_are_purged() {
    let app = spawn().await;
    let category = category_id(&app).await;
    for key in ["a", "b", "c"] {
        app.send(keyed(
            ARTICLES,
            Some(&app.editor()),
            key,
            Some(&json!({"title": key, "category_id": category})),
        ))
        .await
        .expect(201);
    }
    assert_eq!(app.count("idempotency_keys"), 3);
    app.set_now(app.now() + TimeDelta::hours(25));
    app.send(keyed(
        ARTICLES,
        Some(&app.editor()),
        "d",
        Some(&json!({"title": "d", "category_id": category})),
    ))
    .await
    .expect(201);
    assert_eq!(app.count("idempotency_keys"), 1);
}

#[actix_web::test]
async fn a_malformed_key_is_400_and_writes_nothing() {
    let app = spawn().await;
    let category = category_id(&app).await;
    let token = app.editor();
    let body = json!({"title": "Sleep", "category_id": category});
    let too_long = "k".repeat(256);
    for key in ["", too_long.as_str(), "has space", "tab\tinside"] {
        app.send(keyed(ARTICLES, Some(&token), key, Some(&body)))
            .await
            .expect_problem(400, "bad_request");
    }
    let non_ascii = TestRequest::post()
        .uri(ARTICLES)
        .insert_header(bearer(&token))
        .insert_header((
            "Idempotency-Key",
            actix_web::http::header::HeaderValue::from_bytes("caf\u{e9}".as_bytes()).unwrap(),
        ))
        .set_json(&body);
    app.send(non_ascii).await.expect_problem(400, "bad_request");
    assert_eq!(app.count("articles"), 0);
    assert_eq!(app.count("idempotency_keys"), 0);

    let longest = "k".repeat(255);
    app.send(keyed(ARTICLES, Some(&token), &longest, Some(&body)))
        .await
        .expect(201);
}

#[actix_web::test]
async fn reads_and_other_methods_ignore_the_header() {
    let app = spawn().await;
    let category = category_id(&app).await;
    let token = app.editor();
    let article = app
        .article("Sleep", category, json!({"status": "published"}))
        .await;
    let path = format!("{ARTICLES}/{}", article["id"]);
    for key in ["", "read-key"] {
        let read = app
            .send(
                TestRequest::get()
                    .uri(&path)
                    .insert_header(("Idempotency-Key", key)),
            )
            .await
            .expect(200);
        assert_eq!(read.body["id"], article["id"]);
    }
    for title in ["First", "Second"] {
        app.send(
            TestRequest::patch()
                .uri(&path)
                .insert_header(bearer(&token))
                .insert_header(("Idempotency-Key", "patch-key"))
                .set_json(json!({ "title": title })),
        )
        .await
        .expect(200);
    }
    assert_eq!(app.get(&path).await.body["title"], "Second");
    assert_eq!(app.count("idempotency_keys"), 0);
}

#[actix_web::test]
async fn a_failed_request_is_not_remembered_and_a_corrected_retry_succeeds() {
    let app = spawn().await;
    let category = category_id(&app).await;
    let token = app.editor();
    let invalid = json!({"title": "", "category_id": category});
    app.send(keyed(ARTICLES, Some(&token), "fix-me", Some(&invalid)))
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(app.count("idempotency_keys"), 0);

    let corrected = json!({"title": "Sleep", "category_id": category});
    let created = app
        .send(keyed(ARTICLES, Some(&token), "fix-me", Some(&corrected)))
        .await
        .expect(201);
    assert_eq!(created.header("idempotent-replayed"), "");
    assert_eq!(app.count("articles"), 1);

    app.send(keyed(ARTICLES, Some(&token), "fix-me", Some(&invalid)))
        .await
        .expect_problem(422, "idempotency_key_reused");
}

#[actix_web::test]
async fn a_request_without_a_valid_token_is_not_remembered() {
    let app = spawn().await;
    let category = category_id(&app).await;
    let body = json!({"title": "Sleep", "category_id": category});
    app.send(keyed(ARTICLES, Some("not-a-token"), "k", Some(&body)))
        .await
        .expect_problem(401, "unauthorized");
    app.send(keyed(ARTICLES, None, "k", Some(&body)))
        .await
        .expect_problem(401, "unauthorized");
    assert_eq!(app.count("idempotency_keys"), 0);
    app.send(keyed(ARTICLES, Some(&app.editor()), "k", Some(&body)))
        .await
        .expect(201);
}

#[actix_web::test]
async fn a_request_still_in_progress_is_409_until_its_lease_lapses() {
    let app = spawn().await;
    let category = category_id(&app).await;
    let token = app.editor();
    let body = json!({"title": "Sleep", "category_id": category});
    let raw = serde_json::to_vec(&body).unwrap();
    // A first request that reserved the key and is still running (or whose process died).
    let fingerprint = Fingerprint {
        subject: "token:test-script".to_owned(),
        key: "slow".to_owned(),
        method: "POST".to_owned(),
        path: ARTICLES.to_owned(),
        body_sha256: Sha256::digest(&raw)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
    };
    let now = app.now().naive_utc();
    let claimed = app
        .state
        .db
        .write_bookkeeping(|conn| Ok(idempotency::claim(conn, &fingerprint, now)?))
        .unwrap();
    assert_eq!(claimed, Claim::Reserved);

    app.send(keyed(ARTICLES, Some(&token), "slow", Some(&body)))
        .await
        .expect_problem(409, "idempotency_key_in_use");
    app.send(keyed(
        ARTICLES,
        Some(&token),
        "slow",
        Some(&json!({"title": "Other", "category_id": category})),
    ))
    .await
    .expect_problem(422, "idempotency_key_reused");
    assert_eq!(app.count("articles"), 0);

    app.set_now(
        app.now()
            + healthhub::http::middleware::idempotency::IN_FLIGHT_LEASE
            + TimeDelta::seconds(1),
    );
    app.send(keyed(ARTICLES, Some(&token), "slow", Some(&body)))
        .await
        .expect(201);
    assert_eq!(app.count("articles"), 1);
}

#[actix_web::test]
async fn concurrent_requests_with_one_key_write_once() {
    let app = Rc::new(spawn().await);
    let category = category_id(&app).await;
    let token = app.editor();
    let body = json!({
        "title": "Sleep",
        "category_id": category,
        "sections": [{"heading": "A", "body": "a"}, {"heading": "B", "body": "b"}],
    });
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let (app, token, body) = (Rc::clone(&app), token.clone(), body.clone());
            actix_web::rt::spawn(async move {
                app.send(keyed(ARTICLES, Some(&token), "burst", Some(&body)))
                    .await
            })
        })
        .collect();
    let mut created = Vec::new();
    for task in tasks {
        let reply = task.await.expect("request task");
        match reply.status.as_u16() {
            201 => created.push(reply),
            409 => {
                reply.expect_problem(409, "idempotency_key_in_use");
            }
            other => panic!("unexpected {other}: {}", reply.body),
        }
    }
    assert!(!created.is_empty());
    assert!(created.iter().all(|reply| reply.raw == created[0].raw));
    assert_eq!(app.count("articles"), 1);
    assert_eq!(app.count("sections"), 2);
}

#[actix_web::test]
async fn a_keyed_body_over_the_limit_is_413() {
    let app = spawn_with(|config| config.max_body_bytes = 256).await;
    let category = category_id(&app).await;
    let body = json!({"title": "x".repeat(300), "category_id": category});
    app.send(keyed(ARTICLES, Some(&app.editor()), "big", Some(&body)))
        .await
        .expect_problem(413, "payload_too_large");
    assert_eq!(app.count("idempotency_keys"), 0);
}

#[actix_web::test]
async fn answers_with_a_secret_shown_once_are_never_stored_for_replay() {
    let app = crate::common::spawn().await;
    let category = app.category("Health", None).await;
    app.article(
        "Draft",
        category["id"].as_i64().unwrap(),
        serde_json::json!({}),
    )
    .await;
    let webhooks = app.token(&[healthhub::auth::Scope::Webhooks]);
    let editor = app.editor();
    let cases = [
        (
            webhooks.as_str(),
            "/api/v1/webhooks",
            serde_json::json!({"url": "https://hooks.example.org/in", "events": ["*"]}),
            "secret",
        ),
        (
            editor.as_str(),
            "/api/v1/articles/draft/preview",
            serde_json::json!({}),
            "token",
        ),
    ];
    for (token, path, body, secret_field) in cases {
        let send = || {
            app.send(
                actix_web::test::TestRequest::post()
                    .uri(path)
                    .insert_header(crate::common::bearer(token))
                    .insert_header(("Idempotency-Key", format!("once-{path}")))
                    .set_json(body.clone()),
            )
        };
        let first = send().await.expect(201);
        let secret = first.body[secret_field].as_str().unwrap().to_owned();
        let location = first.header("location").to_owned();
        let retry = send().await.expect_problem(409, "conflict");
        assert_eq!(retry.header("idempotent-replayed"), "true");
        assert_eq!(retry.header("location"), location);
        assert!(!String::from_utf8_lossy(&retry.raw).contains(&secret));
        // Nowhere in the stored replays either.
        let mut conn = healthhub::db::DbConn::open(&app.state.config.database_url).unwrap();
        #[derive(diesel::QueryableByName)]
        struct Body {
            #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Binary>)]
            body: Option<Vec<u8>>,
        }
        let stored: Vec<Body> = diesel::RunQueryDsl::load(
            diesel::sql_query("SELECT body FROM idempotency_keys"),
            &mut conn,
        )
        .unwrap();
        assert!(stored.iter().all(|row| !String::from_utf8_lossy(
            row.body.as_deref().unwrap_or_default()
        )
        .contains(&secret)));
    }
}
