//! Tests: tags — topics across categories: create, read by id, slug or old slug, change under
//! If-Match, delete (409 while carried), page through, count published articles only; an
//! article carries ordered tags (written with it, checked, embedded, kept in revisions) and
//! lists and search filter by them.

use crate::common::{bearer, spawn, TestApp};
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::TestRequest;
use chrono::TimeDelta;
use healthhub::auth::Scope;
use serde_json::{json, Value};

/// Creates tags Sleep and Stress and a category; returns (sleep, stress, category) ids.
async fn tags_and_category<S, B>(app: &TestApp<S>) -> (i64, i64, i64)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let token = app.editor();
    let mut ids = Vec::new();
    for name in ["Sleep", "Stress"] {
        let tag = app
            .post(&token, "/api/v1/tags", json!({"name": name}))
            .await
            .expect(201);
        ids.push(tag.body["id"].as_i64().unwrap());
    }
    let category = app.category("Health", None).await["id"].as_i64().unwrap();
    (ids[0], ids[1], category)
}

fn article(title: &str, category: i64, extra: Value) -> Value {
    let mut body = json!({"title": title, "category_id": category,
                          "status": "published", "published_at": "2025-01-01T00:00:00Z"});
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    body
}

fn ids(list: &Value) -> Vec<i64> {
    list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect()
}

#[actix_web::test]
async fn a_tag_is_created_read_renamed_and_deleted() {
    let app = spawn().await;
    let token = app.editor();
    let created = app
        .post(
            &token,
            "/api/v1/tags",
            json!({"name": " Sleep ", "description": "Rest and dreams."}),
        )
        .await
        .expect(201);
    let tag = &created.body;
    assert_eq!(
        created.header("location"),
        format!("/api/v1/tags/{}", tag["id"])
    );
    assert_eq!(created.header("etag"), "\"1\"");
    assert_eq!(tag["name"], "Sleep");
    assert_eq!(tag["slug"], "sleep");
    assert_eq!(tag["article_count"], 0);

    let by_slug = app.get("/api/v1/tags/sleep").await.expect(200);
    assert_eq!(&by_slug.body, tag);
    assert!(by_slug.header("etag").starts_with("\"1-"));
    let by_id = app
        .get(&format!("/api/v1/tags/{}", tag["id"]))
        .await
        .expect(200);
    assert_eq!(&by_id.body, tag);

    app.post(
        &token,
        "/api/v1/tags",
        json!({"name": "Other", "slug": "sleep"}),
    )
    .await
    .expect_problem(409, "conflict");
    let renamed = app
        .patch(
            &token,
            "/api/v1/tags/sleep",
            json!({"slug": "sleep-health", "description": null}),
        )
        .await
        .expect(200);
    assert_eq!(renamed.body["version"], 2);
    assert_eq!(renamed.body["description"], "");
    let moved = app.get("/api/v1/tags/sleep").await.expect(308);
    assert_eq!(moved.header("location"), "/api/v1/tags/sleep-health");
    let same = app
        .patch(
            &token,
            "/api/v1/tags/sleep-health",
            json!({"name": "Sleep"}),
        )
        .await
        .expect(200);
    assert_eq!(
        same.body["version"], 2,
        "a PATCH that changes nothing writes nothing"
    );

    let stale = TestRequest::delete()
        .uri("/api/v1/tags/sleep-health")
        .insert_header(bearer(&token))
        .insert_header(("If-Match", "\"1\""));
    app.send(stale).await.expect(412);
    app.delete(&token, "/api/v1/tags/sleep-health")
        .await
        .expect(204);
    app.get("/api/v1/tags/sleep-health").await.expect(404);
    app.get("/api/v1/tags/sleep").await.expect(404);
    let next = app
        .post(&token, "/api/v1/tags", json!({"name": "Sleep"}))
        .await
        .expect(201);
    assert!(
        next.body["id"].as_i64() > tag["id"].as_i64(),
        "ids are never reused"
    );
}

