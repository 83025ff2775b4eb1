//! Tests: abuse limits — rates per client address and per token subject (429, Retry-After,
//! RateLimit-*), one counted view per client per article, bounded limiter memory, proxy trust,
//! and the URL length limits (414).

use crate::common::{bearer, quota, spawn, spawn_with, Reply, TestApp, ALL_SCOPES};
use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::TestRequest;
use chrono::TimeDelta;
use serde_json::json;
use std::net::SocketAddr;
use std::time::Duration;

/// A client at `192.0.2.<n>`.
fn client(n: u8) -> SocketAddr {
    SocketAddr::from(([192, 0, 2, n], 40000))
}

/// An anonymous GET of `path` from `peer`.
fn get_from(path: &str, peer: SocketAddr) -> TestRequest {
    TestRequest::get().uri(path).peer_addr(peer)
}

/// Asserts a `429` `rate_limited` problem with `Retry-After: retry_after` and an empty quota.
#[track_caller]
fn assert_limited(reply: Reply, retry_after: u64) -> Reply {
    let reply = reply.expect_problem(429, "rate_limited");
    assert_eq!(reply.header("retry-after"), retry_after.to_string());
    assert_eq!(reply.header("ratelimit-remaining"), "0");
    assert_eq!(reply.header("cache-control"), "no-store");
    reply
}

/// Asserts a `429` `view_already_counted` problem with `Retry-After: retry_after`.
#[track_caller]
fn assert_view_refused(reply: Reply, retry_after: u64) -> Reply {
    let reply = reply.expect_problem(429, "view_already_counted");
    assert_eq!(reply.header("retry-after"), retry_after.to_string());
    assert_eq!(reply.header("cache-control"), "no-store");
    reply
}

/// Moves the test clock `seconds` on.
fn wait<S, B>(app: &TestApp<S>, seconds: i64)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    app.set_now(app.now() + TimeDelta::seconds(seconds));
}

/// A recorded editor's token for `subject`.
fn token_for<S, B>(app: &TestApp<S>, subject: &str) -> String
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    healthhub::auth::issue(
        &app.state.db,
        &app.state.keys,
        subject,
        &ALL_SCOPES,
        Duration::from_secs(3600),
        app.now(),
    )
    .expect("issue a token")
    .token
}

#[actix_web::test]
async fn a_client_gets_429_with_retry_after_once_its_quota_is_used_and_again_later() {
    let app = spawn_with(|config| config.limits.reads_per_minute = 3).await;
    let path = "/api/v1/categories";
    for (remaining, reset) in [(2, 20), (1, 40), (0, 60)] {
        let reply = app.send(get_from(path, client(1))).await.expect(200);
        assert_eq!(quota(&reply), Some((3, remaining, reset)), "{reply:?}");
    }
    let refused = assert_limited(app.send(get_from(path, client(1))).await, 20);
    assert_eq!(quota(&refused), Some((3, 0, 60)));
    assert!(
        refused.body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("client address")),
        "{}",
        refused.body
    );
    // Every method counts: an anonymous write is refused before it reaches the 401.
    let write = TestRequest::post()
        .uri(path)
        .peer_addr(client(1))
        .set_json(json!({"name": "Sleep"}));
    assert_limited(app.send(write).await, 20);
    // Another client has its own quota.
    let other = app.send(get_from(path, client(2))).await.expect(200);
    assert_eq!(quota(&other), Some((3, 2, 20)));
    // The probes are never limited.
    for probe in ["/healthz", "/readyz"] {
        let reply = app.send(get_from(probe, client(1))).await.expect(200);
        assert_eq!(quota(&reply), None, "{probe}");
    }

    wait(&app, 19);
    assert_limited(app.send(get_from(path, client(1))).await, 1);
    wait(&app, 1);
    let again = app.send(get_from(path, client(1))).await.expect(200);
    assert_eq!(quota(&again), Some((3, 0, 60)));
    wait(&app, 60);
    let refilled = app.send(get_from(path, client(1))).await.expect(200);
    assert_eq!(quota(&refilled), Some((3, 2, 20)));
}

#[actix_web::test]
async fn requests_without_a_peer_address_share_one_quota() {
    let app = spawn_with(|config| config.limits.reads_per_minute = 2).await;
    app.get("/api/v1/articles").await.expect(200);
    app.get("/api/v1/categories").await.expect(200);
    assert_limited(app.get("/api/v1/articles").await, 30);
}

