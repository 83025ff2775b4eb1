//! Tests: categories — listing and filtering, creation and slugs, the tree (breadcrumbs, children, moves), deletion guards and write auth.

use crate::common::{spawn, Reply, TestApp, ALL_SCOPES};
use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use healthhub::auth::Scope;
use serde_json::{json, Value};
use std::time::Duration;

/// The `name`s of a list body's `data`, in order.
fn names(reply: &Reply) -> Vec<&str> {
    names_in(&reply.body["data"])
}

/// The `name`s of an array of categories (or category refs), in order.
fn names_in(items: &Value) -> Vec<&str> {
    items
        .as_array()
        .expect("an array")
        .iter()
        .map(|c| c["name"].as_str().expect("a name"))
        .collect()
}

/// A category's id as an integer.
fn id(category: &Value) -> i64 {
    category["id"].as_i64().expect("an id")
}

/// One of each category write, aimed at the category `target`: (method, path, body).
fn writes(target: i64) -> [(&'static str, String, Value); 3] {
    [
        (
            "POST",
            "/api/v1/categories".to_owned(),
            json!({"name": "New"}),
        ),
        (
            "PATCH",
            format!("/api/v1/categories/{target}"),
            json!({"name": "Renamed"}),
        ),
        ("DELETE", format!("/api/v1/categories/{target}"), json!({})),
    ]
}

#[actix_web::test]
async fn list_is_ordered_by_position_then_name() {
    let app = spawn().await;
    let token = app.editor();
    for (name, position) in [("Zeta", 0), ("Alpha", 1), ("Beta", 0)] {
        app.post(
            &token,
            "/api/v1/categories",
            json!({"name": name, "position": position}),
        )
        .await
        .expect(201);
    }

    let list = app.get("/api/v1/categories").await.expect(200);

    assert_eq!(names(&list), ["Beta", "Zeta", "Alpha"]);
    assert_eq!(list.body["meta"]["total"], 3);
}

#[actix_web::test]
async fn list_filters_by_parent_given_as_id_or_slug() {
    let app = spawn().await;
    let health = app.category("Health", None).await;
    app.category("Sleep", Some(id(&health))).await;
    app.category("Mental Health", Some(id(&health))).await;
    app.category("Nutrition", None).await;

    for parent in [id(&health).to_string(), "health".to_owned()] {
        let list = app
            .get(&format!("/api/v1/categories?parent={parent}"))
            .await
            .expect(200);
        assert_eq!(names(&list), ["Mental Health", "Sleep"], "parent={parent}");
        assert_eq!(list.body["meta"]["total"], 2);
    }
}

#[actix_web::test]
async fn list_with_an_unknown_parent_is_404() {
    let app = spawn().await;
    app.category("Health", None).await;

    for parent in ["nowhere", "999"] {
        app.get(&format!("/api/v1/categories?parent={parent}"))
            .await
            .expect_problem(404, "not_found");
    }
}

#[actix_web::test]
async fn create_returns_201_with_location_and_a_slug_made_from_the_name() {
    let app = spawn().await;

    let created = app
        .post(
            &app.editor(),
            "/api/v1/categories",
            json!({"name": "Do Therapists Cry?"}),
        )
        .await
        .expect(201);

    let body = &created.body;
    assert_eq!(body["slug"], "do-therapists-cry");
    assert_eq!(body["name"], "Do Therapists Cry?");
    assert_eq!(body["description"], "");
    assert_eq!(body["parent_id"], Value::Null);
    assert_eq!(body["position"], 0);
    assert_eq!(body["created_at"], "2026-06-01T12:00:00Z");
    let location = format!("/api/v1/categories/{}", id(body));
    assert_eq!(created.header("location"), location);
    let stored = app.get(&location).await.expect(200);
    assert_eq!(stored.body["slug"], "do-therapists-cry");
    assert_eq!(app.count("categories"), 1);
}

#[actix_web::test]
async fn a_generated_slug_that_is_taken_gets_a_numeric_suffix() {
    let app = spawn().await;

    let first = app.category("Health", None).await;
    let second = app.category("Health", None).await;

    assert_eq!(first["slug"], "health");
    assert_eq!(second["slug"], "health-2");
}

#[actix_web::test]
async fn a_given_slug_that_is_taken_is_a_409_conflict() {
    let app = spawn().await;
    app.category("Health", None).await;

    app.post(
        &app.editor(),
        "/api/v1/categories",
        json!({"name": "Wellbeing", "slug": "health"}),
    )
    .await
    .expect_problem(409, "conflict");

    assert_eq!(app.count("categories"), 1);
}

#[actix_web::test]
async fn a_malformed_slug_is_a_422_on_slug() {
    let app = spawn().await;

    for slug in ["Bad Slug", "123"] {
        let reply = app
            .post(
                &app.editor(),
                "/api/v1/categories",
                json!({"name": "Health", "slug": slug}),
            )
            .await
            .expect_problem(422, "validation_failed");
        assert_eq!(reply.error_fields(), ["slug"], "slug {slug:?}");
    }

    assert_eq!(app.count("categories"), 0);
}

#[actix_web::test]
async fn an_empty_name_is_a_422_on_name() {
    let app = spawn().await;

    for name in ["", "   "] {
        let reply = app
            .post(&app.editor(), "/api/v1/categories", json!({"name": name}))
            .await
            .expect_problem(422, "validation_failed");
        assert_eq!(reply.error_fields(), ["name"], "name {name:?}");
    }

    assert_eq!(app.count("categories"), 0);
}

#[actix_web::test]
async fn an_unknown_parent_id_is_a_409_on_parent_id() {
    let app = spawn().await;

    let reply = app
        .post(
            &app.editor(),
            "/api/v1/categories",
            json!({"name": "Orphan", "parent_id": 999}),
        )
        .await
        .expect_problem(409, "state_conflict");

    assert_eq!(reply.error_fields(), ["parent_id"]);
    assert_eq!(app.count("categories"), 0);
}

#[actix_web::test]
async fn an_unknown_body_field_is_a_422_naming_it() {
    let app = spawn().await;

    let reply = app
        .post(
            &app.editor(),
            "/api/v1/categories",
            json!({"name": "Health", "colour": "green"}),
        )
        .await
        .expect_problem(422, "validation_failed");

    assert_eq!(reply.error_fields(), ["colour"]);
    assert_eq!(app.count("categories"), 0);
}

#[actix_web::test]
async fn get_by_id_or_slug_shows_breadcrumbs_root_first_and_the_children() {
    let app = spawn().await;
    let health = app.category("Health", None).await;
    let mental = app.category("Mental Health", Some(id(&health))).await;
    app.category("Depression", Some(id(&mental))).await;
    app.category("Anxiety", Some(id(&mental))).await;

    let by_slug = app
        .get("/api/v1/categories/mental-health")
        .await
        .expect(200);
    let by_id = app
        .get(&format!("/api/v1/categories/{}", id(&mental)))
        .await
        .expect(200);

    assert_eq!(by_slug.body, by_id.body);
    let body = &by_slug.body;
    assert_eq!(body["id"], mental["id"]);
    assert_eq!(body["parent_id"], health["id"]);
    assert_eq!(names_in(&body["breadcrumbs"]), ["Health", "Mental Health"]);
    assert_eq!(body["breadcrumbs"][0]["slug"], "health");
    assert_eq!(names_in(&body["children"]), ["Anxiety", "Depression"]);
    assert_eq!(body["children"][0]["parent_id"], mental["id"]);
}

#[actix_web::test]
async fn get_an_unknown_category_is_404() {
    let app = spawn().await;

    for key in ["nowhere", "42"] {
        app.get(&format!("/api/v1/categories/{key}"))
            .await
            .expect_problem(404, "not_found");
    }
}

#[actix_web::test]
async fn patch_with_only_a_name_keeps_every_other_field() {
    let app = spawn().await;
    let health = app.category("Health", None).await;
    let original = app
        .post(
            &app.editor(),
            "/api/v1/categories",
            json!({
                "name": "Sleep", "description": "Nights.", "parent_id": health["id"], "position": 3
            }),
        )
        .await
        .expect(201)
        .body;
    app.set_now(app.now() + chrono::Duration::minutes(5));

    let patched = app
        .patch(
            &app.editor(),
            &format!("/api/v1/categories/{}", id(&original)),
            json!({"name": "Sleep & Rest"}),
        )
        .await
        .expect(200);

    let body = &patched.body;
    assert_eq!(body["name"], "Sleep & Rest");
    for field in [
        "id",
        "slug",
        "description",
        "parent_id",
        "position",
        "created_at",
    ] {
        assert_eq!(body[field], original[field], "{field}");
    }
    assert_eq!(body["updated_at"], "2026-06-01T12:05:00Z");
    let stored = app.get("/api/v1/categories/sleep").await.expect(200);
    assert_eq!(stored.body["name"], "Sleep & Rest");
}

#[actix_web::test]
async fn patch_parent_id_null_makes_a_top_level_category() {
    let app = spawn().await;
    let health = app.category("Health", None).await;
    let sleep = app.category("Sleep", Some(id(&health))).await;

    let patched = app
        .patch(
            &app.editor(),
            &format!("/api/v1/categories/{}", id(&sleep)),
            json!({"parent_id": null}),
        )
        .await
        .expect(200);

    assert_eq!(patched.body["parent_id"], Value::Null);
    let stored = app.get("/api/v1/categories/sleep").await.expect(200);
    assert_eq!(names_in(&stored.body["breadcrumbs"]), ["Sleep"]);
    let old_parent = app.get("/api/v1/categories/health").await.expect(200);
    assert_eq!(old_parent.body["children"], json!([]));
}

#[actix_web::test]
async fn patch_to_a_slug_that_is_taken_is_a_409_and_changes_nothing() {
    let app = spawn().await;
    app.category("Health", None).await;
    let sleep = app.category("Sleep", None).await;
    let before = app.get("/api/v1/categories/sleep").await.body;

    app.patch(
        &app.editor(),
        &format!("/api/v1/categories/{}", id(&sleep)),
        json!({"slug": "health", "name": "Health Too"}),
    )
    .await
    .expect_problem(409, "conflict");

    assert_eq!(app.get("/api/v1/categories/sleep").await.body, before);
}

#[actix_web::test]
async fn moving_a_category_under_its_own_descendant_is_a_409_and_changes_nothing() {
    let app = spawn().await;
    let health = app.category("Health", None).await;
    let mental = app.category("Mental Health", Some(id(&health))).await;
    let anxiety = app.category("Anxiety", Some(id(&mental))).await;
    let before = app.get("/api/v1/categories").await.body;

    for descendant in [&mental, &anxiety] {
        let reply = app
            .patch(
                &app.editor(),
                "/api/v1/categories/health",
                json!({"parent_id": descendant["id"], "name": "Moved"}),
            )
            .await
            .expect_problem(409, "state_conflict");
        assert_eq!(reply.error_fields(), ["parent_id"]);
    }

    assert_eq!(app.get("/api/v1/categories").await.body, before);
}

#[actix_web::test]
async fn a_category_cannot_be_its_own_parent() {
    let app = spawn().await;
    let health = app.category("Health", None).await;
    let before = app.get("/api/v1/categories/health").await.body;

    let reply = app
        .patch(
            &app.editor(),
            "/api/v1/categories/health",
            json!({"parent_id": health["id"]}),
        )
        .await
        .expect_problem(409, "state_conflict");

    assert_eq!(reply.error_fields(), ["parent_id"]);
    assert_eq!(app.get("/api/v1/categories/health").await.body, before);
}

#[actix_web::test]
async fn patch_an_unknown_category_is_404() {
    let app = spawn().await;

    app.patch(
        &app.editor(),
        "/api/v1/categories/nowhere",
        json!({"name": "Somewhere"}),
    )
    .await
    .expect_problem(404, "not_found");

    assert_eq!(app.count("categories"), 0);
}

#[actix_web::test]
async fn delete_returns_204_and_the_category_is_gone() {
    let app = spawn().await;
    let health = app.category("Health", None).await;

    let reply = app
        .delete(
            &app.editor(),
            &format!("/api/v1/categories/{}", id(&health)),
        )
        .await
        .expect(204);

    assert!(reply.raw.is_empty());
    app.get("/api/v1/categories/health")
        .await
        .expect_problem(404, "not_found");
    assert_eq!(app.count("categories"), 0);
}

#[actix_web::test]
async fn delete_is_a_409_while_the_category_has_subcategories() {
    let app = spawn().await;
    let health = app.category("Health", None).await;
    app.category("Sleep", Some(id(&health))).await;

    app.delete(&app.editor(), "/api/v1/categories/health")
        .await
        .expect_problem(409, "conflict");

    assert_eq!(app.count("categories"), 2);
    app.get("/api/v1/categories/health").await.expect(200);
}

#[actix_web::test]
async fn delete_is_a_409_while_the_category_has_articles() {
    let app = spawn().await;
    let health = app.category("Health", None).await;
    app.article("Why We Sleep", id(&health), json!({})).await;

    app.delete(&app.editor(), "/api/v1/categories/health")
        .await
        .expect_problem(409, "conflict");

    assert_eq!(app.count("categories"), 1);
    assert_eq!(app.count("articles"), 1);
}

/// Sends every category write with `token` and checks each is refused with `status` and `code`,
/// carries a `Bearer` challenge and changes nothing.
async fn assert_writes_refused<S, B>(app: &TestApp<S>, token: Option<&str>, status: u16, code: &str)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let health = app.category("Health", None).await;
    let before = app.get("/api/v1/categories/health").await.body;
    for (method, path, body) in writes(id(&health)) {
        let reply = app
            .json(method, &path, token, body)
            .await
            .expect_problem(status, code);
        let challenge = reply.header("www-authenticate");
        assert!(
            challenge.starts_with("Bearer"),
            "{method} {path}: {challenge:?}"
        );
    }
    assert_eq!(app.count("categories"), 1);
    assert_eq!(app.get("/api/v1/categories/health").await.body, before);
}

#[actix_web::test]
async fn writes_without_a_token_are_401_with_a_bearer_challenge() {
    let app = spawn().await;
    assert_writes_refused(&app, None, 401, "unauthorized").await;
}

#[actix_web::test]
async fn writes_with_only_the_read_scope_are_403() {
    let app = spawn().await;
    let reader = app.token(&[Scope::Read]);
    assert_writes_refused(&app, Some(&reader), 403, "forbidden").await;
}

#[actix_web::test]
async fn writes_with_an_expired_token_are_401() {
    let app = spawn().await;
    let expired = app.token_at(
        &ALL_SCOPES,
        app.now() - chrono::Duration::hours(3),
        Duration::from_secs(3600),
    );
    assert_writes_refused(&app, Some(&expired), 401, "unauthorized").await;
}
