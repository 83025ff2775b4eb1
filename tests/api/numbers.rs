//! Tests: numbers at the edge of their range — every counter saturates and stays an integer, and
//! every numeric input beyond its range is a 4xx problem naming the field and the range (or a
//! 404 echoing the input, for ids in paths).

use crate::common::spawn;
use actix_web::test::TestRequest;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use healthhub::auth::Scope;
use healthhub::db::Database;
use serde_json::{json, Value};

const MAX: i64 = i64::MAX;
const HUGE: &str = "99999999999999999999";

#[actix_web::test]
async fn a_view_of_an_article_at_the_top_of_the_counter_saturates() {
    let app = spawn().await;
    let health = app.category("Health", None).await["id"].as_i64().unwrap();
    app.article(
        "Popular",
        health,
        json!({"status": "published", "published_at": "2020-01-01T00:00:00Z"}),
    )
    .await;
    app.execute(&format!("UPDATE articles SET view_count = {MAX}"));
    for _ in 0..2 {
        let reply = app
            .send(TestRequest::post().uri("/api/v1/articles/popular/views"))
            .await;
        if reply.status.as_u16() == 200 {
            assert_eq!(reply.body["view_count"], MAX, "{}", reply.body);
        }
    }
    healthhub::jobs::views::flush(&app.state).await.unwrap();
    assert_eq!(
        app.count(&format!(
            "articles WHERE {} AND view_count = {MAX}",
            crate::test_db::stored_as_integer("view_count")
        )),
        1
    );
    let article = app.get("/api/v1/articles/popular").await.expect(200);
    assert_eq!(article.body["view_count"], MAX);
}

#[derive(QueryableByName)]
struct Stored {
    #[diesel(sql_type = BigInt)]
    view_count: i64,
    #[diesel(sql_type = Text)]
    kind: String,
}

fn import_view_count(view_count: &str) -> (Database, anyhow::Result<()>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("db.db").to_string_lossy().into_owned();
    let (db, _) = Database::open(&url, 1).unwrap();
    let file = dir.path().join("set.json");
    std::fs::write(
        &file,
        format!(
            r#"{{"categories": [{{"name": "Health", "slug": "health", "parent_slug": null}}],
                "articles": [{{"title": "Popular", "slug": "popular", "status": "published",
                  "published_at": "2020-01-01T00:00:00Z", "category_slug": "health",
                  "view_count": {view_count}, "sections": []}}]}}"#
        ),
    )
    .unwrap();
    let outcome = healthhub::dataset::import::import(
        &db,
        &file,
        healthhub::dataset::import::ImportOptions::default(),
        chrono::Utc::now().naive_utc(),
    )
    .map(drop);
    (db, outcome, dir)
}

#[test]
fn an_imported_maximum_count_saturates_when_views_are_added() {
    let (db, outcome, _dir) = import_view_count(&MAX.to_string());
    outcome.unwrap();
    db.write_blocking(|conn| {
        healthhub::articles::model::add_views(conn, 1, 1)?;
        healthhub::articles::model::add_views(conn, 1, MAX)?;
        Ok(())
    })
    .unwrap();
    let stored = db
        .read_blocking(|conn| {
            Ok(diesel::sql_query(
                "SELECT view_count, typeof(view_count) AS kind FROM articles WHERE id = 1",
            )
            .get_result::<Stored>(conn)?)
        })
        .unwrap();
    assert_eq!((stored.view_count, stored.kind.as_str()), (MAX, "integer"));
}

#[test]
fn imported_view_counts_out_of_range_are_refused_naming_the_field() {
    for bad in ["-1", HUGE, "1.5", "9223372036854775808"] {
        let (_db, outcome, _dir) = import_view_count(bad);
        let message = format!("{:#}", outcome.expect_err(bad));
        assert!(message.contains("view_count"), "{bad}: {message}");
    }
    let (_db, outcome, _dir) = import_view_count("-1");
    let message = format!("{:#}", outcome.unwrap_err());
    assert!(message.contains(&format!("0 to {MAX}")), "{message}");
}

#[test]
fn the_view_buffer_saturates() {
    let counter = healthhub::articles::view_counter::ViewCounter::default();
    assert_eq!(counter.add(1), 1);
    assert_eq!(counter.pending(), 1);
}