#[actix_web::test]
async fn every_field_is_checked_and_a_refused_write_changes_nothing() {
    let app = spawn().await;
    let token = app.editor();
    let long = "x".repeat(101);
    for (body, field) in [
        (json!({"name": ""}), "name"),
        (json!({"name": "   "}), "name"),
        (json!({"name": long}), "name"),
        (json!({"name": "Two\nlines"}), "name"),
        (json!({"name": "Sleep", "slug": "Not A Slug"}), "slug"),
        (json!({"name": "Sleep", "slug": "123"}), "slug"),
        (
            json!({"name": "Sleep", "description": "y".repeat(1001)}),
            "description",
        ),
    ] {
        let reply = app
            .post(&token, "/api/v1/tags", body.clone())
            .await
            .expect_problem(422, "validation_failed");
        assert_eq!(reply.error_fields(), vec![field], "{body}");
    }
    app.post(
        &token,
        "/api/v1/tags",
        json!({"name": "Sleep", "colour": "blue"}),
    )
    .await
    .expect_problem(422, "validation_failed");
    assert_eq!(app.count("tags"), 0);
    app.post(&token, "/api/v1/tags", json!({"name": "Sleep"}))
        .await
        .expect(201);
    for (body, field) in [
        (json!({"name": null}), "name"),
        (json!({"slug": null}), "slug"),
        (json!({"name": long}), "name"),
    ] {
        let reply = app
            .patch(&token, "/api/v1/tags/sleep", body.clone())
            .await
            .expect_problem(422, "validation_failed");
        assert_eq!(reply.error_fields(), vec![field], "{body}");
    }
    assert_eq!(app.get("/api/v1/tags/sleep").await.body["version"], 1);
}

#[actix_web::test]
async fn writes_need_the_write_scope_and_reads_need_nothing() {
    let app = spawn().await;
    let reader = app.token(&[Scope::Read]);
    app.post(&reader, "/api/v1/tags", json!({"name": "Sleep"}))
        .await
        .expect(403);
    app.send(
        TestRequest::post()
            .uri("/api/v1/tags")
            .set_json(json!({"name": "Sleep"})),
    )
    .await
    .expect(401);
    app.post(&app.editor(), "/api/v1/tags", json!({"name": "Sleep"}))
        .await
        .expect(201);
    app.get("/api/v1/tags").await.expect(200);
    app.get("/api/v1/tags/sleep").await.expect(200);
}

