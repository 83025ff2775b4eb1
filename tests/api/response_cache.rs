//! Tests: the in-process response cache — anonymous reads answered from memory, and no write (of any kind, through any endpoint) ever leaving a stale answer visible.

use crate::common::{call, spawn, spawn_with, TestApp};
use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::TestRequest;
use chrono::TimeDelta;
use healthhub::jobs::views;
use serde_json::{json, Value};

/// Category "Health" with the published articles alpha and beta (two sections each).
pub async fn seeded<S, B>(app: &TestApp<S>) -> i64
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let health = app.category("Health", None).await["id"]
        .as_i64()
        .expect("category id");
    for title in ["Alpha", "Beta"] {
        app.article(
            title,
            health,
            json!({
                "status": "published",
                "published_at": "2026-01-01T00:00:00Z",
                "sections": [
                    {"heading": "Sleep", "body": format!("{title} on sleep.")},
                    {"heading": "Food", "body": format!("{title} on food.")},
                ],
            }),
        )
        .await;
    }
    health
}

/// Every kind of anonymous read of the seeded content.
fn reads(section: i64) -> Vec<String> {
    [
        "/api/v1/articles",
        "/api/v1/articles?include=sections&sort=title",
        "/api/v1/articles?category=health",
        "/api/v1/articles/alpha",
        "/api/v1/articles/beta",
        "/api/v1/articles/beta-renamed",
        "/api/v1/articles/gamma",
        "/api/v1/articles/alpha/sections",
        "/api/v1/articles/alpha/related",
        "/api/v1/search?q=sleep",
        "/api/v1/categories",
        "/api/v1/categories/tree",
        "/api/v1/categories/health",
        "/api/v1/categories/wellbeing",
    ]
    .into_iter()
    .map(str::to_owned)
    .chain([format!("/api/v1/sections/{section}")])
    .collect()
}

/// The id of the first section of `slug`.
async fn first_section<S, B>(app: &TestApp<S>, slug: &str) -> i64
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    app.get(&format!("/api/v1/articles/{slug}/sections"))
        .await
        .expect(200)
        .body["data"][0]["id"]
        .as_i64()
        .expect("section id")
}

#[actix_web::test]
async fn after_every_kind_of_write_anonymous_reads_match_an_uncached_server() {
    let app = spawn().await;
    let health = seeded(&app).await;
    let truth = app.uncached().await;
    let editor = app.editor();
    let section = first_section(&app, "alpha").await;
    let paths = reads(section);

    let scheduled_for = app.now() + TimeDelta::minutes(10);
    let writes: Vec<(&str, &str, String, Value)> = vec![
        (
            "PATCH",
            "article title",
            "/api/v1/articles/alpha".into(),
            json!({"title": "Alpha Two"}),
        ),
        (
            "POST",
            "section added",
            "/api/v1/articles/alpha/sections".into(),
            json!({"heading": "Rest", "body": "Sleep and rest.", "position": 1}),
        ),
        (
            "PATCH",
            "section changed",
            format!("/api/v1/sections/{section}"),
            json!({"body": "Changed sleep."}),
        ),
        (
            "PUT",
            "sections replaced",
            "/api/v1/articles/beta/sections".into(),
            json!({"sections": [{"heading": "Only", "body": "Sleep only."}]}),
        ),
        (
            "POST",
            "article unpublished",
            "/api/v1/articles/alpha/unpublish".into(),
            json!({}),
        ),
        (
            "POST",
            "article published",
            "/api/v1/articles/alpha/publish".into(),
            json!({}),
        ),
        (
            "PATCH",
            "category renamed",
            "/api/v1/categories/health".into(),
            json!({"name": "Wellbeing", "slug": "wellbeing"}),
        ),
        (
            "POST",
            "article created",
            "/api/v1/articles".into(),
            json!({
                "title": "Gamma", "category_id": health, "status": "published",
                "published_at": "2026-02-01T00:00:00Z",
                "sections": [{"heading": "Sleep", "body": "Gamma sleeps."}],
            }),
        ),
        (
            "POST",
            "article scheduled",
            "/api/v1/articles".into(),
            json!({
                "title": "Delta", "category_id": health, "status": "published",
                "published_at": scheduled_for.to_rfc3339(),
            }),
        ),
        (
            "POST",
            "view counted",
            "/api/v1/articles/beta/views".into(),
            Value::Null,
        ),
        (
            "PATCH",
            "article renamed",
            "/api/v1/articles/beta".into(),
            json!({"slug": "beta-renamed"}),
        ),
        (
            "DELETE",
            "section deleted",
            format!("/api/v1/sections/{section}"),
            Value::Null,
        ),
        (
            "DELETE",
            "article deleted",
            "/api/v1/articles/beta-renamed".into(),
            Value::Null,
        ),
    ];

    // After a flush of views, cached answers may show the counts before it (for up to
    // HEALTHHUB_VIEW_COUNT_MAX_AGE_SECONDS), and nothing else may differ.
    let compare = |step: String, views_may_lag: bool| {
        let paths = paths.clone();
        let app = &app;
        let truth = &truth;
        async move {
            for path in &paths {
                // Twice: the first may fill the cache, the second is answered from it.
                for _ in 0..2 {
                    let cached = app.get(path).await;
                    let expected = call(truth, TestRequest::get().uri(path)).await;
                    if views_may_lag {
                        assert_eq!(
                            (cached.status, without_view_counts(cached.body.clone())),
                            (expected.status, without_view_counts(expected.body.clone())),
                            "after {step}: GET {path} differs from an uncached server"
                        );
                        continue;
                    }
                    assert_eq!(
                        (cached.status, &cached.body),
                        (expected.status, &expected.body),
                        "after {step}: GET {path} differs from an uncached server"
                    );
                    assert_eq!(
                        cached.header("etag"),
                        expected.header("etag"),
                        "{step}: {path}"
                    );
                }
            }
        }
    };

    compare("seeding".into(), false).await;
    for (method, step, path, body) in writes {
        let reply = match (method, body) {
            ("DELETE", _) => app.delete(&editor, &path).await,
            (_, Value::Null) => app.json(method, &path, None, json!({})).await,
            (_, body) => app.json(method, &path, Some(&editor), body).await,
        };
        assert!(
            reply.status.is_success(),
            "{step}: {} {:?}",
            reply.status,
            reply.body
        );
        if step == "view counted" {
            compare(step.to_owned(), true).await;
            app.set_now(app.now() + TimeDelta::seconds(60));
            compare(format!("{step}, a minute later"), false).await;
        } else {
            compare(step.to_owned(), false).await;
        }
    }
    app.set_now(scheduled_for + TimeDelta::seconds(1));
    compare("the scheduled article going live".into(), false).await;
}

