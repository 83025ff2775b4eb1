//! Tests: `GET /metrics` — the Prometheus text format, requests by route pattern and status,
//! the response cache's counters, the pool, the notification channel and the webhook backlog.

use crate::common::spawn;
use crate::test_db::backend;
use healthhub::db::Backend;
use serde_json::json;

/// The value of the sample `name` (with its labels as written) in `text`, if present.
pub fn sample(text: &str, name: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
}

#[actix_web::test]
async fn metrics_count_requests_by_route_and_the_caches_hits() {
    let app = spawn().await;
    let health = app.category("Health", None).await["id"].as_i64().unwrap();
    app.article(
        "Counted",
        health,
        json!({"status": "published", "published_at": "2026-01-01T00:00:00Z"}),
    )
    .await;
    for _ in 0..3 {
        app.get("/api/v1/articles/counted").await.expect(200);
    }
    app.get("/api/v1/articles/missing").await.expect(404);
    let reply = app.get("/metrics").await.expect(200);
    assert_eq!(
        reply.header("content-type"),
        "text/plain; version=0.0.4; charset=utf-8"
    );
    assert_eq!(reply.header("cache-control"), "no-store");
    let text = String::from_utf8(reply.raw.clone()).unwrap();
    let route = "route=\"/api/v1/articles/{id_or_slug}\"";
    assert_eq!(
        sample(
            &text,
            &format!("healthhub_http_request_duration_seconds_count{{method=\"GET\",{route},status=\"200\"}}")
        ),
        Some(3.0),
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            &format!("healthhub_http_request_duration_seconds_count{{method=\"GET\",{route},status=\"404\"}}")
        ),
        Some(1.0)
    );
    assert!(
        !text.contains("/api/v1/articles/counted"),
        "paths are never labels"
    );
    // On PostgreSQL the node also applies its own writes' change notifications when they arrive,
    // which may be between two of the reads: that purge costs one more miss.
    let hits = sample(&text, "healthhub_response_cache_hits_total").unwrap();
    match backend() {
        Backend::Sqlite => assert_eq!(hits, 2.0),
        Backend::Postgres => assert!((1.0..=2.0).contains(&hits), "{hits} hits"),
    }
    assert!(sample(&text, "healthhub_response_cache_misses_total").unwrap() >= 1.0);
    assert!(sample(&text, "healthhub_db_pool_wait_seconds_count").unwrap() >= 1.0);
    assert_eq!(
        sample(&text, "healthhub_notification_channel_up"),
        Some(1.0)
    );
    assert_eq!(sample(&text, "healthhub_webhook_backlog"), Some(0.0));
}

/// Any token is a valid method name, so a method outside RFC 9110's and `PATCH` is labelled
/// `other`: made-up methods cannot grow `/metrics` without bound.
#[actix_web::test]
async fn made_up_methods_share_one_method_label() {
    let app = spawn().await;
    for made_up in [
        "FROB",
        "M12345",
        "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
    ] {
        let method = actix_web::http::Method::from_bytes(made_up.as_bytes()).expect("a token");
        app.send(
            actix_web::test::TestRequest::default()
                .method(method)
                .uri("/healthz"),
        )
        .await
        .expect_problem(405, "method_not_allowed");
    }
    let text = String::from_utf8(app.get("/metrics").await.expect(200).raw).unwrap();
    for made_up in ["FROB", "M12345", "XXXXXXXX"] {
        assert!(!text.contains(made_up), "{made_up} became a label");
    }
    assert_eq!(
        sample(
            &text,
            "healthhub_http_request_duration_seconds_count{method=\"other\",route=\"/healthz\",status=\"405\"}"
        ),
        Some(3.0),
        "{text}"
    );
}