#[actix_web::test]
async fn writes_are_limited_per_token_subject_whatever_the_address() {
    let app = spawn_with(|config| {
        config.limits.reads_per_minute = 1000;
        config.limits.writes_per_minute = 2;
    })
    .await;
    let alice = token_for(&app, "alice");
    let create = |token: &str, name: &str, from: u8| {
        TestRequest::post()
            .uri("/api/v1/categories")
            .peer_addr(client(from))
            .insert_header(bearer(token))
            .set_json(json!({"name": name}))
    };
    let first = app.send(create(&alice, "One", 1)).await.expect(201);
    assert_eq!(
        quota(&first),
        Some((2, 1, 30)),
        "the tighter quota is reported"
    );
    app.send(create(&alice, "Two", 2)).await.expect(201);
    let refused = assert_limited(app.send(create(&alice, "Three", 3)).await, 30);
    assert_eq!(quota(&refused), Some((2, 0, 60)));
    assert!(refused.body["detail"]
        .as_str()
        .is_some_and(|d| d.contains("token")));
    assert_eq!(app.count("categories"), 2, "a refused write writes nothing");

    // Reads with the same token are not writes.
    let read = TestRequest::get()
        .uri("/api/v1/categories")
        .peer_addr(client(3))
        .insert_header(bearer(&alice));
    app.send(read).await.expect(200);
    // Another subject on the same address has its own quota.
    let bob = token_for(&app, "bob");
    app.send(create(&bob, "Four", 3)).await.expect(201);
    // Anonymous writes are not charged to any subject (and get their 401).
    let anonymous = TestRequest::post()
        .uri("/api/v1/categories")
        .peer_addr(client(3))
        .set_json(json!({"name": "Five"}));
    app.send(anonymous)
        .await
        .expect_problem(401, "unauthorized");

    wait(&app, 30);
    app.send(create(&alice, "Six", 1)).await.expect(201);
}

#[actix_web::test]
async fn an_invalid_token_cannot_spend_a_subjects_write_quota() {
    let app = spawn_with(|config| config.limits.writes_per_minute = 1).await;
    let alice = token_for(&app, "alice");
    // A token for "alice" signed with another secret.
    let forged = healthhub::auth::TokenKeys::new(
        b"another-secret-that-is-long-enough-0123",
        &app.state.config.jwt_issuer,
        &app.state.config.jwt_audience,
    )
    .mint("alice", &ALL_SCOPES, Duration::from_secs(600), app.now())
    .expect("mint");
    for name in ["A", "B", "C"] {
        app.post(&forged, "/api/v1/categories", json!({"name": name}))
            .await
            .expect_problem(401, "unauthorized");
    }
    app.post(&alice, "/api/v1/categories", json!({"name": "Real"}))
        .await
        .expect(201);
}

/// A published article "Popular" (and "Other") in a new category; returns Popular's id.
async fn popular<S, B>(app: &TestApp<S>) -> i64
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let health = app.category("Health", None).await;
    let category = health["id"].as_i64().expect("category id");
    let published = json!({"status": "published", "published_at": "2025-01-01T00:00:00Z"});
    app.article("Other", category, published.clone()).await;
    app.article("Popular", category, published).await["id"]
        .as_i64()
        .expect("article id")
}

/// A view of `article` (id or slug) from `peer`.
fn view(article: &str, peer: SocketAddr) -> TestRequest {
    TestRequest::post()
        .uri(&format!("/api/v1/articles/{article}/views"))
        .peer_addr(peer)
}

#[actix_web::test]
async fn a_client_counts_one_view_per_article_per_window() {
    let app = spawn().await;
    let id = popular(&app).await;
    let counted = app.send(view("popular", client(1))).await.expect(200);
    assert_eq!(counted.body, json!({"view_count": 1}));

    assert_view_refused(app.send(view("popular", client(1))).await, 60);
    // Naming the article by its id instead of its slug changes nothing.
    assert_view_refused(app.send(view(&id.to_string(), client(1))).await, 60);
    let page = app.get("/api/v1/articles/popular").await.expect(200);
    assert_eq!(page.body["view_count"], 1, "a refused view is not counted");

    // Another article, or another client, counts.
    app.send(view("other", client(1))).await.expect(200);
    let second = app.send(view("popular", client(2))).await.expect(200);
    assert_eq!(second.body, json!({"view_count": 2}));

    wait(&app, 45);
    assert_view_refused(app.send(view("popular", client(1))).await, 15);
    wait(&app, 15);
    let later = app.send(view("popular", client(1))).await.expect(200);
    assert_eq!(later.body, json!({"view_count": 3}));
    // A missing article is still a 404, not a 429.
    app.send(view("missing", client(1)))
        .await
        .expect_problem(404, "not_found");
}

