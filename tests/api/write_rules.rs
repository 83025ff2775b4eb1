//! Tests: the rules every write path keeps (issue 11, kinds 1–3).
//!
//! 1. A rule over several fields holds on the merged state (stored + changed), whichever write
//!    path carries one of the fields: PATCH, publish, create, import, section writes.
//! 2. Every write to a versioned resource evaluates `If-Match` (412 and nothing changed on a
//!    mismatch, RFC 9110 §13.1.1) and answers the new validator; the document says so.
//! 3. In a partial update, `null` clears a field the document marks nullable and is a 422
//!    naming any other field; a write that changes nothing keeps `version` and `updated_at`.

use crate::common::{bearer, spawn, TestApp};
use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::TestRequest;
use serde_json::{json, Value};

/// A category, a published article with a window (published 2025-04-19, no end) and three
/// sections; returns (category id, article id, first section id).
async fn content<S, B>(app: &TestApp<S>) -> (i64, i64, i64)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let category = app.category("Health", None).await["id"].as_i64().unwrap();
    // Its author and medical reviewer, with every optional field of a person set.
    let person = app
        .post(
            &app.editor(),
            "/api/v1/people",
            json!({"name": "Jane Doe", "credentials": "MD", "bio": "A doctor.",
                   "links": ["https://example.org/jane"]}),
        )
        .await
        .expect(201)
        .body;
    let article = app
        .article(
            "Sleep Well",
            category,
            json!({
                "subtitle": "Rest is a skill.",
                "excerpt": "How to sleep.",
                "status": "published",
                "published_at": "2025-04-19T00:00:00Z",
                "sections": [
                    {"heading": "Why", "body": "Sleep matters."},
                    {"heading": "How", "body": "Keep a schedule."},
                    {"heading": "When", "body": "Every night."},
                ],
                "authors": [person["id"]],
                "review": {"reviewer_id": person["id"], "reviewed_at": "2025-04-01"},
            }),
        )
        .await;
    let section = article["sections"][0]["id"].as_i64().unwrap();
    (category, article["id"].as_i64().unwrap(), section)
}

/// What an editor reads of a path: the state a refused write must leave alone.
async fn state_of<S, B>(app: &TestApp<S>, paths: &[String]) -> Vec<Value>
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let token = app.editor();
    let mut bodies = Vec::new();
    for path in paths {
        bodies.push(app.get_as(&token, path).await.body);
    }
    bodies
}

fn request(method: &str, path: &str) -> TestRequest {
    match method {
        "POST" => TestRequest::post(),
        "PATCH" => TestRequest::patch(),
        "PUT" => TestRequest::put(),
        "DELETE" => TestRequest::delete(),
        other => panic!("no write method {other}"),
    }
    .uri(path)
}