#[actix_web::test]
async fn ids_beyond_range_in_paths_are_404s_echoing_the_input() {
    let app = spawn().await;
    for path in [
        format!("/api/v1/articles/{HUGE}"),
        format!("/api/v1/articles/{HUGE}/sections"),
        format!("/api/v1/articles/{HUGE}/related"),
        format!("/api/v1/categories/{HUGE}"),
        "/api/v1/articles/9223372036854775807".to_owned(),
        "/api/v1/articles/2147483648".to_owned(),
    ] {
        let reply = app.get(&path).await.expect_problem(404, "not_found");
        let detail = reply.body["detail"].as_str().unwrap_or_default();
        let echoed = path
            .trim_start_matches("/api/v1/")
            .split('/')
            .nth(1)
            .unwrap();
        assert!(detail.contains(echoed), "{path}: {detail}");
    }
    let reply = app.get(&format!("/api/v1/articles?category={HUGE}")).await;
    assert!(reply.status.is_client_error(), "{:?}", reply.body);
    // Every read of the API with ids in its path, from the document: each id beyond range, as
    // asked by a caller with every scope, is a 404 that echoes it.
    let document: Value =
        serde_json::from_str(&healthhub::openapi::to_pretty_json().unwrap()).unwrap();
    let token = app.token(&Scope::ALL);
    let mut templates = 0;
    for (template, operations) in document["paths"].as_object().unwrap() {
        if !template.starts_with("/api/v1/") || !template.contains('{') {
            continue;
        }
        if operations.get("get").is_none() {
            continue;
        }
        templates += 1;
        for id in [HUGE, "2147483648"] {
            let path = template
                .split('/')
                .map(|segment| {
                    if segment.starts_with('{') {
                        id
                    } else {
                        segment
                    }
                })
                .collect::<Vec<_>>()
                .join("/");
            let reply = app
                .get_as(&token, &path)
                .await
                .expect_problem(404, "not_found");
            let detail = reply.body["detail"].as_str().unwrap_or_default();
            assert!(detail.contains(id), "{path}: {detail}");
        }
    }
    assert!(
        templates >= 14,
        "{templates} templates read from the document"
    );
}

#[actix_web::test]
async fn query_numbers_beyond_range_are_400s_naming_the_parameter_and_range() {
    let app = spawn().await;
    for (query, name, range) in [
        (format!("page={HUGE}"), "page", format!("1 to {MAX}")),
        ("page=0".to_owned(), "page", format!("1 to {MAX}")),
        (
            format!("per_page={HUGE}"),
            "per_page",
            "1 to 100".to_owned(),
        ),
        ("per_page=101".to_owned(), "per_page", "1 to 100".to_owned()),
        (format!("limit={HUGE}"), "limit", "1 to 100".to_owned()),
        (format!("limit=-{HUGE}"), "limit", "1 to 100".to_owned()),
        (
            format!("filter[view_count][gt]={HUGE}"),
            "view_count",
            format!("{} to {MAX}", i64::MIN),
        ),
        (
            format!("filter[view_count][in]=1,{HUGE}"),
            "view_count",
            format!("{} to {MAX}", i64::MIN),
        ),
    ] {
        for endpoint in ["/api/v1/articles", "/api/v1/search?q=sleep&"] {
            let sep = if endpoint.ends_with('&') { "" } else { "?" };
            let path = format!("{endpoint}{sep}{query}");
            let reply = app.get(&path).await.expect_problem(400, "bad_request");
            let detail = reply.body["detail"].as_str().unwrap_or_default();
            assert!(
                detail.contains(name) && detail.contains(&range),
                "{path}: {detail}"
            );
        }
    }
}

#[actix_web::test]
async fn body_numbers_beyond_range_are_422s_naming_the_field_and_range() {
    let app = spawn().await;
    let token = app.editor();
    let health = app.category("Health", None).await["id"].as_i64().unwrap();
    let article = app.article("Sleep", health, json!({})).await;
    let id = article["id"].as_i64().unwrap();
    let section = app
        .post(
            &token,
            &format!("/api/v1/articles/{id}/sections"),
            json!({"heading": "A", "body": "b"}),
        )
        .await
        .expect(201)
        .body;
    let section_id = section["id"].as_i64().unwrap();
    let huge: serde_json::Value = serde_json::from_str(HUGE).unwrap();
    let cases = [
        (
            "POST",
            "/api/v1/articles".to_owned(),
            json!({"title": "T", "category_id": huge}),
            "category_id",
        ),
        (
            "POST",
            "/api/v1/articles".to_owned(),
            json!({"title": "T", "category_id": 2147483648i64}),
            "category_id",
        ),
        (
            "PATCH",
            format!("/api/v1/articles/{id}"),
            json!({"category_id": 2147483648i64}),
            "category_id",
        ),
        (
            "POST",
            "/api/v1/categories".to_owned(),
            json!({"name": "N", "parent_id": 2147483648i64}),
            "parent_id",
        ),
        (
            "POST",
            format!("/api/v1/articles/{id}/sections"),
            json!({"heading": "h", "body": "b", "position": 2147483648i64}),
            "position",
        ),
        (
            "PATCH",
            format!("/api/v1/sections/{section_id}"),
            json!({"position": -2147483649i64}),
            "position",
        ),
    ];
    for (method, path, body, field) in cases {
        let reply = app
            .json(method, &path, Some(&token), body.clone())
            .await
            .expect_problem(422, "validation_failed");
        let errors = reply.body["errors"].to_string();
        assert!(
            reply.error_fields().iter().any(|f| f.ends_with(field)),
            "{method} {path} {body}: {errors}"
        );
        assert!(
            errors.contains("2147483647"),
            "{method} {path} {body}: {errors}"
        );
    }
}