/// `body` with every `view_count` taken out, however deep.
fn without_view_counts(mut body: Value) -> Value {
    fn strip(value: &mut Value) {
        match value {
            Value::Object(fields) => {
                fields.remove("view_count");
                fields.values_mut().for_each(strip);
            }
            Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut body);
    body
}

#[actix_web::test]
async fn anonymous_reads_come_from_memory_until_a_write_changes_what_they_show() {
    let app = spawn().await;
    seeded(&app).await;
    let editor = app.editor();
    let alpha = "/api/v1/articles/alpha";
    assert_eq!(app.get(alpha).await.expect(200).body["title"], "Alpha");
    assert_eq!(
        app.get("/api/v1/articles").await.expect(200).body["data"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );

    // Behind the app's back: on SQLite only a write through the API tells the cache. (On
    // PostgreSQL every writer's change is announced, as tests/api/nodes.rs shows: there the
    // copy goes too, so what follows checks only what holds on both.)
    let sqlite = crate::test_db::backend() == healthhub::db::Backend::Sqlite;
    app.execute("UPDATE articles SET title = 'Changed Behind' WHERE slug = 'alpha'");
    if sqlite {
        assert_eq!(
            app.get(alpha).await.body["title"],
            "Alpha",
            "answered from memory"
        );
    }
    assert_eq!(
        app.get_as(&editor, alpha).await.body["title"],
        "Changed Behind",
        "a read with a token is never answered from the cache"
    );

    // A write to another article drops the lists but keeps alpha's own answer.
    app.patch(&editor, "/api/v1/articles/beta", json!({"subtitle": "New"}))
        .await
        .expect(200);
    if sqlite {
        assert_eq!(
            app.get(alpha).await.body["title"],
            "Alpha",
            "unrelated write: kept"
        );
    }
    let titles: Vec<Value> = app.get("/api/v1/articles?sort=title").await.body["data"]
        .as_array()
        .expect("list")
        .iter()
        .map(|item| item["title"].clone())
        .collect();
    assert_eq!(
        titles,
        [json!("Beta"), json!("Changed Behind")],
        "lists are read again"
    );

    // A write to alpha itself drops its answer.
    app.patch(&editor, alpha, json!({"subtitle": "Fresh"}))
        .await
        .expect(200);
    let fresh = app.get(alpha).await.expect(200);
    assert_eq!(
        (&fresh.body["title"], &fresh.body["subtitle"]),
        (&json!("Changed Behind"), &json!("Fresh"))
    );
    let (entries, bytes) = app.state.responses.usage();
    assert!(
        entries >= 1 && bytes > 0,
        "{entries} entries, {bytes} bytes"
    );
}

#[actix_web::test]
async fn with_the_cache_off_every_read_goes_to_the_database() {
    let app = spawn_with(|config| config.response_cache_bytes = 0).await;
    seeded(&app).await;
    assert_eq!(
        app.get("/api/v1/articles/alpha").await.body["title"],
        "Alpha"
    );
    app.execute("UPDATE articles SET title = 'Changed Behind' WHERE slug = 'alpha'");
    assert_eq!(
        app.get("/api/v1/articles/alpha").await.body["title"],
        "Changed Behind"
    );
    assert_eq!(app.state.responses.usage(), (0, 0));
}

#[actix_web::test]
async fn buffered_views_reach_reads_when_flushed() {
    let app = spawn_with(|config| config.view_flush_ms = 1000).await;
    seeded(&app).await;
    let alpha = "/api/v1/articles/alpha";
    assert_eq!(app.get(alpha).await.body["view_count"], 0);
    for (reader, expected) in [("10.0.0.1:1000", 1), ("10.0.0.2:1000", 2)] {
        let view = TestRequest::post()
            .uri(&format!("{alpha}/views"))
            .peer_addr(reader.parse().expect("address"));
        assert_eq!(
            app.send(view).await.expect(200).body["view_count"],
            expected
        );
    }
    assert_eq!(app.state.views.pending(), 2);
    assert_eq!(
        app.get(alpha).await.body["view_count"],
        0,
        "not written yet"
    );
    assert_eq!(views::flush(&app.state).await.expect("flush"), 1);
    assert_eq!(app.state.views.pending(), 0);
    assert_eq!(
        app.get(alpha).await.body["view_count"],
        0,
        "written, the cached answer kept for HEALTHHUB_VIEW_COUNT_MAX_AGE_SECONDS"
    );
    app.set_now(app.now() + TimeDelta::seconds(60));
    assert_eq!(
        app.get(alpha).await.body["view_count"],
        2,
        "then computed again"
    );
    assert_eq!(views::flush(&app.state).await.expect("empty flush"), 0);
}