#[actix_web::test]
async fn cross_field_rules_hold_on_the_merged_state_of_every_write_path() {
    let app = spawn().await;
    let (category, article, _) = content(&app).await;
    let token = app.editor();
    let a = format!("/api/v1/articles/{article}");
    // Each write carries one field of a rule; the other comes from what is stored: a 409 (the
    // request is fine alone, the stored state refuses it). A request that breaks a rule by
    // itself is a 422.
    let writes: Vec<(&str, String, Value, u16, &str)> = vec![
        // The example: the stored published_at is in 2025.
        (
            "PATCH",
            a.clone(),
            json!({"unpublish_at": "2020-01-01T00:00:00Z"}),
            409,
            "unpublish_at",
        ),
        (
            "PATCH",
            a.clone(),
            json!({"unpublish_at": "2025-04-19T00:00:00Z"}),
            409,
            "unpublish_at",
        ),
        (
            "PATCH",
            a.clone(),
            json!({"published_at": null}),
            409,
            "published_at",
        ),
        (
            "PATCH",
            a.clone(),
            json!({"status": "published", "published_at": null}),
            422,
            "published_at",
        ),
        (
            "PATCH",
            a.clone(),
            json!({"published_at": "2026-01-02T00:00:00Z",
            "unpublish_at": "2026-01-01T00:00:00Z"}),
            422,
            "unpublish_at",
        ),
    ];
    let watched = [a.clone(), format!("{a}/sections")];
    for (method, path, body, status, field) in &writes {
        let code = if *status == 409 {
            "state_conflict"
        } else {
            "validation_failed"
        };
        let before = state_of(&app, &watched).await;
        let reply = app
            .send(
                request(method, path)
                    .insert_header(bearer(&token))
                    .set_json(body),
            )
            .await
            .expect_problem(*status, code);
        assert_eq!(
            reply.error_fields(),
            vec![field.to_string()],
            "{method} {path} {body}"
        );
        assert_eq!(
            state_of(&app, &watched).await,
            before,
            "{method} {path} {body} changed something"
        );
    }

    // Give it an end, then move the start past it with a write that carries only the start.
    app.patch(&token, &a, json!({"unpublish_at": "2025-12-01T00:00:00Z"}))
        .await
        .expect(200);
    let starts: Vec<(&str, String, Value)> = vec![
        (
            "PATCH",
            a.clone(),
            json!({"published_at": "2026-01-01T00:00:00Z"}),
        ),
        ("POST", format!("{a}/unpublish"), json!(null)),
        (
            "POST",
            format!("{a}/publish"),
            json!({"published_at": "2026-01-01T00:00:00Z"}),
        ),
    ];
    for (method, path, body) in &starts {
        if method == &"POST" && path.ends_with("/unpublish") {
            // Unpublishing keeps published_at: no rule is broken, so it is allowed; publish it back.
            app.send(request(method, path).insert_header(bearer(&token)))
                .await
                .expect(200);
            continue;
        }
        let before = state_of(&app, &watched).await;
        let mut req = request(method, path).insert_header(bearer(&token));
        if !body.is_null() {
            req = req.set_json(body);
        }
        let reply = app.send(req).await.expect_problem(409, "state_conflict");
        assert_eq!(
            reply.error_fields(),
            vec!["unpublish_at"],
            "{method} {path}"
        );
        assert_eq!(
            state_of(&app, &watched).await,
            before,
            "{method} {path} changed something"
        );
    }

    // Create: published now (2026-06-01 on the test clock) with an end in the past: the clock is
    // the state it conflicts with. Both times in the request, inverted: the request is wrong.
    let before = app.count("articles");
    app.post(
        &token,
        "/api/v1/articles",
        json!({"title": "Ended", "category_id": category, "status": "published",
               "unpublish_at": "2020-01-01T00:00:00Z"}),
    )
    .await
    .expect_problem(409, "state_conflict");
    app.post(
        &token,
        "/api/v1/articles",
        json!({"title": "Inverted", "category_id": category, "status": "published",
               "published_at": "2025-02-01T00:00:00Z", "unpublish_at": "2025-01-01T00:00:00Z"}),
    )
    .await
    .expect_problem(422, "validation_failed");
    assert_eq!(app.count("articles"), before);
}