#[actix_web::test]
async fn the_list_pages_through_every_tag_in_id_order_with_counts() {
    let app = spawn().await;
    let token = app.editor();
    let mut created = Vec::new();
    for i in 0..5 {
        let tag = app
            .post(
                &token,
                "/api/v1/tags",
                json!({"name": format!("Topic {i}")}),
            )
            .await
            .expect(201);
        created.push(tag.body["id"].as_i64().unwrap());
    }
    let mut seen = Vec::new();
    let mut after = 0;
    loop {
        let page = app
            .get(&format!("/api/v1/tags?limit=2&after={after}"))
            .await
            .expect(200)
            .body;
        seen.extend(ids(&page));
        assert!(page["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["article_count"] == 0));
        match page["meta"]["next_after"].as_i64() {
            Some(next) => after = next,
            None => break,
        }
    }
    assert_eq!(seen, created);
    for bad in ["limit=0", "limit=501", "after=-1", "limit=two"] {
        app.get(&format!("/api/v1/tags?{bad}")).await.expect(400);
    }
}

#[actix_web::test]
async fn an_article_carries_its_tags_in_order_and_a_change_is_a_new_version() {
    let app = spawn().await;
    let token = app.editor();
    let (sleep, stress, category) = tags_and_category(&app).await;
    let created = app
        .post(
            &token,
            "/api/v1/articles",
            article("Rest", category, json!({"tags": [stress, sleep]})),
        )
        .await
        .expect(201);
    assert_eq!(created.body["version"], 1);
    // A single read embeds them by default; lists on request.
    let page = app.get("/api/v1/articles/rest").await.expect(200);
    let names: Vec<&str> = page.body["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Stress", "Sleep"]);
    assert_eq!(
        page.body["tags"][0],
        json!({"id": stress, "slug": "stress", "name": "Stress"})
    );
    let list = app.get("/api/v1/articles").await.expect(200).body;
    assert!(
        list["data"][0].get("tags").is_none(),
        "lists embed tags on request"
    );
    let list = app
        .get("/api/v1/articles?include=tags&fields=title")
        .await
        .expect(200)
        .body;
    assert_eq!(list["data"][0]["tags"][1]["slug"], "sleep");

    // The same list again writes nothing; another order is a new version.
    let same = app
        .patch(
            &token,
            "/api/v1/articles/rest",
            json!({"tags": [stress, sleep]}),
        )
        .await
        .expect(200);
    assert_eq!(same.body["version"], 1);
    let reordered = app
        .patch(&token, "/api/v1/articles/rest", json!({"tags": [sleep]}))
        .await
        .expect(200);
    assert_eq!(reordered.body["version"], 2);
    assert_eq!(
        reordered.body["tags"],
        json!([{"id": sleep, "slug": "sleep", "name": "Sleep"}])
    );
    let untouched = app
        .patch(
            &token,
            "/api/v1/articles/rest",
            json!({"subtitle": "Rested."}),
        )
        .await
        .expect(200);
    assert_eq!(
        untouched.body["tags"][0]["id"], sleep,
        "a PATCH without tags keeps them"
    );
    let cleared = app
        .patch(&token, "/api/v1/articles/rest", json!({"tags": []}))
        .await
        .expect(200);
    assert_eq!(cleared.body["tags"], json!([]));

    // A rename of the tag shows on the article at once.
    app.patch(&token, "/api/v1/articles/rest", json!({"tags": [stress]}))
        .await
        .expect(200);
    app.patch(
        &token,
        "/api/v1/tags/stress",
        json!({"name": "Stress & anxiety"}),
    )
    .await
    .expect(200);
    let page = app.get("/api/v1/articles/rest").await.expect(200);
    assert_eq!(page.body["tags"][0]["name"], "Stress & anxiety");
}

#[actix_web::test]
async fn tags_are_checked_alone_then_against_the_tags_there_are() {
    let app = spawn().await;
    let token = app.editor();
    let (sleep, _, category) = tags_and_category(&app).await;
    let many: Vec<i64> = (1..=21).collect();
    for (tags, field, status) in [
        (json!([sleep, sleep]), "tags[1]", 422),
        (json!(many), "tags", 422),
        (json!([sleep, 9999]), "tags[1]", 409),
    ] {
        let reply = app
            .post(
                &token,
                "/api/v1/articles",
                article("Rest", category, json!({"tags": tags})),
            )
            .await;
        assert_eq!(reply.status.as_u16(), status, "{tags}: {}", reply.body);
        assert!(
            reply.error_fields().contains(&field.to_owned()),
            "{tags}: {}",
            reply.body
        );
    }
    assert_eq!(
        app.count("articles"),
        0,
        "a refused creation leaves nothing"
    );
    app.post(
        &token,
        "/api/v1/articles",
        article("Rest", category, json!({"tags": [sleep]})),
    )
    .await
    .expect(201);
    for (body, status) in [
        (json!({"tags": null}), 422),
        (json!({"tags": [sleep, sleep]}), 422),
        (json!({"tags": [9999], "subtitle": "New."}), 409),
    ] {
        let reply = app
            .patch(&token, "/api/v1/articles/rest", body.clone())
            .await;
        assert_eq!(reply.status.as_u16(), status, "{body}: {}", reply.body);
    }
    let page = app.get("/api/v1/articles/rest").await.expect(200).body;
    assert_eq!(page["version"], 1, "a refused PATCH changes nothing");
    assert_eq!(page["subtitle"], "");
    assert_eq!(page["tags"][0]["id"], sleep);
}

#[actix_web::test]
async fn lists_and_search_filter_by_tag() {
    let app = spawn().await;
    let token = app.editor();
    let (sleep, stress, category) = tags_and_category(&app).await;
    let mut made = Vec::new();
    for (title, tags) in [
        ("Rest at night", json!([sleep])),
        ("Rest under stress", json!([stress, sleep])),
        ("Rest at work", json!([stress])),
        ("Rest anywhere", json!([])),
    ] {
        let created = app
            .post(
                &token,
                "/api/v1/articles",
                article(title, category, json!({"tags": tags})),
            )
            .await
            .expect(201);
        made.push(created.body["id"].as_i64().unwrap());
    }
    let stress_key = stress.to_string();
    for (query, expected) in [
        ("tag=sleep", vec![made[0], made[1]]),
        (&format!("tag={stress_key}"), vec![made[1], made[2]]),
        ("filter[tag][eq]=stress", vec![made[1], made[2]]),
        (
            "filter[tag][in]=sleep,stress",
            vec![made[0], made[1], made[2]],
        ),
        ("filter[tag][ne]=stress", vec![made[0], made[3]]),
        ("tag=sleep&filter[tag][eq]=stress", vec![made[1]]),
    ] {
        let path = format!("/api/v1/articles?sort=id&{query}");
        assert_eq!(
            ids(&app.get(&path).await.expect(200).body),
            expected,
            "{query}"
        );
    }
    let searched = app
        .get("/api/v1/search?q=rest&tag=stress&sort=id")
        .await
        .expect(200)
        .body;
    assert_eq!(ids(&searched), [made[1], made[2]]);
    app.get("/api/v1/articles?tag=nothing-here")
        .await
        .expect_problem(404, "not_found");
    let reply = app
        .get("/api/v1/articles?filter[tag][in]=sleep,nothing-here")
        .await
        .expect_problem(404, "not_found");
    assert!(reply.body["detail"]
        .as_str()
        .unwrap()
        .contains("nothing-here"));
    app.get("/api/v1/articles?filter[tag][lt]=sleep")
        .await
        .expect(400);
}

#[actix_web::test]
async fn a_tag_counts_only_what_anonymous_readers_can_see_now() {
    let app = spawn().await;
    let token = app.editor();
    let (sleep, _, category) = tags_and_category(&app).await;
    let now = app.now();
    let soon = (now + TimeDelta::hours(1)).to_rfc3339();
    let ended = (now - TimeDelta::hours(1)).to_rfc3339();
    for (title, extra) in [
        ("Public", json!({})),
        ("Draft", json!({"status": "draft", "published_at": null})),
        ("Scheduled", json!({"published_at": soon})),
        (
            "Expired",
            json!({"published_at": "2024-01-01T00:00:00Z", "unpublish_at": ended}),
        ),
    ] {
        let mut body = article(title, category, extra);
        body["tags"] = json!([sleep]);
        app.post(&token, "/api/v1/articles", body).await.expect(201);
    }
    assert_eq!(app.get("/api/v1/tags/sleep").await.body["article_count"], 1);
    assert_eq!(
        app.get("/api/v1/tags").await.body["data"][0]["article_count"],
        1
    );
    assert_eq!(
        ids(&app.get("/api/v1/articles?tag=sleep").await.body).len(),
        1
    );
    // The scheduled article's time comes: it counts from then on, in a fresh answer.
    app.set_now(now + TimeDelta::hours(2));
    assert_eq!(app.get("/api/v1/tags/sleep").await.body["article_count"], 2);
    assert_eq!(
        app.get("/api/v1/tags").await.body["data"][0]["article_count"],
        2
    );
}

#[actix_web::test]
async fn a_tag_an_article_carries_cannot_be_deleted() {
    let app = spawn().await;
    let token = app.editor();
    let (sleep, _, category) = tags_and_category(&app).await;
    app.post(
        &token,
        "/api/v1/articles",
        article(
            "Rest",
            category,
            json!({"tags": [sleep], "status": "draft", "published_at": null}),
        ),
    )
    .await
    .expect(201);
    let refused = app
        .delete(&token, "/api/v1/tags/sleep")
        .await
        .expect_problem(409, "conflict");
    assert!(refused.body["detail"]
        .as_str()
        .unwrap()
        .contains("1 article carries"));
    app.patch(&token, "/api/v1/articles/rest", json!({"tags": []}))
        .await
        .expect(200);
    app.delete(&token, "/api/v1/tags/sleep").await.expect(204);
}

#[actix_web::test]
async fn every_tag_write_is_in_the_changes_log_with_what_to_purge() {
    let app = spawn().await;
    let token = app.editor();
    let tag = app
        .post(&token, "/api/v1/tags", json!({"name": "Sleep"}))
        .await
        .expect(201)
        .body;
    app.patch(&token, "/api/v1/tags/sleep", json!({"slug": "rest"}))
        .await
        .expect(200);
    app.delete(&token, "/api/v1/tags/rest").await.expect(204);
    let log = app
        .get_as(&token, "/api/v1/changes?after=0")
        .await
        .expect(200)
        .body;
    let entries = log["data"].as_array().unwrap();
    let events: Vec<&str> = entries
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["tag.created", "tag.updated", "tag.deleted"]);
    let id = tag["id"].as_i64().unwrap();
    let renamed = &entries[1];
    assert_eq!(renamed["resource_type"], "tag", "{renamed}");
    assert_eq!(
        renamed["purge"]["keys"],
        json!([format!("tag-{id}"), "tags"])
    );
    let urls = renamed["purge"]["urls"].as_array().unwrap();
    for url in [
        format!("/api/v1/tags/{id}"),
        "/api/v1/tags/rest".to_owned(),
        "/api/v1/tags/sleep".to_owned(),
    ] {
        assert!(urls.contains(&json!(url)), "{url} in {urls:?}");
    }
}

