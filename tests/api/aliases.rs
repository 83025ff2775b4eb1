//! Tests: one alias rule for every `{id_or_slug}` (issue 11, kind 7) and 404s that echo only
//! what was asked (kind 6).
//!
//! The rule: all digits is an id; otherwise the current slug or a slug the resource had before
//! a rename name the same resource. Reads (GET) by an old slug answer `308` to the current URL;
//! every other method acts on the resource the old slug names. A resource the caller may not
//! see is a 404 whose detail holds the key asked for and nothing else.

use crate::common::{bearer, spawn};
use actix_web::test::TestRequest;
use serde_json::{json, Value};

/// Every operation of the document whose path takes `{id_or_slug}`, with a body that succeeds.
fn operations_with_a_key() -> Vec<(String, String)> {
    keyed_operations()
        .into_iter()
        .map(|(m, p, _)| (m, p))
        .collect()
}

/// [`operations_with_a_key`], each with whether anonymous callers may call it (its `security`
/// has the empty requirement).
fn keyed_operations() -> Vec<(String, String, bool)> {
    let document: Value =
        serde_json::from_str(&healthhub::openapi::to_pretty_json().unwrap()).unwrap();
    let mut found = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        if !path.contains("{id_or_slug}") {
            continue;
        }
        for (method, operation) in item.as_object().unwrap() {
            let anonymous = operation["security"].as_array().is_some_and(|s| {
                s.iter()
                    .any(|r| r.as_object().is_some_and(|o| o.is_empty()))
            });
            found.push((method.to_uppercase(), path.clone(), anonymous));
        }
    }
    found
}

fn body_for(method: &str, path: &str, section: &Value) -> Option<Value> {
    match (method, path.rsplit('/').next().unwrap_or_default()) {
        ("PATCH", "{id_or_slug}") if path.contains("/categories/") => {
            Some(json!({"description": "Changed."}))
        }
        ("PATCH", "{id_or_slug}") if path.contains("/people/") => {
            Some(json!({"credentials": "MD"}))
        }
        ("PATCH", "{id_or_slug}") if path.contains("/tags/") => {
            Some(json!({"description": "Changed."}))
        }
        ("PATCH", "{id_or_slug}") => Some(json!({"subtitle": "Changed."})),
        ("POST", "sections") => Some(json!({"heading": "New", "body": "Text."})),
        ("PUT", "sections") => Some(json!({"sections": [
            {"id": section["id"], "heading": section["heading"], "body": section["body"]}
        ]})),
        ("PUT", "references") => Some(json!({"references": [
            {"title": "A study", "url": "https://example.org/study", "publisher": "A journal"}
        ]})),
        ("POST", "publish") => Some(json!({})),
        _ => None,
    }
}

fn request(method: &str, uri: &str) -> TestRequest {
    match method {
        "GET" => TestRequest::get(),
        "POST" => TestRequest::post(),
        "PATCH" => TestRequest::patch(),
        "PUT" => TestRequest::put(),
        "DELETE" => TestRequest::delete(),
        other => panic!("unexpected method {other}"),
    }
    .uri(uri)
}