#[actix_web::test]
async fn the_section_count_rule_holds_on_every_section_write() {
    let app = spawn().await;
    let (category, _, _) = content(&app).await;
    let token = app.editor();
    let many: Vec<Value> = (0..200)
        .map(|i| json!({"heading": format!("Part {i}"), "body": "Text."}))
        .collect();
    let full = app
        .article("Full", category, json!({"sections": many}))
        .await;
    let path = format!("/api/v1/articles/{}/sections", full["id"]);
    app.post(
        &token,
        &path,
        json!({"heading": "One more", "body": "Text."}),
    )
    .await
    .expect_problem(409, "state_conflict");
    let mut replacement: Vec<Value> = full["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| json!({"id": s["id"], "heading": s["heading"], "body": s["body"]}))
        .collect();
    replacement.push(json!({"heading": "One more", "body": "Text."}));
    app.put(&token, &path, json!({"sections": replacement}))
        .await
        .expect_problem(422, "validation_failed");
    let mut too_many = many_sections(201);
    too_many["title"] = json!("Too many");
    too_many["category_id"] = json!(category);
    app.post(&token, "/api/v1/articles", too_many)
        .await
        .expect_problem(422, "validation_failed");
    let sections = app.get_as(&token, &path).await.body;
    assert_eq!(sections["data"].as_array().unwrap().len(), 200);
}

#[test]
fn the_document_bounds_section_positions_by_the_section_limit() {
    let document: Value =
        serde_json::from_str(&healthhub::openapi::to_pretty_json().unwrap()).unwrap();
    for schema in ["CreateSection", "UpdateSection"] {
        let position = &document["components"]["schemas"][schema]["properties"]["position"];
        assert_eq!(position["minimum"], 1, "{schema}");
        assert_eq!(
            position["maximum"],
            healthhub::sections::input::MAX_SECTIONS,
            "{schema}"
        );
    }
}

fn many_sections(n: usize) -> Value {
    let sections: Vec<Value> = (0..n)
        .map(|i| json!({"heading": format!("Part {i}"), "body": "Text."}))
        .collect();
    json!({ "sections": sections })
}

/// Every write to a versioned resource, with a body that would succeed.
fn versioned_writes(
    article: i64,
    section: i64,
    category: i64,
) -> Vec<(&'static str, String, Value)> {
    let a = format!("/api/v1/articles/{article}");
    vec![
        ("PATCH", a.clone(), json!({"subtitle": "Changed."})),
        ("POST", format!("{a}/unpublish"), Value::Null),
        ("POST", format!("{a}/publish"), Value::Null),
        (
            "POST",
            format!("{a}/sections"),
            json!({"heading": "New", "body": "Text."}),
        ),
        (
            "PUT",
            format!("{a}/sections"),
            json!({"sections": [{"id": section, "heading": "Only", "body": "Text."}]}),
        ),
        (
            "PATCH",
            format!("/api/v1/sections/{section}"),
            json!({"heading": "Renamed"}),
        ),
        ("DELETE", format!("/api/v1/sections/{section}"), Value::Null),
        (
            "PATCH",
            format!("/api/v1/categories/{category}"),
            json!({"description": "New."}),
        ),
        ("DELETE", a, Value::Null),
        (
            "DELETE",
            format!("/api/v1/categories/{category}"),
            Value::Null,
        ),
    ]
}

#[actix_web::test]
async fn every_write_to_a_versioned_resource_evaluates_if_match_and_answers_the_new_validator() {
    let app = spawn().await;
    let (category, article, section) = content(&app).await;
    let token = app.editor();
    let watched = [
        format!("/api/v1/articles/{article}"),
        format!("/api/v1/articles/{article}/sections"),
        format!("/api/v1/categories/{category}"),
    ];
    for (method, path, body) in versioned_writes(article, section, category) {
        let with = |tag: String| {
            let mut req = request(method, &path)
                .insert_header(bearer(&token))
                .insert_header(("If-Match", tag));
            if !body.is_null() {
                req = req.set_json(&body);
            }
            req
        };
        // A stale tag (the example: "0"), and a weak one (never matches, RFC 9110 §8.8.3.2).
        for stale in ["\"0\"", "W/\"1\""] {
            let before = state_of(&app, &watched).await;
            app.send(with(stale.to_owned()))
                .await
                .expect_problem(412, "precondition_failed");
            assert_eq!(
                state_of(&app, &watched).await,
                before,
                "{method} {path} with {stale}"
            );
        }
        // The current version (what the resource's read answered) is accepted.
        let resource = if path.starts_with("/api/v1/categories") {
            watched[2].clone()
        } else {
            watched[0].clone()
        };
        let read = app.get_as(&token, &resource).await.expect(200);
        let current = read.header("etag").to_owned();
        let reply = app.send(with(current.clone())).await;
        assert!(
            reply.status.is_success(),
            "{method} {path}: {}",
            reply.status
        );
        if method != "DELETE" || path.contains("/sections/") {
            let version: i64 = current
                .trim_matches('"')
                .split('-')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            assert_eq!(
                reply.header("etag"),
                format!("\"{}\"", version + 1),
                "{method} {path} answers the new version"
            );
        }
        if method == "DELETE" && path.contains("/articles/") {
            // The category's DELETE below needs it empty: the article was the last thing in it.
            continue;
        }
    }
}

#[actix_web::test]
async fn the_document_declares_if_match_and_412_on_every_write_to_a_versioned_resource() {
    let document: Value =
        serde_json::from_str(&healthhub::openapi::to_pretty_json().unwrap()).unwrap();
    let mut checked = 0;
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let writes_a_resource = match method.as_str() {
                "patch" | "put" | "delete" => true,
                // A view is counted, a delivery queued again: neither has a version to match.
                "post" => {
                    path.contains('{') && !path.ends_with("/views") && !path.ends_with("/redeliver")
                }
                _ => false,
            };
            // Preview links are tokens: minting or revoking one leaves the article's version.
            if !writes_a_resource || path.starts_with("/api/v1/auth") || path.contains("/preview") {
                continue;
            }
            let params = operation["parameters"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            assert!(
                params
                    .iter()
                    .any(|p| p["name"] == "If-Match" && p["in"] == "header"),
                "{method} {path} does not document If-Match"
            );
            assert!(
                operation["responses"]["412"].is_object(),
                "{method} {path} does not document 412"
            );
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} operations checked");
}

/// The PATCH endpoints and the schema of their bodies.
fn patch_endpoints(article: i64, section: i64, category: i64) -> Vec<(String, &'static str)> {
    vec![
        (format!("/api/v1/articles/{article}"), "UpdateArticle"),
        (format!("/api/v1/categories/{category}"), "UpdateCategory"),
        (format!("/api/v1/sections/{section}"), "UpdateSection"),
        ("/api/v1/people/jane-doe".to_owned(), "UpdatePerson"),
    ]
}

fn nullable(schema: &Value) -> bool {
    match &schema["type"] {
        Value::Array(types) => types.iter().any(|t| t == "null"),
        _ => schema["oneOf"]
            .as_array()
            .is_some_and(|alts| alts.iter().any(|a| a["type"] == "null")),
    }
}

#[actix_web::test]
async fn null_clears_what_the_document_calls_nullable_and_is_a_422_naming_any_other_field() {
    let document: Value =
        serde_json::from_str(&healthhub::openapi::to_pretty_json().unwrap()).unwrap();
    let app = spawn().await;
    let (category, article, section) = content(&app).await;
    let parent = app.category("Parent", None).await["id"].as_i64().unwrap();
    let token = app.editor();
    // A draft with an end, so that every nullable field has a value to clear.
    app.post(
        &token,
        &format!("/api/v1/articles/{article}/unpublish"),
        json!(null),
    )
    .await
    .expect(200);
    let image = crate::media::picture(4, 4, image::ImageFormat::Png);
    let medium = crate::media::upload(&app, &token, image, "image/png", "")
        .await
        .expect(201);
    app.patch(
        &token,
        &format!("/api/v1/articles/{article}"),
        json!({"unpublish_at": "2027-01-01T00:00:00Z", "seo": {"meta_title": "Sleep, well"},
               "feature_image": {"media_id": medium.body["id"], "alt": "A square"}}),
    )
    .await
    .expect(200);
    app.patch(
        &token,
        "/api/v1/people/jane-doe",
        json!({"avatar": {"media_id": medium.body["id"], "alt": "Jane"}}),
    )
    .await
    .expect(200);
    app.patch(
        &token,
        &format!("/api/v1/categories/{category}"),
        json!({"parent_id": parent, "description": "About health."}),
    )
    .await
    .expect(200);
    let mut seen = 0;
    for (path, schema) in patch_endpoints(article, section, category) {
        let properties = document["components"]["schemas"][schema]["properties"]
            .as_object()
            .unwrap()
            .clone();
        for (field, property) in properties {
            seen += 1;
            let before = app.get_as(&token, &path).await.expect(200).body;
            let reply = app
                .patch(&token, &path, json!({ field.clone(): null }))
                .await;
            if nullable(&property) {
                let reply = reply.expect(200);
                // Cleared: empty, or (an excerpt) the one derived from the sections.
                let cleared = &reply.body[&field];
                assert!(
                    !before[&field].is_null() && before[&field] != "",
                    "{path}: {field} had nothing to clear"
                );
                assert_ne!(cleared, &before[&field], "{path}: null must clear {field}");
            } else {
                let reply = reply.expect_problem(422, "validation_failed");
                assert_eq!(reply.error_fields(), vec![field.clone()], "{path}");
                assert_eq!(
                    app.get_as(&token, &path).await.body,
                    before,
                    "{path} {field}"
                );
            }
        }
    }
    assert!(seen >= 13, "only {seen} fields checked");
    // The example: a null subtitle is cleared (it is not kept).
    let read = app
        .get_as(&token, &format!("/api/v1/articles/{article}"))
        .await
        .body;
    assert_eq!(read["subtitle"], "");
}

#[actix_web::test]
async fn a_write_that_changes_nothing_keeps_version_and_updated_at() {
    let app = spawn().await;
    let (category, article, section) = content(&app).await;
    let token = app.editor();
    app.set_now(app.now() + chrono::Duration::hours(1));
    let a = format!("/api/v1/articles/{article}");
    let c = format!("/api/v1/categories/{category}");
    let s = format!("/api/v1/sections/{section}");
    let stored = app.get_as(&token, &a).await.body;
    let stored_category = app.get_as(&token, &c).await.body;
    let stored_section = app.get_as(&token, &s).await.body;
    let sections: Vec<Value> = stored["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| json!({"id": s["id"], "heading": s["heading"], "body": s["body"]}))
        .collect();
    let same: Vec<(&str, String, Value)> = vec![
        ("PATCH", a.clone(), json!({})),
        (
            "PATCH",
            a.clone(),
            json!({
                "title": stored["title"], "slug": stored["slug"], "subtitle": stored["subtitle"],
                "excerpt": stored["excerpt"], "category_id": stored["category_id"],
                "status": "published", "published_at": stored["published_at"], "unpublish_at": null,
            }),
        ),
        // Surrounding spaces are trimmed, so this is the same title.
        (
            "PATCH",
            a.clone(),
            json!({"title": format!("  {}  ", stored["title"].as_str().unwrap())}),
        ),
        ("POST", format!("{a}/publish"), Value::Null),
        (
            "PUT",
            format!("{a}/sections"),
            json!({ "sections": sections }),
        ),
        (
            "PATCH",
            s.clone(),
            json!({
                "heading": stored_section["heading"], "body": stored_section["body"],
                "position": stored_section["position"],
            }),
        ),
        (
            "PATCH",
            c.clone(),
            json!({
                "name": stored_category["name"], "slug": stored_category["slug"],
                "description": stored_category["description"], "parent_id": null,
                "position": stored_category["position"],
            }),
        ),
    ];
    for (method, path, body) in same {
        let mut req = request(method, &path).insert_header(bearer(&token));
        if !body.is_null() {
            req = req.set_json(&body);
        }
        let reply = app.send(req).await;
        assert!(
            reply.status.is_success(),
            "{method} {path}: {} {}",
            reply.status,
            reply.body
        );
        let article_now = app.get_as(&token, &a).await.body;
        let category_now = app.get_as(&token, &c).await.body;
        for field in ["version", "updated_at"] {
            assert_eq!(
                article_now[field], stored[field],
                "{method} {path} changed the article's {field}"
            );
            assert_eq!(
                category_now[field], stored_category[field],
                "{method} {path} changed the category's {field}"
            );
        }
    }
}

#[actix_web::test]
async fn times_outside_years_0001_to_9999_are_422s_on_every_write_path() {
    let app = spawn().await;
    let (category, article, _) = content(&app).await;
    let token = app.editor();
    let a = format!("/api/v1/articles/{article}");
    for time in [
        "+10000-01-01T00:00:00Z",
        "0000-01-01T00:00:00Z",
        "-0001-01-01T00:00:00Z",
    ] {
        let writes: Vec<(&str, String, Value, &str)> = vec![
            (
                "PATCH",
                a.clone(),
                json!({"published_at": time}),
                "published_at",
            ),
            (
                "PATCH",
                a.clone(),
                json!({"unpublish_at": time}),
                "unpublish_at",
            ),
            (
                "POST",
                format!("{a}/publish"),
                json!({"published_at": time}),
                "published_at",
            ),
            (
                "POST",
                "/api/v1/articles".to_owned(),
                json!({"title": "Far", "category_id": category, "unpublish_at": time}),
                "unpublish_at",
            ),
        ];
        for (method, path, body, field) in writes {
            let before = app.get_as(&token, &a).await.body;
            let reply = app
                .send(
                    request(method, &path)
                        .insert_header(bearer(&token))
                        .set_json(&body),
                )
                .await
                .expect_problem(422, "validation_failed");
            assert_eq!(reply.error_fields(), vec![field], "{method} {path} {time}");
            assert_eq!(
                app.get_as(&token, &a).await.body,
                before,
                "{method} {path} {time}"
            );
        }
    }
}

#[actix_web::test]
async fn every_read_of_an_articles_content_carries_its_version_for_if_match() {
    for read in ["article", "sections", "section"] {
        let app = spawn().await;
        let (_, article, section) = content(&app).await;
        let token = app.editor();
        let path = match read {
            "article" => format!("/api/v1/articles/{article}"),
            "sections" => format!("/api/v1/articles/{article}/sections"),
            _ => format!("/api/v1/sections/{section}"),
        };
        let etag = app.get_as(&token, &path).await.header("etag").to_owned();
        assert!(etag.starts_with("\"1-"), "{path}: {etag}");
        // A version written otherwise ("01") is not this one; the read's tag is.
        for (tag, status) in [("\"01\"".to_owned(), 412), (etag, 200)] {
            let reply = app
                .send(
                    TestRequest::put()
                        .uri(&format!("/api/v1/articles/{article}/sections"))
                        .insert_header(bearer(&token))
                        .insert_header(("If-Match", tag.clone()))
                        .set_json(json!({"sections": [
                            {"id": section, "heading": "Changed", "body": "B"}
                        ]})),
                )
                .await;
            assert_eq!(reply.status.as_u16(), status, "{path} with {tag}");
        }
    }
}

/// The `(schema, property)` pairs of the request bodies whose value the document calls an object
/// or a list of objects (a `$ref`, maybe nullable, or an array of them).
fn nested_object_properties(document: &Value) -> std::collections::BTreeSet<(String, String)> {
    let schemas = &document["components"]["schemas"];
    let name_of = |reference: &Value| {
        reference
            .as_str()
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
            .map(str::to_owned)
    };
    let is_object = |schema: &Value| {
        let target = name_of(&schema["$ref"]).or_else(|| {
            schema["oneOf"]
                .as_array()
                .and_then(|alts| alts.iter().find_map(|a| name_of(&a["$ref"])))
        });
        // An object, or an `allOf` of one and its constraints (`FeatureImage`).
        target.is_some_and(|name| {
            let schema = &schemas[&name];
            schema["type"] == "object"
                || schema["allOf"]
                    .as_array()
                    .is_some_and(|parts| parts.iter().any(|part| part["type"] == "object"))
        })
    };
    let mut bodies = std::collections::BTreeSet::new();
    for item in document["paths"].as_object().unwrap().values() {
        for operation in item.as_object().unwrap().values() {
            let body = &operation["requestBody"]["content"]["application/json"]["schema"];
            if let Some(name) = name_of(&body["$ref"]) {
                bodies.insert(name);
            }
        }
    }
    let mut nested = std::collections::BTreeSet::new();
    for body in bodies {
        for (property, schema) in schemas[&body]["properties"].as_object().unwrap() {
            if is_object(schema) || is_object(&schema["items"]) {
                nested.insert((body.clone(), property.clone()));
            }
        }
    }
    nested
}

#[actix_web::test]
async fn a_nested_object_written_as_an_array_is_a_422_naming_it_and_changes_nothing() {
    let document: Value =
        serde_json::from_str(&healthhub::openapi::to_pretty_json().unwrap()).unwrap();
    let app = spawn().await;
    let (category, article, _) = content(&app).await;
    let token = app.editor();
    let article_path = format!("/api/v1/articles/{article}");
    let new = |field: &str, value: Value| json!({"title": "Arrays", "category_id": category, field: value});
    // serde would read a struct from an array, by position: each way an array could stand in.
    let cases: Vec<(&str, &str, &str, String, Value, &str)> = vec![
        (
            "CreateArticle",
            "sections",
            "POST",
            "/api/v1/articles".to_owned(),
            new("sections", json!([["Heading", "Body"]])),
            "sections[0]",
        ),
        (
            "CreateArticle",
            "references",
            "POST",
            "/api/v1/articles".to_owned(),
            new(
                "references",
                json!([["A study", "https://example.org/s", "J", null, null, null]]),
            ),
            "references[0]",
        ),
        (
            "CreateArticle",
            "review",
            "POST",
            "/api/v1/articles".to_owned(),
            new("review", json!([1, "2025-01-01"])),
            "review",
        ),
        (
            "CreateArticle",
            "seo",
            "POST",
            "/api/v1/articles".to_owned(),
            new(
                "seo",
                json!(["A title", "A description", "https://example.org/x"]),
            ),
            "seo",
        ),
        (
            "UpdateArticle",
            "review",
            "PATCH",
            article_path.clone(),
            json!({"review": [1, "2025-01-01"]}),
            "review",
        ),
        (
            "UpdateArticle",
            "seo",
            "PATCH",
            article_path.clone(),
            json!({"seo": []}),
            "seo",
        ),
        (
            "CreateArticle",
            "feature_image",
            "POST",
            "/api/v1/articles".to_owned(),
            new("feature_image", json!([1, "Alt", "Caption"])),
            "feature_image",
        ),
        (
            "UpdateArticle",
            "feature_image",
            "PATCH",
            article_path.clone(),
            json!({"feature_image": [1, "Alt", ""]}),
            "feature_image",
        ),
        (
            "CreatePerson",
            "avatar",
            "POST",
            "/api/v1/people".to_owned(),
            json!({"name": "Sam Lee", "avatar": [1, "Sam"]}),
            "avatar",
        ),
        (
            "UpdatePerson",
            "avatar",
            "PATCH",
            "/api/v1/people/jane-doe".to_owned(),
            json!({"avatar": [1, "Jane"]}),
            "avatar",
        ),
        (
            "ReplaceSections",
            "sections",
            "PUT",
            format!("{article_path}/sections"),
            json!({"sections": [[null, "Heading", "Body"]]}),
            "sections[0]",
        ),
        (
            "ReplaceReferences",
            "references",
            "PUT",
            format!("{article_path}/references"),
            json!({"references": [["A study", "https://example.org/s", "J", null, null, null]]}),
            "references[0]",
        ),
    ];
    let covered: std::collections::BTreeSet<(String, String)> = cases
        .iter()
        .map(|(schema, property, ..)| ((*schema).to_owned(), (*property).to_owned()))
        .collect();
    assert_eq!(
        covered,
        nested_object_properties(&document),
        "every nested object of a request body has a case here"
    );
    let before = app.get_as(&token, &article_path).await.body;
    let person = app.get_as(&token, "/api/v1/people/jane-doe").await.body;
    let articles = app.count("articles");
    for (_, _, method, path, body, field) in cases {
        let reply = app
            .json(method, &path, Some(&token), body)
            .await
            .expect_problem(422, "validation_failed");
        assert_eq!(
            reply.error_fields(),
            vec![field.to_owned()],
            "{method} {path}"
        );
    }
    assert_eq!(app.get_as(&token, &article_path).await.body, before);
    assert_eq!(app.count("articles"), articles);
    assert_eq!(
        app.get_as(&token, "/api/v1/people/jane-doe").await.body,
        person
    );
    assert_eq!(app.count("people"), 1);
}
