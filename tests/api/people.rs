//! Tests: people — authors and medical reviewers: create, read by id, slug or old slug, change under If-Match, delete, page through, every field checked, every write logged.

use crate::common::{bearer, spawn};
use actix_web::test::TestRequest;
use healthhub::auth::Scope;
use serde_json::{json, Value};

fn jane() -> Value {
    json!({
        "name": "  Jane Doe ",
        "credentials": "MD, MPH",
        "bio": "Psychiatrist and **writer**. <script>alert(1)</script>",
        "links": ["https://example.org/jane-doe", "https://orcid.org/0000-0002-1825-0097"]
    })
}

#[actix_web::test]
async fn a_person_is_created_read_renamed_and_deleted() {
    let app = spawn().await;
    let token = app.editor();
    let created = app.post(&token, "/api/v1/people", jane()).await.expect(201);
    let person = &created.body;
    assert_eq!(
        created.header("location"),
        format!("/api/v1/people/{}", person["id"])
    );
    assert_eq!(created.header("etag"), "\"1\"");
    assert_eq!(person["name"], "Jane Doe");
    assert_eq!(person["slug"], "jane-doe");
    assert_eq!(person["links"], jane()["links"]);
    let html = person["bio_html"].as_str().unwrap();
    assert!(html.contains("<strong>writer</strong>"), "{html}");
    assert!(!html.contains("<script"), "{html}");

    assert!(
        person.get("articles").is_none(),
        "a write answers with the person alone"
    );
    // A read adds the first page of their published articles (`person_articles.rs`).
    let mut page = person.clone();
    page["articles"] = json!({"data": [], "meta": {"limit": 20, "next_cursor": null}});
    let by_slug = app.get("/api/v1/people/jane-doe").await.expect(200);
    assert_eq!(by_slug.body, page);
    assert!(by_slug.header("etag").starts_with("\"1-"));
    assert_eq!(
        by_slug.header("surrogate-key"),
        format!("person-{} articles categories", person["id"])
    );
    let by_id = app
        .get(&format!("/api/v1/people/{}", person["id"]))
        .await
        .expect(200);
    assert_eq!(by_id.body, page);

    let renamed = app
        .patch(
            &token,
            "/api/v1/people/jane-doe",
            json!({"slug": "dr-jane-doe", "bio": null}),
        )
        .await
        .expect(200);
    assert_eq!(renamed.body["version"], 2);
    assert_eq!(renamed.body["bio"], "");
    assert_eq!(renamed.body["bio_html"], "");
    let moved = app.get("/api/v1/people/jane-doe").await.expect(308);
    assert_eq!(moved.header("location"), "/api/v1/people/dr-jane-doe");
    let same = app
        .patch(
            &token,
            "/api/v1/people/dr-jane-doe",
            json!({"credentials": "MD, MPH"}),
        )
        .await
        .expect(200);
    assert_eq!(
        same.body["version"], 2,
        "a PATCH that changes nothing writes nothing"
    );

    let stale = TestRequest::delete()
        .uri("/api/v1/people/dr-jane-doe")
        .insert_header(bearer(&token))
        .insert_header(("If-Match", "\"1\""));
    app.send(stale).await.expect(412);
    app.delete(&token, "/api/v1/people/dr-jane-doe")
        .await
        .expect(204);
    app.get("/api/v1/people/dr-jane-doe").await.expect(404);
    app.get("/api/v1/people/jane-doe").await.expect(404);
    // A deleted person's id never names another one: old URLs and bylines in old revisions
    // cannot reach a newcomer.
    let next = app.post(&token, "/api/v1/people", jane()).await.expect(201);
    assert!(
        next.body["id"].as_i64() > person["id"].as_i64(),
        "{}",
        next.body
    );
    app.get(&format!("/api/v1/people/{}", person["id"]))
        .await
        .expect(404);
}