#[actix_web::test]
async fn every_route_with_id_or_slug_takes_ids_slugs_and_old_slugs_by_one_rule() {
    let operations = operations_with_a_key();
    assert!(operations.len() >= 13, "{operations:?}");
    for (method, template) in operations {
        // A fresh app per operation: DELETE must not take the resource away from the next one.
        for form in ["id", "slug", "old slug"] {
            let app = spawn().await;
            let token = app.editor();
            let category = app.category("Health", None).await;
            let article = app
                .article(
                    "Sleep Well",
                    category["id"].as_i64().unwrap(),
                    json!({"status": "published", "published_at": "2025-01-01T00:00:00Z",
                           "sections": [{"heading": "Why", "body": "Because."}]}),
                )
                .await;
            let person = app
                .post(&token, "/api/v1/people", json!({"name": "Jane Doe"}))
                .await
                .expect(201)
                .body;
            let tag = app
                .post(&token, "/api/v1/tags", json!({"name": "Sleep"}))
                .await
                .expect(201)
                .body;
            let on_categories = template.starts_with("/api/v1/categories");
            let (target, resource) = match template.split('/').nth(3) {
                Some("categories") => (&category, "categories"),
                Some("people") => (&person, "people"),
                Some("tags") => (&tag, "tags"),
                _ => (&article, "articles"),
            };
            let old = target["slug"].as_str().unwrap().to_owned();
            app.patch(
                &token,
                &format!("/api/v1/{resource}/{}", target["id"]),
                json!({"slug": format!("{old}-renamed")}),
            )
            .await
            .expect(200);
            let key = match form {
                "id" => target["id"].to_string(),
                "slug" => format!("{old}-renamed"),
                _ => old.clone(),
            };
            // A preview link of the article, for the routes that name one.
            let preview = match template.contains("{token_id}") {
                true => app
                    .post(
                        &token,
                        &format!("/api/v1/articles/{}/preview", article["id"]),
                        json!({}),
                    )
                    .await
                    .expect(201)
                    .body["id"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
                false => String::new(),
            };
            // Version 1 is the article's first revision (the rename above made version 2).
            let uri = template
                .replace("{id_or_slug}", &key)
                .replace("{version}", "1")
                .replace("{token_id}", &preview);
            let mut req = request(&method, &uri).insert_header(bearer(&token));
            if let Some(body) = body_for(&method, &template, &article["sections"][0]) {
                req = req.set_json(body);
            }
            if method == "DELETE" && on_categories {
                app.delete(&token, &format!("/api/v1/articles/{}", article["id"]))
                    .await
                    .expect(204);
            }
            let reply = app.send(req).await;
            if method == "GET" && form == "old slug" {
                assert_eq!(reply.status.as_u16(), 308, "{method} {uri}");
                let current = template
                    .replace("{id_or_slug}", &format!("{old}-renamed"))
                    .replace("{version}", "1")
                    .replace("{token_id}", &preview);
                assert_eq!(reply.header("location"), current, "{method} {uri}");
            } else {
                assert!(
                    reply.status.is_success(),
                    "{method} {uri} ({form}): {} {}",
                    reply.status,
                    reply.body
                );
            }
        }
    }
}

#[actix_web::test]
async fn a_404_echoes_only_the_key_asked_for() {
    let app = spawn().await;
    let token = app.editor();
    let category = app.category("Health", None).await;
    let draft = app
        .article(
            "Secret Draft",
            category["id"].as_i64().unwrap(),
            json!({"sections": [{"heading": "Why", "body": "Because."}]}),
        )
        .await;
    // The example: a renamed draft, asked for anonymously by its old slug.
    app.patch(
        &token,
        &format!("/api/v1/articles/{}", draft["id"]),
        json!({"slug": "hidden-new-name"}),
    )
    .await
    .expect(200);
    let keys = ["secret-draft", "hidden-new-name", &draft["id"].to_string()];
    for (method, template, anonymous) in keyed_operations() {
        if template.starts_with("/api/v1/categories") {
            continue;
        }
        for key in keys {
            let uri = template
                .replace("{id_or_slug}", key)
                .replace("{version}", "1");
            let mut req = request(&method, &uri);
            if method != "GET" && method != "DELETE" {
                req = req.set_json(json!({}));
            }
            let reply = app.send(req).await;
            if anonymous {
                let reply = reply.expect_problem(404, "not_found");
                let detail = reply.body["detail"].as_str().unwrap();
                assert!(detail.contains(key), "{method} {uri}: {detail}");
                for other in keys.iter().filter(|k| **k != key) {
                    assert!(
                        !detail.contains(other),
                        "{method} {uri}: the 404 reveals {other}: {detail}"
                    );
                }
            } else {
                // Writes and editors' reads need a token (a body they cannot parse may be
                // refused first): the anonymous caller learns nothing either way.
                assert!(
                    [401, 422].contains(&reply.status.as_u16()),
                    "{method} {uri}: {}",
                    reply.status
                );
                assert!(!String::from_utf8_lossy(&reply.raw).contains("hidden-new-name"));
            }
        }
    }
}

#[actix_web::test]
async fn a_draft_given_an_old_slug_leaves_its_redirect_to_anonymous_readers_until_published() {
    let app = spawn().await;
    let token = app.editor();
    let category = app.category("Health", None).await;
    let cid = category["id"].as_i64().unwrap();
    let original = app
        .article("Pub One", cid, json!({"status": "published"}))
        .await;
    app.patch(
        &token,
        &format!("/api/v1/articles/{}", original["id"]),
        json!({"slug": "renamed"}),
    )
    .await
    .expect(200);
    let squatter = app
        .article("Squatter", cid, json!({"slug": "pub-one"}))
        .await;
    // Readers keep the redirect; editors reach the draft that holds the slug now.
    let moved = app.get("/api/v1/articles/pub-one").await.expect(308);
    assert_eq!(moved.header("location"), "/api/v1/articles/renamed");
    let held = app
        .get_as(&token, "/api/v1/articles/pub-one")
        .await
        .expect(200);
    assert_eq!(held.body["id"], squatter["id"]);
    // Deleting the draft takes nothing away.
    app.delete(&token, &format!("/api/v1/articles/{}", squatter["id"]))
        .await
        .expect(204);
    app.get("/api/v1/articles/pub-one").await.expect(308);
    // A published holder takes the slug for everyone, and its entry purges the slug's URL.
    let taker = app
        .article(
            "Taker",
            cid,
            json!({"slug": "pub-one", "status": "published"}),
        )
        .await;
    let now_held = app.get("/api/v1/articles/pub-one").await.expect(200);
    assert_eq!(now_held.body["id"], taker["id"]);
    let feed = app
        .get_as(
            &app.token(&[healthhub::auth::Scope::Read]),
            "/api/v1/changes",
        )
        .await
        .expect(200);
    let last = feed.body["data"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["event"], "article.published");
    assert!(last["purge"]["urls"]
        .as_array()
        .unwrap()
        .contains(&json!("/api/v1/articles/pub-one")));
}