#[actix_web::test]
async fn a_view_window_of_zero_counts_every_view() {
    let app = spawn_with(|config| config.limits.view_window_seconds = 0).await;
    popular(&app).await;
    for expected in 1..=3 {
        let reply = app.send(view("popular", client(1))).await.expect(200);
        assert_eq!(reply.body, json!({"view_count": expected}));
    }
}

#[actix_web::test]
async fn limiter_memory_stays_bounded_under_many_distinct_clients() {
    let app = spawn_with(|config| {
        config.limits.reads_per_minute = 5;
        config.limits.max_tracked_keys = 50;
    })
    .await;
    let heavy = client(1);
    for _ in 0..5 {
        app.send(get_from("/api/v1/categories", heavy))
            .await
            .expect(200);
    }
    assert_limited(app.send(get_from("/api/v1/articles", heavy)).await, 12);
    let per_ip = app.state.limiters.per_ip.as_ref().expect("per-IP limiter");
    for n in 0..2000u32 {
        let [.., a, b] = n.to_be_bytes();
        let peer = SocketAddr::from(([10, 1, a, b], 5000));
        app.send(get_from("/api/v1/categories", peer))
            .await
            .expect(200);
        assert!(per_ip.tracked_keys() <= 50, "{}", per_ip.tracked_keys());
    }
    assert!(
        app.state.limiters.tracked_keys() <= 3 * 50,
        "{}",
        app.state.limiters.tracked_keys()
    );
    // The client that used its whole quota is among those kept.
    assert_limited(app.send(get_from("/api/v1/articles", heavy)).await, 12);
}

#[actix_web::test]
async fn x_forwarded_for_is_honoured_only_behind_a_trusted_proxy() {
    let proxy = client(100);
    let forwarded = |chain: &str| {
        TestRequest::get()
            .uri("/api/v1/categories")
            .peer_addr(proxy)
            .insert_header(("X-Forwarded-For", chain.to_owned()))
    };
    let direct = spawn_with(|config| config.limits.reads_per_minute = 1).await;
    direct.send(forwarded("198.51.100.1")).await.expect(200);
    assert_limited(direct.send(forwarded("198.51.100.2")).await, 60);

    let behind_proxy = spawn_with(|config| {
        config.limits.reads_per_minute = 1;
        config.limits.trust_proxy = true;
    })
    .await;
    behind_proxy
        .send(forwarded("198.51.100.1"))
        .await
        .expect(200);
    behind_proxy
        .send(forwarded("198.51.100.2"))
        .await
        .expect(200);
    // The entry the proxy appended counts, not what the client wrote before it.
    assert_limited(
        behind_proxy
            .send(forwarded("203.0.113.9, 198.51.100.1"))
            .await,
        60,
    );
}

#[actix_web::test]
async fn a_limit_of_zero_is_no_limit_and_no_headers() {
    let app = spawn_with(|config| {
        config.limits.reads_per_minute = 0;
        config.limits.writes_per_minute = 0;
    })
    .await;
    for _ in 0..50 {
        let reply = app.get("/api/v1/categories").await.expect(200);
        assert_eq!(quota(&reply), None);
    }
    let token = app.editor();
    for n in 0..5 {
        let reply = app
            .post(
                &token,
                "/api/v1/categories",
                json!({"name": format!("C{n}")}),
            )
            .await
            .expect(201);
        assert_eq!(quota(&reply), None);
    }
}

#[actix_web::test]
async fn an_overlong_query_string_or_path_is_414() {
    let app = spawn().await;
    let at_limit = format!("/api/v1/articles?q={}", "a".repeat(2048 - 2));
    let accepted = app.get(&at_limit).await;
    assert_ne!(accepted.status.as_u16(), 414, "{accepted:?}");
    let over = format!("/api/v1/articles?q={}", "a".repeat(2048 - 1));
    let refused = app.get(&over).await.expect_problem(414, "uri_too_long");
    assert!(refused.body["detail"]
        .as_str()
        .is_some_and(|d| d.contains("2048")));
    assert_eq!(refused.body["title"], "URI Too Long");
    let write = TestRequest::post()
        .uri(&format!("/api/v1/categories?x={}", "a".repeat(3000)))
        .insert_header(bearer(&app.editor()))
        .set_json(json!({"name": "Never"}));
    app.send(write).await.expect_problem(414, "uri_too_long");
    assert_eq!(app.count("categories"), 0);

    let long_path = format!("/api/v1/articles/{}", "a".repeat(1100));
    app.get(&long_path)
        .await
        .expect_problem(414, "uri_too_long");

    let strict = spawn_with(|config| config.limits.max_query_bytes = 10).await;
    strict
        .get("/api/v1/articles?page=1&per_page=5")
        .await
        .expect_problem(414, "uri_too_long");
    strict.get("/api/v1/articles?page=1").await.expect(200);
}