#[actix_web::test]
async fn revisions_keep_the_tags_and_a_restore_brings_them_back() {
    let app = spawn().await;
    let token = app.editor();
    let (sleep, stress, category) = tags_and_category(&app).await;
    app.post(
        &token,
        "/api/v1/articles",
        article("Rest", category, json!({"tags": [sleep, stress]})),
    )
    .await
    .expect(201);
    app.patch(&token, "/api/v1/articles/rest", json!({"tags": [stress]}))
        .await
        .expect(200);
    let first = app
        .get_as(&token, "/api/v1/articles/rest/revisions/1")
        .await
        .expect(200);
    assert_eq!(first.body["article"]["tags"], json!([sleep, stress]));
    let restored = app
        .post(
            &token,
            "/api/v1/articles/rest/revisions/1/restore",
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(restored.body["version"], 3, "{}", restored.body);
    let page = app.get("/api/v1/articles/rest").await.expect(200).body;
    assert_eq!(page["tags"][0]["id"], sleep);
    assert_eq!(page["tags"][1]["id"], stress);
    // A tag deleted since cannot come back: the restore is a 409 and changes nothing.
    app.patch(&token, "/api/v1/articles/rest", json!({"tags": []}))
        .await
        .expect(200);
    app.delete(&token, "/api/v1/tags/sleep").await.expect(204);
    app.post(
        &token,
        "/api/v1/articles/rest/revisions/1/restore",
        json!({}),
    )
    .await
    .expect(409);
    assert_eq!(
        app.get("/api/v1/articles/rest").await.body["tags"],
        json!([])
    );
}
