//! Tests: sections — listing, inserting, moving, deleting and atomically replacing an article's ordered sections, validation, versions, If-Match, draft visibility and write auth.

use crate::common::{bearer, spawn, Reply, TestApp};
use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::TestRequest;
use healthhub::auth::Scope;
use serde_json::{json, Value};

/// The slug of the article every test works on.
const SLUG: &str = "sleep-and-the-mind";
/// Its sections list.
const SECTIONS: &str = "/api/v1/articles/sleep-and-the-mind/sections";

/// A draft article titled "Sleep and the Mind" whose sections are headed `headings`, in order.
/// Returns the article's body as created.
async fn draft_with<S, B>(app: &TestApp<S>, headings: &[&str]) -> Value
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let category = app.category("Health", None).await;
    let sections: Vec<Value> = headings
        .iter()
        .map(|h| json!({"heading": h, "body": format!("About {h}.")}))
        .collect();
    let article = app
        .article(
            "Sleep and the Mind",
            category["id"].as_i64().expect("category id"),
            json!({ "sections": sections }),
        )
        .await;
    assert_eq!(article["slug"], SLUG);
    article
}

/// The three-section draft most tests start from; returns the section ids in order.
async fn draft_abc<S, B>(app: &TestApp<S>) -> Vec<i64>
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let article = draft_with(app, &["A", "B", "C"]).await;
    ids_in(&article["sections"])
}

/// The article's sections as an editor sees them.
async fn listed<S, B>(app: &TestApp<S>) -> Reply
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    app.get_as(&app.editor(), SECTIONS).await.expect(200)
}

/// The article's version from its body, checked against its `ETag`.
async fn version<S, B>(app: &TestApp<S>) -> i64
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let page = app
        .get_as(&app.editor(), &format!("/api/v1/articles/{SLUG}"))
        .await
        .expect(200);
    let version = page.body["version"].as_i64().expect("a version");
    assert!(page.header("etag").starts_with(&format!("\"{version}-")));
    version
}

/// `(position, heading)` of each section in a list body's `data`.
fn order(list: &Reply) -> Vec<(i64, &str)> {
    list.body["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|s| {
            let position = s["position"].as_i64().expect("a position");
            (position, s["heading"].as_str().expect("a heading"))
        })
        .collect()
}

/// The ids of an array of sections, in order.
fn ids_in(sections: &Value) -> Vec<i64> {
    sections
        .as_array()
        .expect("an array of sections")
        .iter()
        .map(|s| s["id"].as_i64().expect("an id"))
        .collect()
}

/// A `PUT` of the article's sections with `token`, `If-Match: if_match` and `body`.
fn put_with_if_match(token: &str, if_match: &str, body: Value) -> TestRequest {
    TestRequest::put()
        .uri(SECTIONS)
        .insert_header(bearer(token))
        .insert_header(("If-Match", if_match))
        .set_json(body)
}

