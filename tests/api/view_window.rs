//! Tests: the per-article view window is not the request quota — counting a view, or being
//! refused one, leaves the `RateLimit-*` headers describing the client's request quota only.

use crate::common::{quota, spawn_with};
use crate::listing::published;
use actix_web::test::TestRequest;
use std::net::SocketAddr;

#[actix_web::test]
async fn views_report_the_request_quota_and_a_repeat_names_the_view_window() {
    let app = spawn_with(|config| config.limits.reads_per_minute = 100).await;
    let category = app.category("Health", None).await["id"]
        .as_i64()
        .expect("id");
    for title in ["Popular", "Other"] {
        app.article(title, category, published("2025-01-01T00:00:00Z"))
            .await;
    }
    let peer: SocketAddr = "192.0.2.9:40000".parse().expect("address");
    let view = |slug: &str| {
        TestRequest::post()
            .uri(&format!("/api/v1/articles/{slug}/views"))
            .peer_addr(peer)
    };
    let read = || TestRequest::get().uri("/api/v1/articles").peer_addr(peer);

    // Each request, whatever it is, spends one of the 100: the headers count exactly that.
    let before = app.send(read()).await.expect(200);
    let (limit, remaining, _) = quota(&before).expect("quota headers");
    assert_eq!((limit, remaining), (100, 99));
    let counted = app.send(view("popular")).await.expect(200);
    assert_eq!(
        quota(&counted).map(|q| (q.0, q.1)),
        Some((100, 98)),
        "{counted:?}"
    );

    let repeat = app
        .send(view("popular"))
        .await
        .expect_problem(429, "view_already_counted");
    assert_eq!(repeat.header("retry-after"), "60");
    assert_eq!(
        quota(&repeat).map(|q| (q.0, q.1)),
        Some((100, 97)),
        "{repeat:?}"
    );
    let detail = repeat.body["detail"].as_str().expect("detail");
    assert!(detail.contains("view window"), "{detail}");

    // The window of one article neither stops the client nor another article's view.
    let other = app.send(view("other")).await.expect(200);
    assert_eq!(quota(&other).map(|q| (q.0, q.1)), Some((100, 96)));
    let after = app.send(read()).await.expect(200);
    assert_eq!(quota(&after).map(|q| (q.0, q.1)), Some((100, 95)));
}

#[actix_web::test]
async fn without_a_request_quota_a_view_carries_no_ratelimit_headers() {
    let app = spawn_with(|config| config.limits.reads_per_minute = 0).await;
    let category = app.category("Health", None).await["id"]
        .as_i64()
        .expect("id");
    app.article("Popular", category, published("2025-01-01T00:00:00Z"))
        .await;
    let view = || TestRequest::post().uri("/api/v1/articles/popular/views");
    let counted = app.send(view()).await.expect(200);
    assert_eq!(quota(&counted), None, "{counted:?}");
    let repeat = app
        .send(view())
        .await
        .expect_problem(429, "view_already_counted");
    assert_eq!(quota(&repeat), None, "{repeat:?}");
    assert_eq!(repeat.header("retry-after"), "60");
}
