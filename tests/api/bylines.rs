//! Tests: bylines — an article's ordered authors and its medical review: written with the article or by PATCH, checked, embedded, filtered on, kept in revisions, shown fresh after a person changes, and holding their people against deletion.

use crate::common::{bearer, spawn, TestApp};
use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::TestRequest;
use serde_json::{json, Value};

const ARTICLE: &str = "/api/v1/articles/sleep-and-the-mind";

/// Two people (ids in creation order) and a Health category.
async fn people_and_category<S, B>(app: &TestApp<S>) -> (i64, i64, i64)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let token = app.editor();
    let mut ids = Vec::new();
    for (name, credentials) in [("Jane Doe", "MD"), ("Sam Lee", "PhD, RN")] {
        let person = app
            .post(
                &token,
                "/api/v1/people",
                json!({"name": name, "credentials": credentials}),
            )
            .await
            .expect(201);
        ids.push(person.body["id"].as_i64().unwrap());
    }
    let category = app.category("Health", None).await["id"].as_i64().unwrap();
    (ids[0], ids[1], category)
}

fn published(category: i64, extra: Value) -> Value {
    let mut body = json!({"title": "Sleep and the Mind", "category_id": category,
                          "status": "published", "published_at": "2025-01-01T00:00:00Z"});
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    body
}

#[actix_web::test]
async fn an_article_shows_its_authors_in_order_and_its_review() {
    let app = spawn().await;
    let (jane, sam, category) = people_and_category(&app).await;
    let body = published(
        category,
        json!({"authors": [sam, jane], "review": {"reviewer_id": jane, "reviewed_at": "2025-03-31"}}),
    );
    let created = app
        .post(&app.editor(), "/api/v1/articles", body)
        .await
        .expect(201);
    assert_eq!(created.body["version"], 1);
    let page = app.get(ARTICLE).await.expect(200);
    let names: Vec<&str> = page.body["authors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Sam Lee", "Jane Doe"]);
    assert_eq!(
        page.body["review"],
        json!({"reviewer": {"id": jane, "slug": "jane-doe", "name": "Jane Doe", "credentials": "MD",
                            "avatar": null},
               "reviewed_at": "2025-03-31"})
    );
    let keys = page.header("surrogate-key");
    for person in [jane, sam] {
        assert!(
            keys.split(' ').any(|k| k == format!("person-{person}")),
            "{keys}"
        );
    }
    let list = app.get("/api/v1/articles").await.expect(200).body;
    assert!(list["data"][0].get("authors").is_none());
    let list = app
        .get("/api/v1/articles?include=authors,review")
        .await
        .expect(200)
        .body;
    assert_eq!(list["data"][0]["authors"], page.body["authors"]);
    assert_eq!(list["data"][0]["review"], page.body["review"]);
    // The name for the embed, `reviewer`, is the same embed.
    let aliased = app
        .get("/api/v1/articles?include=authors,reviewer")
        .await
        .expect(200)
        .body;
    assert_eq!(aliased["data"], list["data"]);
    // `fields` narrows the item, never what `include` asked for.
    let every_embed = "category,breadcrumbs,sections,references,authors,review";
    let narrow = app
        .get(&format!("/api/v1/articles?include={every_embed}&fields=id"))
        .await
        .expect(200)
        .body;
    let mut keys: Vec<&str> = narrow["data"][0]
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "authors",
            "breadcrumbs",
            "category",
            "id",
            "references",
            "review",
            "sections"
        ]
    );
    let bare = app
        .get(&format!("{ARTICLE}?include=review"))
        .await
        .expect(200)
        .body;
    assert!(bare.get("authors").is_none());
    assert_eq!(bare["review"]["reviewed_at"], "2025-03-31");
}