/// One of each section write, the ones on a section aimed at `section`: (method, path, body).
fn writes(section: i64) -> [(&'static str, String, Value); 4] {
    let one = format!("/api/v1/sections/{section}");
    [
        (
            "POST",
            SECTIONS.to_owned(),
            json!({"heading": "D", "body": "More."}),
        ),
        (
            "PUT",
            SECTIONS.to_owned(),
            json!({"sections": [{"id": section, "heading": "Only", "body": "One."}]}),
        ),
        ("PATCH", one.clone(), json!({"heading": "Renamed"})),
        ("DELETE", one, json!({})),
    ]
}

#[actix_web::test]
async fn lists_the_sections_of_an_article_in_order() {
    let app = spawn().await;
    let article = draft_with(&app, &["A", "B", "C"]).await;

    let list = listed(&app).await;

    assert_eq!(order(&list), [(1, "A"), (2, "B"), (3, "C")]);
    assert_eq!(list.body["meta"]["total"], 3);
    let first = &list.body["data"][0];
    assert_eq!(first["article_id"], article["id"]);
    assert_eq!(first["body"], "About A.");
    assert_eq!(ids_in(&list.body["data"]), ids_in(&article["sections"]));
}

#[actix_web::test]
async fn post_without_a_position_appends_at_the_end() {
    let app = spawn().await;
    draft_abc(&app).await;

    let created = app
        .post(
            &app.editor(),
            SECTIONS,
            json!({"heading": "D", "body": "Last."}),
        )
        .await
        .expect(201);

    assert_eq!(created.body["position"], 4);
    let location = format!("/api/v1/sections/{}", created.body["id"]);
    assert_eq!(created.header("location"), location);
    let stored = app.get_as(&app.editor(), &location).await.expect(200);
    assert_eq!(stored.body, created.body);
    let list = listed(&app).await;
    assert_eq!(order(&list), [(1, "A"), (2, "B"), (3, "C"), (4, "D")]);
}

#[actix_web::test]
async fn post_at_position_1_inserts_first_and_shifts_the_others_down() {
    let app = spawn().await;
    let ids = draft_abc(&app).await;

    let created = app
        .post(
            &app.editor(),
            SECTIONS,
            json!({"heading": "Intro", "body": "First.", "position": 1}),
        )
        .await
        .expect(201);

    let list = listed(&app).await;
    assert_eq!(order(&list), [(1, "Intro"), (2, "A"), (3, "B"), (4, "C")]);
    let new_id = created.body["id"].as_i64().unwrap();
    assert_eq!(ids_in(&list.body["data"]), [&[new_id], &ids[..]].concat());
}

#[actix_web::test]
async fn post_at_a_position_below_1_is_a_422_and_past_n_plus_1_a_409_on_position() {
    let app = spawn().await;
    draft_abc(&app).await;

    // Below 1 is never a position (the request is wrong); past n+1 depends on the article.
    for (position, status, code) in [
        (0, 422, "validation_failed"),
        (-1, 422, "validation_failed"),
        (5, 409, "state_conflict"),
    ] {
        let reply = app
            .post(
                &app.editor(),
                SECTIONS,
                json!({"heading": "X", "body": "Nowhere.", "position": position}),
            )
            .await
            .expect_problem(status, code);
        assert_eq!(reply.error_fields(), ["position"], "position {position}");
    }

    assert_eq!(app.count("sections"), 3);
    assert_eq!(version(&app).await, 1);
}

#[actix_web::test]
async fn post_without_a_body_is_a_422_on_body() {
    let app = spawn().await;
    draft_abc(&app).await;

    let reply = app
        .post(&app.editor(), SECTIONS, json!({"heading": "D"}))
        .await
        .expect_problem(422, "validation_failed");

    assert_eq!(reply.error_fields(), ["body"]);
    assert_eq!(app.count("sections"), 3);
}

#[actix_web::test]
async fn post_to_an_unknown_article_is_404() {
    let app = spawn().await;
    draft_abc(&app).await;

    app.post(
        &app.editor(),
        "/api/v1/articles/nowhere/sections",
        json!({"heading": "D", "body": "Lost."}),
    )
    .await
    .expect_problem(404, "not_found");

    assert_eq!(app.count("sections"), 3);
}

#[actix_web::test]
async fn put_reorders_updates_adds_and_drops_sections_in_one_call() {
    let app = spawn().await;
    let ids = draft_abc(&app).await;
    let (a, b, c) = (ids[0], ids[1], ids[2]);

    let replaced = app
        .put(
            &app.editor(),
            SECTIONS,
            json!({"sections": [
                {"id": c, "heading": "C, revised", "body": "New C."},
                {"heading": "Fresh", "body": "Brand new."},
                {"id": a, "heading": "A", "body": "About A."},
            ]}),
        )
        .await
        .expect(200);

    assert_eq!(replaced.header("etag"), "\"2\"");
    assert_eq!(
        order(&replaced),
        [(1, "C, revised"), (2, "Fresh"), (3, "A")]
    );
    let kept = ids_in(&replaced.body["data"]);
    assert_eq!((kept[0], kept[2]), (c, a));
    assert!(!ids.contains(&kept[1]), "the new section has a new id");
    assert_eq!(replaced.body["data"][0]["body"], "New C.");
    assert_eq!(listed(&app).await.body, replaced.body);
    app.get_as(&app.editor(), &format!("/api/v1/sections/{b}"))
        .await
        .expect_problem(404, "not_found");
    assert_eq!(app.count("sections"), 3);
}

#[actix_web::test]
async fn put_with_an_empty_list_removes_every_section() {
    let app = spawn().await;
    draft_abc(&app).await;

    let replaced = app
        .put(&app.editor(), SECTIONS, json!({"sections": []}))
        .await
        .expect(200);

    assert_eq!(replaced.body["data"], json!([]));
    assert_eq!(replaced.body["meta"]["total"], 0);
    assert_eq!(app.count("sections"), 0);
    assert_eq!(version(&app).await, 2);
}

#[actix_web::test]
async fn put_with_the_id_of_another_articles_section_is_a_409_and_changes_nothing() {
    let app = spawn().await;
    let ids = draft_abc(&app).await;
    let category = app.category("Other", None).await;
    let other = app
        .article(
            "Another Article",
            category["id"].as_i64().unwrap(),
            json!({"sections": [{"heading": "Theirs", "body": "Not yours."}]}),
        )
        .await;
    let before = listed(&app).await.body;

    let reply = app
        .put(
            &app.editor(),
            SECTIONS,
            json!({"sections": [
                {"id": ids[0], "heading": "A", "body": "About A."},
                {"id": other["sections"][0]["id"], "heading": "Stolen", "body": "Mine now."},
            ]}),
        )
        .await
        .expect_problem(409, "state_conflict");

    assert_eq!(reply.error_fields(), ["sections[1].id"]);
    assert_eq!(listed(&app).await.body, before);
    assert_eq!(version(&app).await, 1);
    let theirs = app
        .get_as(&app.editor(), "/api/v1/articles/another-article/sections")
        .await
        .expect(200);
    assert_eq!(order(&theirs), [(1, "Theirs")]);
}

#[actix_web::test]
async fn put_with_a_repeated_id_is_a_422_and_changes_nothing() {
    let app = spawn().await;
    let ids = draft_abc(&app).await;
    let before = listed(&app).await.body;

    let reply = app
        .put(
            &app.editor(),
            SECTIONS,
            json!({"sections": [
                {"id": ids[0], "heading": "A", "body": "About A."},
                {"id": ids[0], "heading": "A again", "body": "Twice."},
            ]}),
        )
        .await
        .expect_problem(422, "validation_failed");

    assert_eq!(reply.error_fields(), ["sections[1].id"]);
    assert_eq!(listed(&app).await.body, before);
    assert_eq!(version(&app).await, 1);
}

#[actix_web::test]
async fn put_with_a_stale_if_match_is_a_412_and_changes_nothing() {
    let app = spawn().await;
    draft_abc(&app).await;
    app.post(
        &app.editor(),
        SECTIONS,
        json!({"heading": "D", "body": "More."}),
    )
    .await
    .expect(201);
    let before = listed(&app).await.body;
    let replacement = json!({"sections": [{"heading": "Only", "body": "One."}]});

    app.send(put_with_if_match(
        &app.editor(),
        "\"1\"",
        replacement.clone(),
    ))
    .await
    .expect_problem(412, "precondition_failed");

    assert_eq!(listed(&app).await.body, before);
    assert_eq!(version(&app).await, 2);
    let current = app
        .send(put_with_if_match(&app.editor(), "\"2\"", replacement))
        .await
        .expect(200);
    assert_eq!(order(&current), [(1, "Only")]);
}

#[actix_web::test]
async fn get_a_section_by_id() {
    let app = spawn().await;
    let article = draft_with(&app, &["A", "B"]).await;
    let second = &article["sections"][1];

    let reply = app
        .get_as(&app.editor(), &format!("/api/v1/sections/{}", second["id"]))
        .await
        .expect(200);

    assert_eq!(&reply.body, second);
    assert_eq!(reply.body["position"], 2);
    assert_eq!(reply.body["heading"], "B");
}

#[actix_web::test]
async fn get_an_unknown_section_is_404() {
    let app = spawn().await;

    app.get_as(&app.editor(), "/api/v1/sections/999")
        .await
        .expect_problem(404, "not_found");
}

#[actix_web::test]
async fn a_section_id_that_is_not_a_number_names_no_section_and_is_echoed_by_the_404() {
    let app = spawn().await;
    for id in ["abc", "{id}", "-1", "0"] {
        let reply = app
            .get(&format!(
                "/api/v1/sections/{}",
                id.replace('{', "%7B").replace('}', "%7D")
            ))
            .await
            .expect_problem(404, "not_found");
        assert!(reply.body["detail"].as_str().unwrap().contains(id), "{id}");
    }
}

#[actix_web::test]
async fn patch_heading_changes_only_the_heading() {
    let app = spawn().await;
    let ids = draft_abc(&app).await;
    let path = format!("/api/v1/sections/{}", ids[1]);
    let before = app.get_as(&app.editor(), &path).await.body;

    let patched = app
        .patch(&app.editor(), &path, json!({"heading": "B, revised"}))
        .await
        .expect(200);

    assert_eq!(patched.body["heading"], "B, revised");
    for field in ["id", "article_id", "position", "body", "created_at"] {
        assert_eq!(patched.body[field], before[field], "{field}");
    }
    let list = listed(&app).await;
    assert_eq!(order(&list), [(1, "A"), (2, "B, revised"), (3, "C")]);
}

#[actix_web::test]
async fn patch_position_moves_the_section_and_the_others_close_up() {
    let app = spawn().await;
    let ids = draft_abc(&app).await;

    let moved = app
        .patch(
            &app.editor(),
            &format!("/api/v1/sections/{}", ids[0]),
            json!({"position": 3}),
        )
        .await
        .expect(200);

    assert_eq!(moved.body["position"], 3);
    let list = listed(&app).await;
    assert_eq!(order(&list), [(1, "B"), (2, "C"), (3, "A")]);
    assert_eq!(ids_in(&list.body["data"]), [ids[1], ids[2], ids[0]]);
}

#[actix_web::test]
async fn patch_to_a_position_below_1_is_a_422_and_past_n_a_409_on_position() {
    let app = spawn().await;
    let ids = draft_abc(&app).await;
    let before = listed(&app).await.body;

    for (position, status, code) in [(0, 422, "validation_failed"), (4, 409, "state_conflict")] {
        let reply = app
            .patch(
                &app.editor(),
                &format!("/api/v1/sections/{}", ids[0]),
                json!({"position": position, "heading": "Moved"}),
            )
            .await
            .expect_problem(status, code);
        assert_eq!(reply.error_fields(), ["position"], "position {position}");
    }

    assert_eq!(listed(&app).await.body, before);
    assert_eq!(version(&app).await, 1);
}

#[actix_web::test]
async fn delete_removes_the_section_and_closes_the_gap() {
    let app = spawn().await;
    let ids = draft_abc(&app).await;
    let path = format!("/api/v1/sections/{}", ids[1]);

    let reply = app.delete(&app.editor(), &path).await.expect(204);

    assert!(reply.raw.is_empty());
    let list = listed(&app).await;
    assert_eq!(order(&list), [(1, "A"), (2, "C")]);
    app.get_as(&app.editor(), &path)
        .await
        .expect_problem(404, "not_found");
}

#[actix_web::test]
async fn a_heading_over_500_characters_is_a_422_on_heading() {
    let app = spawn().await;
    let ids = draft_abc(&app).await;
    let longest = "h".repeat(500);
    let too_long = "h".repeat(501);

    let reply = app
        .post(
            &app.editor(),
            SECTIONS,
            json!({"heading": too_long, "body": "Text."}),
        )
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(reply.error_fields(), ["heading"]);
    let reply = app
        .patch(
            &app.editor(),
            &format!("/api/v1/sections/{}", ids[0]),
            json!({"heading": too_long}),
        )
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(reply.error_fields(), ["heading"]);
    assert_eq!(app.count("sections"), 3);
    assert_eq!(version(&app).await, 1);

    app.post(
        &app.editor(),
        SECTIONS,
        json!({"heading": longest, "body": "Text."}),
    )
    .await
    .expect(201);
}

#[actix_web::test]
async fn a_body_over_200000_characters_is_a_422_on_body() {
    let app = spawn().await;
    let ids = draft_abc(&app).await;
    let too_long = "b".repeat(200_001);

    let reply = app
        .post(
            &app.editor(),
            SECTIONS,
            json!({"heading": "Long", "body": too_long}),
        )
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(reply.error_fields(), ["body"]);
    let reply = app
        .patch(
            &app.editor(),
            &format!("/api/v1/sections/{}", ids[0]),
            json!({"body": too_long}),
        )
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(reply.error_fields(), ["body"]);
    let reply = app
        .put(
            &app.editor(),
            SECTIONS,
            json!({"sections": [{"heading": "Long", "body": too_long}]}),
        )
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(reply.error_fields(), ["sections[0].body"]);
    assert_eq!(app.count("sections"), 3);
    assert_eq!(version(&app).await, 1);

    app.post(
        &app.editor(),
        SECTIONS,
        json!({"heading": "Longest", "body": "b".repeat(200_000)}),
    )
    .await
    .expect(201);
}

/// A body nesting block quotes and lists deeper than 32 levels, or HTML elements deeper than
/// 256, is a 422 naming the field on every write that takes a section body; one at the limit
/// is accepted.
#[actix_web::test]
async fn a_body_nested_deeper_than_the_limits_is_a_422_on_body_on_every_write() {
    let app = spawn().await;
    let ids = draft_abc(&app).await;
    let category = app.category("Other", None).await["id"].clone();
    for (deep, refusal) in [
        (
            format!("{}quoted", "> ".repeat(5_000)),
            "must not nest block quotes and lists more than 32 levels deep (got 5000)",
        ),
        (
            format!("{}item", "- ".repeat(33)),
            "must not nest block quotes and lists more than 32 levels deep (got 33)",
        ),
        (
            format!("{}raw", "<div>".repeat(257)),
            "must not nest HTML elements more than 256 levels deep (got 257)",
        ),
    ] {
        let writes = [
            (
                "POST",
                SECTIONS.to_owned(),
                json!({"heading": "Deep", "body": deep}),
                "body",
            ),
            (
                "PATCH",
                format!("/api/v1/sections/{}", ids[0]),
                json!({"body": deep}),
                "body",
            ),
            (
                "PUT",
                SECTIONS.to_owned(),
                json!({"sections": [{"heading": "Deep", "body": deep}]}),
                "sections[0].body",
            ),
            (
                "POST",
                "/api/v1/articles".to_owned(),
                json!({"title": "Deep", "category_id": category,
                       "sections": [{"heading": "Deep", "body": deep}]}),
                "sections[0].body",
            ),
        ];
        for (method, path, body, field) in writes {
            let reply = app
                .json(method, &path, Some(&app.editor()), body)
                .await
                .expect_problem(422, "validation_failed");
            assert_eq!(reply.error_fields(), [field], "{method} {path}");
            let message = reply.body["errors"][0]["message"]
                .as_str()
                .unwrap_or_default();
            assert_eq!(message, refusal, "{method} {path}");
        }
    }
    assert_eq!(app.count("sections"), 3);
    assert_eq!(version(&app).await, 1);

    let reply = app
        .post(
            &app.editor(),
            SECTIONS,
            json!({"heading": "At the limit", "body": format!("{}quoted", "> ".repeat(32))}),
        )
        .await
        .expect(201);
    assert!(reply.body["body_html"]
        .as_str()
        .is_some_and(|html| html.matches("<blockquote>").count() == 32));
}

#[actix_web::test]
async fn every_section_write_increments_the_article_version() {
    let app = spawn().await;
    let ids = draft_abc(&app).await;
    assert_eq!(version(&app).await, 1);

    for (expected, (method, path, body)) in (2..).zip(writes(ids[0])) {
        let reply = app.json(method, &path, Some(&app.editor()), body).await;
        assert!(reply.status.is_success(), "{method} {path}: {reply:?}");
        assert_eq!(version(&app).await, expected, "after {method} {path}");
    }
}

#[actix_web::test]
async fn sections_of_a_draft_are_404_for_anonymous_readers() {
    let app = spawn().await;
    let ids = draft_abc(&app).await;
    let one = format!("/api/v1/sections/{}", ids[0]);

    app.get(SECTIONS).await.expect_problem(404, "not_found");
    app.get(&one).await.expect_problem(404, "not_found");

    let reader = app.token(&[Scope::Read]);
    let list = app.get_as(&reader, SECTIONS).await.expect(200);
    assert_eq!(order(&list), [(1, "A"), (2, "B"), (3, "C")]);
    app.get_as(&reader, &one).await.expect(200);
}

#[actix_web::test]
async fn sections_of_a_published_article_are_public() {
    let app = spawn().await;
    let ids = draft_abc(&app).await;
    app.send(
        TestRequest::post()
            .uri(&format!("/api/v1/articles/{SLUG}/publish"))
            .insert_header(bearer(&app.editor())),
    )
    .await
    .expect(200);

    let list = app.get(SECTIONS).await.expect(200);
    assert_eq!(order(&list), [(1, "A"), (2, "B"), (3, "C")]);
    app.get(&format!("/api/v1/sections/{}", ids[0]))
        .await
        .expect(200);
}

/// Sends every section write with `token` and checks each is refused with `status` and `code`,
/// carries a `Bearer` challenge and changes nothing.
async fn assert_writes_refused<S, B>(app: &TestApp<S>, token: Option<&str>, status: u16, code: &str)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let ids = draft_abc(app).await;
    let before = listed(app).await.body;
    for (method, path, body) in writes(ids[1]) {
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
    assert_eq!(listed(app).await.body, before);
    assert_eq!(version(app).await, 1);
}

#[actix_web::test]
async fn section_writes_without_a_token_are_401() {
    let app = spawn().await;
    assert_writes_refused(&app, None, 401, "unauthorized").await;
}

#[actix_web::test]
async fn section_writes_with_only_the_read_scope_are_403() {
    let app = spawn().await;
    let reader = app.token(&[Scope::Read]);
    assert_writes_refused(&app, Some(&reader), 403, "forbidden").await;
}
