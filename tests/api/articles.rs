//! Tests: articles — listing and paging, creation with sections, updates, versions, deletion, views.

use crate::common::spawn;
use actix_web::test::TestRequest;
use serde_json::{json, Value};

fn slugs(list: &Value) -> Vec<&str> {
    list["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|a| a["slug"].as_str().expect("slug"))
        .collect()
}

fn published(at: &str) -> Value {
    json!({"status": "published", "published_at": at})
}

#[actix_web::test]
async fn list_is_newest_first_and_paged_with_meta() {
    let app = spawn().await;
    let health = app.category("Health", None).await;
    let id = health["id"].as_i64().unwrap();
    for (title, at) in [
        ("Oldest", "2025-01-01T00:00:00Z"),
        ("Newest", "2025-03-01T00:00:00Z"),
        ("Middle", "2025-02-01T00:00:00Z"),
    ] {
        app.article(title, id, published(at)).await;
    }
    let all = app.get("/api/v1/articles").await.expect(200);
    assert_eq!(slugs(&all.body), ["newest", "middle", "oldest"]);
    assert_eq!(
        all.body["meta"],
        json!({"page": 1, "per_page": 20, "total": 3, "total_pages": 1})
    );
    assert!(all.body["data"][0].get("sections").is_none());
    assert_eq!(all.body["data"][0]["category"]["slug"], "health");

    let second = app
        .get("/api/v1/articles?page=2&per_page=2")
        .await
        .expect(200);
    assert_eq!(slugs(&second.body), ["oldest"]);
    assert_eq!(
        second.body["meta"],
        json!({"page": 2, "per_page": 2, "total": 3, "total_pages": 2})
    );
    let beyond = app
        .get("/api/v1/articles?page=9&per_page=2")
        .await
        .expect(200);
    assert!(slugs(&beyond.body).is_empty());
}

#[actix_web::test]
async fn list_filters_by_category_id_or_slug() {
    let app = spawn().await;
    let health = app.category("Health", None).await;
    let sleep = app.category("Sleep", health["id"].as_i64()).await;
    let health_id = health["id"].as_i64().unwrap();
    let sleep_id = sleep["id"].as_i64().unwrap();
    app.article("In Health", health_id, published("2025-01-01T00:00:00Z"))
        .await;
    app.article("In Sleep", sleep_id, published("2025-01-02T00:00:00Z"))
        .await;
    let by_slug = app.get("/api/v1/articles?category=sleep").await.expect(200);
    assert_eq!(slugs(&by_slug.body), ["in-sleep"]);
    let by_id = app
        .get(&format!("/api/v1/articles?category={health_id}"))
        .await
        .expect(200);
    assert_eq!(slugs(&by_id.body), ["in-health"]);
    app.get("/api/v1/articles?category=nowhere")
        .await
        .expect_problem(404, "not_found");
}

#[actix_web::test]
async fn create_defaults_to_a_draft_at_version_one() {
    let app = spawn().await;
    let health = app.category("Health", None).await;
    let created = app
        .post(
            &app.editor(),
            "/api/v1/articles",
            json!({"title": "Do Therapists Cry?", "category_id": health["id"]}),
        )
        .await
        .expect(201);
    assert_eq!(created.header("etag"), "\"1\"");
    let body = &created.body;
    assert_eq!(body["slug"], "do-therapists-cry");
    assert_eq!(body["status"], "draft");
    assert_eq!(body["published_at"], Value::Null);
    assert_eq!(body["version"], 1);
    assert_eq!(body["view_count"], 0);
    assert_eq!(body["sections"], json!([]));
    assert_eq!(body["created_at"], "2026-06-01T12:00:00Z");

    let again = app
        .article(
            "Do Therapists Cry?",
            health["id"].as_i64().unwrap(),
            json!({}),
        )
        .await;
    assert_eq!(again["slug"], "do-therapists-cry-2");
}

#[actix_web::test]
async fn create_with_a_bad_section_writes_nothing() {
    let app = spawn().await;
    let health = app.category("Health", None).await;
    let reply = app
        .post(
            &app.editor(),
            "/api/v1/articles",
            json!({
                "title": "Half Done",
                "category_id": health["id"],
                "sections": [
                    {"heading": "One", "body": "fine"},
                    {"heading": "Two", "body": "fine"},
                    {"heading": "", "body": "the heading is missing"},
                ],
            }),
        )
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(reply.error_fields(), ["sections[2].heading"]);
    assert_eq!(app.count("articles"), 0);
    assert_eq!(app.count("sections"), 0);
}

#[actix_web::test]
async fn patch_changes_only_the_given_fields_and_bumps_the_version() {
    let app = spawn().await;
    let health = app.category("Health", None).await;
    let sleep = app.category("Sleep", health["id"].as_i64()).await;
    let article = app
        .article(
            "Night Waking",
            health["id"].as_i64().unwrap(),
            json!({"subtitle": "Why 3 a.m.?", "sections": [{"heading": "Intro", "body": "text"}]}),
        )
        .await;
    let updated = app
        .patch(
            &app.editor(),
            "/api/v1/articles/night-waking",
            json!({"title": "Waking at Night", "category_id": sleep["id"]}),
        )
        .await
        .expect(200);
    assert_eq!(updated.header("etag"), "\"2\"");
    let body = &updated.body;
    assert_eq!(body["title"], "Waking at Night");
    assert_eq!(
        body["slug"], "night-waking",
        "a title change keeps the slug"
    );
    assert_eq!(body["subtitle"], "Why 3 a.m.?");
    assert_eq!(body["version"], 2);
    assert_eq!(body["sections"].as_array().unwrap().len(), 1);
    let crumbs: Vec<_> = body["breadcrumbs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["slug"].as_str().unwrap())
        .collect();
    assert_eq!(crumbs, ["health", "sleep"]);
    assert_eq!(body["created_at"], article["created_at"]);
}

#[actix_web::test]
async fn patch_can_rename_the_slug_and_the_new_one_answers() {
    let app = spawn().await;
    let health = app.category("Health", None).await;
    let id = health["id"].as_i64().unwrap();
    app.article("First", id, published("2025-01-01T00:00:00Z"))
        .await;
    app.article("Second", id, json!({})).await;
    app.patch(
        &app.editor(),
        "/api/v1/articles/first",
        json!({"slug": "second"}),
    )
    .await
    .expect_problem(409, "conflict");
    app.patch(
        &app.editor(),
        "/api/v1/articles/first",
        json!({"slug": "renamed"}),
    )
    .await
    .expect(200);
    app.get("/api/v1/articles/renamed").await.expect(200);
}

#[actix_web::test]
async fn delete_removes_the_article_and_its_sections() {
    let app = spawn().await;
    let health = app.category("Health", None).await;
    let article = app
        .article(
            "Short Lived",
            health["id"].as_i64().unwrap(),
            json!({"sections": [{"heading": "A", "body": "a"}, {"heading": "B", "body": "b"}]}),
        )
        .await;
    assert_eq!(app.count("sections"), 2);
    let token = app.editor();
    app.delete(&token, &format!("/api/v1/articles/{}", article["id"]))
        .await
        .expect(204);
    assert_eq!(app.count("articles"), 0);
    assert_eq!(app.count("sections"), 0);
    app.get_as(&token, "/api/v1/articles/short-lived")
        .await
        .expect_problem(404, "not_found");
    app.delete(&token, "/api/v1/articles/short-lived")
        .await
        .expect_problem(404, "not_found");
}

#[actix_web::test]
async fn views_count_up_without_changing_the_version() {
    let app = spawn().await;
    let health = app.category("Health", None).await;
    app.article(
        "Popular",
        health["id"].as_i64().unwrap(),
        published("2025-01-01T00:00:00Z"),
    )
    .await;
    for expected in 1..=3u8 {
        let reader = std::net::SocketAddr::from(([192, 0, 2, expected], 40000));
        let reply = app
            .send(
                TestRequest::post()
                    .uri("/api/v1/articles/popular/views")
                    .peer_addr(reader),
            )
            .await
            .expect(200);
        assert_eq!(reply.body, json!({"view_count": expected}));
    }
    let page = app.get("/api/v1/articles/popular").await.expect(200);
    assert_eq!(page.body["view_count"], 3);
    assert_eq!(page.body["version"], 1);
    app.send(TestRequest::post().uri("/api/v1/articles/missing/views"))
        .await
        .expect_problem(404, "not_found");
}

#[actix_web::test]
async fn publishing_with_a_time_keeps_it_and_unpublishing_keeps_the_date() {
    let app = spawn().await;
    let health = app.category("Health", None).await;
    app.article("Timed", health["id"].as_i64().unwrap(), json!({}))
        .await;
    let token = app.editor();
    let published = app
        .post(
            &token,
            "/api/v1/articles/timed/publish",
            json!({"published_at": "2026-05-01T08:00:00+02:00"}),
        )
        .await
        .expect(200);
    assert_eq!(published.body["status"], "published");
    assert_eq!(published.body["published_at"], "2026-05-01T06:00:00Z");
    assert_eq!(published.body["version"], 2);
    let draft = app
        .send(
            TestRequest::post()
                .uri("/api/v1/articles/timed/unpublish")
                .insert_header(crate::common::bearer(&token)),
        )
        .await
        .expect(200);
    assert_eq!(draft.body["status"], "draft");
    assert_eq!(draft.body["published_at"], "2026-05-01T06:00:00Z");
    app.get("/api/v1/articles/timed")
        .await
        .expect_problem(404, "not_found");
}