#[actix_web::test]
async fn a_byline_is_checked_alone_then_against_the_people_there_are() {
    let app = spawn().await;
    let (jane, sam, category) = people_and_category(&app).await;
    let token = app.editor();
    let too_many: Vec<i64> = (1..=21).collect();
    let refused = [
        (
            json!({"authors": [jane, sam, jane]}),
            422,
            vec!["authors[2]"],
        ),
        (json!({"authors": too_many}), 422, vec!["authors"]),
        (json!({"review": {"reviewer_id": jane}}), 422, vec![]),
        (
            json!({"review": {"reviewed_at": "2025-03-31"}}),
            422,
            vec![],
        ),
        (json!({"reviewer_id": jane}), 422, vec![]),
        (
            json!({"review": {"reviewer_id": jane, "reviewed_at": "2025-02-30"}}),
            422,
            vec![],
        ),
        (
            json!({"review": {"reviewer_id": jane, "reviewed_at": "+12025-01-01"}}),
            422,
            vec!["review.reviewed_at"],
        ),
        (
            json!({"review": {"reviewer_id": jane, "reviewed_at": "0000-01-01"}}),
            422,
            vec!["review.reviewed_at"],
        ),
        (
            json!({"review": {"reviewer_id": jane, "reviewed_at": "-0001-01-01"}}),
            422,
            vec!["review.reviewed_at"],
        ),
        (json!({"authors": [jane, 999]}), 409, vec!["authors[1]"]),
        (
            json!({"review": {"reviewer_id": 999, "reviewed_at": "2025-03-31"}}),
            409,
            vec!["review.reviewer_id"],
        ),
    ];
    for (extra, status, fields) in refused {
        let reply = app
            .post(
                &token,
                "/api/v1/articles",
                published(category, extra.clone()),
            )
            .await
            .expect(status);
        if !fields.is_empty() {
            assert_eq!(reply.error_fields(), fields, "{extra}");
        }
    }
    assert_eq!(app.count("articles"), 0, "a refused article is not created");
}

#[actix_web::test]
async fn a_patch_rewrites_the_byline_as_a_new_version_and_only_when_it_changes() {
    let app = spawn().await;
    let (jane, sam, category) = people_and_category(&app).await;
    let token = app.editor();
    app.post(
        &token,
        "/api/v1/articles",
        published(category, json!({"authors": [jane]})),
    )
    .await
    .expect(201);
    let version = |reply: &crate::common::Reply| reply.body["version"].as_i64().unwrap();
    let changed = app
        .patch(
            &token,
            ARTICLE,
            json!({"authors": [jane, sam], "review": {"reviewer_id": sam, "reviewed_at": "2025-05-01"}}),
        )
        .await
        .expect(200);
    assert_eq!(version(&changed), 2);
    let same = app
        .patch(&token, ARTICLE, json!({"authors": [jane, sam]}))
        .await
        .expect(200);
    assert_eq!(version(&same), 2, "the same byline writes nothing");
    let moved = app
        .patch(
            &token,
            ARTICLE,
            json!({"review": {"reviewer_id": sam, "reviewed_at": "2025-06-01"}}),
        )
        .await
        .expect(200);
    assert_eq!(
        (version(&moved), &moved.body["review"]["reviewed_at"]),
        (3, &json!("2025-06-01"))
    );
    for refused in [
        json!({"authors": null}),
        json!({"review": {"reviewer_id": null, "reviewed_at": "2025-06-02"}}),
        json!({"review": {"reviewer_id": sam, "reviewed_at": "+12025-06-02"}}),
        json!({"review": {"reviewer_id": sam}}),
        json!({"reviewer_id": null}),
        json!({"authors": [sam, sam]}),
    ] {
        app.patch(&token, ARTICLE, refused).await.expect(422);
    }
    app.patch(&token, ARTICLE, json!({"authors": [999]}))
        .await
        .expect(409);
    let stale = TestRequest::patch()
        .uri(ARTICLE)
        .insert_header(bearer(&token))
        .insert_header(("If-Match", "\"1\""))
        .set_json(json!({"authors": []}));
    app.send(stale).await.expect(412);
    let cleared = app
        .patch(&token, ARTICLE, json!({"review": null}))
        .await
        .expect(200);
    assert_eq!(
        (&cleared.body["review"], version(&cleared)),
        (&Value::Null, 4)
    );
    let page = app.get_as(&token, ARTICLE).await.expect(200);
    assert_eq!(page.body["authors"].as_array().unwrap().len(), 2);
}