#[actix_web::test]
async fn every_field_is_checked_and_a_refused_write_changes_nothing() {
    let app = spawn().await;
    let token = app.editor();
    let cases: Vec<(&str, Value)> = vec![
        ("name", json!("   ")),
        ("name", json!("two\nlines")),
        ("name", json!("x".repeat(201))),
        ("slug", json!("Not A Slug")),
        ("slug", json!("12345")),
        ("credentials", json!("MD\nPhD")),
        ("credentials", json!("x".repeat(101))),
        ("bio", json!("nul \u{0} inside")),
        ("bio", json!("x".repeat(20_001))),
        ("bio", json!(format!("{}nested too deep", "> ".repeat(33)))),
        ("links", json!(["ftp://example.org/me"])),
        ("links", json!(["https://user@example.org/"])),
        ("links", json!(vec!["https://example.org/"; 11])),
    ];
    for (field, value) in &cases {
        let mut body = jane();
        body[*field] = value.clone();
        let reply = app.post(&token, "/api/v1/people", body).await.expect(422);
        let fields = reply.error_fields();
        assert!(
            fields.iter().all(|f| f.starts_with(field)) && !fields.is_empty(),
            "{field} = {value}: {fields:?}"
        );
    }
    assert_eq!(app.count("people"), 0);
    app.post(&token, "/api/v1/people", jane()).await.expect(201);
    let mut taken = jane();
    taken["slug"] = json!("jane-doe");
    app.post(&token, "/api/v1/people", taken).await.expect(409);
    for (field, value) in cases
        .into_iter()
        .chain([("name", Value::Null), ("slug", Value::Null)])
    {
        app.patch(&token, "/api/v1/people/jane-doe", json!({ field: value }))
            .await
            .expect(422);
    }
    let person = app.get("/api/v1/people/jane-doe").await.expect(200);
    assert_eq!(person.body["version"], 1);
    let second = app.post(&token, "/api/v1/people", jane()).await.expect(201);
    assert_eq!(
        second.body["slug"], "jane-doe-2",
        "a generated slug is made free"
    );
}

#[actix_web::test]
async fn writes_need_the_write_scope_and_reads_need_nothing() {
    let app = spawn().await;
    app.send(TestRequest::post().uri("/api/v1/people").set_json(jane()))
        .await
        .expect(401);
    app.post(&app.token(&[Scope::Read]), "/api/v1/people", jane())
        .await
        .expect(403);
    app.post(&app.editor(), "/api/v1/people", jane())
        .await
        .expect(201);
    app.get("/api/v1/people").await.expect(200);
    app.send(TestRequest::delete().uri("/api/v1/people/jane-doe"))
        .await
        .expect(401);
}

#[actix_web::test]
async fn the_list_pages_through_everyone_in_id_order() {
    let app = spawn().await;
    let token = app.editor();
    for name in ["Ann", "Bob", "Cy", "Di", "Ed"] {
        app.post(&token, "/api/v1/people", json!({"name": name}))
            .await
            .expect(201);
    }
    let mut after = 0;
    let mut seen = Vec::new();
    loop {
        let page = app
            .get(&format!("/api/v1/people?limit=2&after={after}"))
            .await
            .expect(200);
        assert_eq!(page.header("surrogate-key"), "people media");
        for person in page.body["data"].as_array().unwrap() {
            seen.push(person["name"].as_str().unwrap().to_owned());
        }
        match page.body["meta"]["next_after"].as_i64() {
            Some(next) => after = next,
            None => break,
        }
    }
    assert_eq!(seen, ["Ann", "Bob", "Cy", "Di", "Ed"]);
    for bad in [
        "limit=0",
        "limit=101",
        "limit=1.0",
        "limit=9223372036854775808",
        "after=-1",
        "after=x",
        "after=2147483648",
    ] {
        let reply = app.get(&format!("/api/v1/people?{bad}")).await.expect(400);
        let name = bad.split('=').next().unwrap();
        let detail = reply.body["detail"].as_str().unwrap();
        assert!(
            detail.starts_with(&format!("{name} must be an integer from ")),
            "{bad}: {detail}"
        );
    }
    app.get("/api/v1/people?colour=red").await.expect(400);
}

#[actix_web::test]
async fn every_write_is_in_the_changes_log_with_what_to_purge() {
    let app = spawn().await;
    let token = app.editor();
    let person = app
        .post(&token, "/api/v1/people", jane())
        .await
        .expect(201)
        .body;
    app.patch(
        &token,
        "/api/v1/people/jane-doe",
        json!({"slug": "dr-jane"}),
    )
    .await
    .expect(200);
    app.delete(&token, "/api/v1/people/dr-jane")
        .await
        .expect(204);
    let log = app
        .get_as(&token, "/api/v1/changes?after=0")
        .await
        .expect(200);
    let entries: Vec<&Value> = log.body["data"].as_array().unwrap().iter().collect();
    let events: Vec<&str> = entries
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        events,
        ["person.created", "person.updated", "person.deleted"]
    );
    let renamed = entries[1];
    assert_eq!(renamed["resource_type"], "person");
    assert_eq!(renamed["id"], person["id"]);
    assert_eq!(renamed["old_slug"], "jane-doe");
    assert_eq!(
        renamed["purge"]["keys"],
        json!([format!("person-{}", person["id"]), "people"])
    );
    assert!(renamed["purge"]["urls"]
        .as_array()
        .unwrap()
        .contains(&json!("/api/v1/people/jane-doe")));
}