#[actix_web::test]
async fn lists_filter_by_author_and_by_reviewer() {
    let app = spawn().await;
    let (jane, sam, category) = people_and_category(&app).await;
    let token = app.editor();
    for (title, extra) in [
        ("By Jane", json!({"authors": [jane]})),
        (
            "By Both",
            json!({"authors": [sam, jane], "review": {"reviewer_id": sam, "reviewed_at": "2025-01-02"}}),
        ),
        (
            "Reviewed by Jane",
            json!({"review": {"reviewer_id": jane, "reviewed_at": "2025-01-03"}}),
        ),
    ] {
        let mut body = published(category, extra);
        body["title"] = json!(title);
        app.post(&token, "/api/v1/articles", body).await.expect(201);
    }
    let mut draft = published(category, json!({"authors": [jane], "status": "draft"}));
    draft["title"] = json!("Jane's Draft");
    app.post(&token, "/api/v1/articles", draft)
        .await
        .expect(201);
    let titles = |list: &Value| -> Vec<String> {
        let mut titles: Vec<String> = list["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["title"].as_str().unwrap().to_owned())
            .collect();
        titles.sort();
        titles
    };
    let by_jane = app
        .get("/api/v1/articles?author=jane-doe")
        .await
        .expect(200)
        .body;
    assert_eq!(titles(&by_jane), ["By Both", "By Jane"]);
    let by_id = app
        .get(&format!("/api/v1/articles?author={jane}"))
        .await
        .expect(200)
        .body;
    assert_eq!(titles(&by_id), titles(&by_jane));
    let editors = app
        .get_as(&token, "/api/v1/articles?author=jane-doe&status=draft")
        .await;
    assert_eq!(titles(&editors.expect(200).body), ["Jane's Draft"]);
    let reviewed = app
        .get("/api/v1/articles?reviewer=jane-doe")
        .await
        .expect(200)
        .body;
    assert_eq!(titles(&reviewed), ["Reviewed by Jane"]);
    let both = app
        .get("/api/v1/articles?author=sam-lee&reviewer=sam-lee")
        .await
        .expect(200)
        .body;
    assert_eq!(titles(&both), ["By Both"]);
    app.get("/api/v1/articles?author=nobody").await.expect(404);
    app.get("/api/v1/articles?reviewer=nobody")
        .await
        .expect(404);
}

#[actix_web::test]
async fn a_person_named_by_a_byline_cannot_be_deleted_and_a_rename_shows_at_once() {
    let app = spawn().await;
    let (jane, sam, category) = people_and_category(&app).await;
    let token = app.editor();
    let body = published(
        category,
        json!({"authors": [jane], "review": {"reviewer_id": sam, "reviewed_at": "2025-01-02"}}),
    );
    app.post(&token, "/api/v1/articles", body).await.expect(201);
    let before = app.get(ARTICLE).await.expect(200);
    assert_eq!(before.body["authors"][0]["name"], "Jane Doe");
    app.patch(
        &token,
        "/api/v1/people/jane-doe",
        json!({"name": "Jane Doe-Smith"}),
    )
    .await
    .expect(200);
    let after = app.get(ARTICLE).await.expect(200);
    assert_eq!(
        after.body["authors"][0]["name"], "Jane Doe-Smith",
        "no stale cached page"
    );
    app.delete(&token, "/api/v1/people/jane-doe")
        .await
        .expect(409);
    app.delete(&token, "/api/v1/people/sam-lee")
        .await
        .expect(409);
    app.patch(&token, ARTICLE, json!({"authors": [], "review": null}))
        .await
        .expect(200);
    app.delete(&token, "/api/v1/people/jane-doe")
        .await
        .expect(204);
    app.delete(&token, "/api/v1/people/sam-lee")
        .await
        .expect(204);
}

#[actix_web::test]
async fn revisions_keep_the_byline_and_a_restore_brings_it_back() {
    let app = spawn().await;
    let (jane, sam, category) = people_and_category(&app).await;
    let token = app.editor();
    let body = published(
        category,
        json!({"authors": [jane], "review": {"reviewer_id": sam, "reviewed_at": "2025-01-02"}}),
    );
    app.post(&token, "/api/v1/articles", body).await.expect(201);
    app.patch(&token, ARTICLE, json!({"authors": [sam], "review": null}))
        .await
        .expect(200);
    let first = app
        .get_as(&token, &format!("{ARTICLE}/revisions/1"))
        .await
        .expect(200);
    assert_eq!(first.body["article"]["authors"], json!([jane]));
    assert_eq!(first.body["article"]["reviewer_id"], sam);
    let restored = app
        .post(&token, &format!("{ARTICLE}/revisions/1/restore"), json!({}))
        .await
        .expect(200);
    assert_eq!(restored.body["version"], 3, "{}", restored.body);
    let page = app.get(ARTICLE).await.expect(200).body;
    assert_eq!(page["authors"][0]["id"], jane);
    assert_eq!(page["review"]["reviewed_at"], "2025-01-02");
}
