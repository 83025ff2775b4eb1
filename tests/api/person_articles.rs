//! Tests: a person's published articles on their page (`GET /people/{id_or_slug}`) — only what
//! anonymous readers see, whoever asks (no draft, nothing scheduled before its time or expired,
//! nothing they only reviewed), newest first, the items and cursors of `GET /articles?author=`,
//! cursor pages with `Link: rel="next"`, bad paging refused, and the answer kept current by
//! writes and by the publication schedule (the response cache and the purge keys).

use crate::common::{spawn, TestApp};
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::TestRequest;
use chrono::Duration;
use serde_json::{json, Value};

/// A category, Jane (with `slug` jane-doe) and Sam; returns (category, jane, sam) ids.
async fn people<S, B>(app: &TestApp<S>) -> (i64, i64, i64)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let token = app.editor();
    let category = app.category("Health", None).await["id"].as_i64().unwrap();
    let mut ids = Vec::new();
    for name in ["Jane Doe", "Sam Lee"] {
        let person = app
            .post(&token, "/api/v1/people", json!({"name": name}))
            .await
            .expect(201)
            .body;
        ids.push(person["id"].as_i64().unwrap());
    }
    (category, ids[0], ids[1])
}

/// Creates an article by `authors` with `extra` fields; returns its id.
async fn written<S, B>(
    app: &TestApp<S>,
    title: &str,
    category: i64,
    authors: &[i64],
    extra: Value,
) -> i64
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let mut fields = json!({"authors": authors});
    if let (Some(target), Some(more)) = (fields.as_object_mut(), extra.as_object()) {
        target.extend(more.clone());
    }
    app.article(title, category, fields).await["id"]
        .as_i64()
        .unwrap()
}

/// Published at `at` (RFC 3339).
fn published(at: &str) -> Value {
    json!({"status": "published", "published_at": at})
}

/// The titles of a person page's articles.
fn titles(page: &Value) -> Vec<String> {
    page["articles"]["data"]
        .as_array()
        .unwrap_or_else(|| panic!("no articles in {page}"))
        .iter()
        .map(|article| article["title"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn a_person_lists_only_the_articles_anonymous_readers_see_that_they_wrote() {
    let app = spawn().await;
    let (category, jane, sam) = people(&app).await;
    let now = app.now();
    let in_a_day = (now + Duration::days(1)).to_rfc3339();
    written(
        &app,
        "Old",
        category,
        &[jane],
        published("2026-01-01T00:00:00Z"),
    )
    .await;
    written(
        &app,
        "Shared",
        category,
        &[sam, jane],
        published("2026-03-01T00:00:00Z"),
    )
    .await;
    written(&app, "Draft", category, &[jane], json!({})).await;
    written(&app, "Tomorrow", category, &[jane], published(&in_a_day)).await;
    let mut expired = published("2026-02-01T00:00:00Z");
    expired["unpublish_at"] = json!("2026-05-01T00:00:00Z");
    written(&app, "Expired", category, &[jane], expired).await;
    written(
        &app,
        "Sam's",
        category,
        &[sam],
        published("2026-04-01T00:00:00Z"),
    )
    .await;
    let reviewed = json!({"status": "published", "published_at": "2026-04-02T00:00:00Z",
                          "review": {"reviewer_id": jane, "reviewed_at": "2026-04-01"}});
    written(&app, "Reviewed", category, &[sam], reviewed).await;

    let page = app.get("/api/v1/people/jane-doe").await.expect(200);
    assert_eq!(titles(&page.body), ["Shared", "Old"], "{}", page.body);
    assert_eq!(
        page.body["articles"]["meta"],
        json!({"limit": 20, "next_cursor": null})
    );
    assert_eq!(page.body["id"], jane);
    assert_eq!(page.body["name"], "Jane Doe");
    assert_eq!(page.body["avatar"], Value::Null);
    assert_eq!(
        page.header("link"),
        "</api/v1/people/jane-doe>; rel=\"first\"",
        "no next page"
    );
    assert_eq!(
        page.header("surrogate-key"),
        format!("person-{jane} articles categories")
    );
    assert!(
        page.header("etag").starts_with("\"1-"),
        "{}",
        page.header("etag")
    );

    // The items are those of the article list, in its default shape.
    let list = app
        .get(&format!("/api/v1/articles?author={jane}&limit=20"))
        .await
        .expect(200)
        .body;
    assert_eq!(page.body["articles"]["data"], list["data"]);
    assert!(list["data"][0]["category"].is_object());

    // A token changes nothing: drafts and scheduled articles are for the article list.
    let editor = app.editor();
    let as_editor = app
        .get_as(&editor, "/api/v1/people/jane-doe")
        .await
        .expect(200);
    assert_eq!(as_editor.body["articles"], page.body["articles"]);
    let sams = app.get(&format!("/api/v1/people/{sam}")).await.expect(200);
    assert_eq!(titles(&sams.body), ["Reviewed", "Sam's", "Shared"]);
}

#[actix_web::test]
async fn cursor_pages_lead_through_every_article_and_match_the_article_lists() {
    let app = spawn().await;
    let (category, jane, _) = people(&app).await;
    // Two share a publication time: the id breaks the tie, highest first.
    let times = [
        "2026-01-01T00:00:00Z",
        "2026-01-02T00:00:00Z",
        "2026-01-02T00:00:00Z",
        "2026-01-03T00:00:00Z",
        "2026-01-04T00:00:00Z",
    ];
    for (n, at) in times.iter().enumerate() {
        written(
            &app,
            &format!("Article {n}"),
            category,
            &[jane],
            published(at),
        )
        .await;
    }
    let mut seen = Vec::new();
    let mut path = format!("/api/v1/people/{jane}?limit=2");
    let mut pages = 0;
    loop {
        let page = app.get(&path).await.expect(200);
        pages += 1;
        seen.extend(titles(&page.body));
        assert_eq!(page.body["articles"]["meta"]["limit"], 2);
        let cursor = &page.body["articles"]["meta"]["next_cursor"];
        // The article list gives the same page and the same cursor.
        let list_path = path.replace(
            &format!("/people/{jane}?"),
            &format!("/articles?author={jane}&"),
        );
        let list = app.get(&list_path).await.expect(200).body;
        assert_eq!(page.body["articles"]["data"], list["data"], "{path}");
        assert_eq!(*cursor, list["meta"]["next_cursor"], "{path}");
        let Some(cursor) = cursor.as_str() else {
            assert_eq!(page.link("next"), None, "the last page links no further");
            break;
        };
        let next = page.link("next").expect("a next link");
        assert_eq!(
            next,
            format!("/api/v1/people/{jane}?limit=2&after={cursor}")
        );
        assert_eq!(
            page.link("first").unwrap(),
            format!("/api/v1/people/{jane}?limit=2")
        );
        path = next;
    }
    assert_eq!(pages, 3);
    assert_eq!(
        seen,
        [
            "Article 4",
            "Article 3",
            "Article 2",
            "Article 1",
            "Article 0"
        ]
    );
}

#[actix_web::test]
async fn bad_paging_is_a_400_and_an_unknown_person_a_404() {
    let app = spawn().await;
    let (category, jane, _) = people(&app).await;
    for (title, at) in [
        ("One", "2026-01-01T00:00:00Z"),
        ("Two", "2026-01-02T00:00:00Z"),
    ] {
        written(&app, title, category, &[jane], published(at)).await;
    }
    // A cursor of the same list in another order.
    let other_sort = app
        .get(&format!(
            "/api/v1/articles?author={jane}&sort=title&limit=1"
        ))
        .await
        .expect(200)
        .body;
    let title_cursor = other_sort["meta"]["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    for query in [
        "limit=0".to_owned(),
        "limit=101".to_owned(),
        "limit=ten".to_owned(),
        "after=not-a-cursor".to_owned(),
        format!("after={title_cursor}"),
        "page=2".to_owned(),
        "include=sections".to_owned(),
    ] {
        app.get(&format!("/api/v1/people/{jane}?{query}"))
            .await
            .expect_problem(400, "bad_request");
    }
    app.get(&format!("/api/v1/people/{jane}?limit=100"))
        .await
        .expect(200);
    for missing in [
        "/api/v1/people/nobody",
        "/api/v1/people/9999",
        "/api/v1/people/nobody?limit=5",
    ] {
        app.get(missing).await.expect_problem(404, "not_found");
    }
    // An old slug redirects with the paging kept.
    app.patch(
        &app.editor(),
        &format!("/api/v1/people/{jane}"),
        json!({"slug": "dr-jane-doe"}),
    )
    .await
    .expect(200);
    let moved = app.get("/api/v1/people/jane-doe?limit=1").await.expect(308);
    assert_eq!(
        moved.header("location"),
        "/api/v1/people/dr-jane-doe?limit=1"
    );
}

#[actix_web::test]
async fn writes_to_their_articles_change_the_cached_answer() {
    let app = spawn().await;
    let (category, jane, sam) = people(&app).await;
    let token = app.editor();
    let path = format!("/api/v1/people/{jane}");
    let draft = written(&app, "Draft", category, &[jane], json!({})).await;
    let article = format!("/api/v1/articles/{draft}");
    let mut shown = app.get(&path).await.expect(200);
    assert!(titles(&shown.body).is_empty());
    assert_eq!(app.get(&path).await.expect(200).raw, shown.raw, "cached");
    let none: &[&str] = &[];
    let steps: [(&str, String, Value, &[&str]); 7] = [
        ("POST", format!("{article}/publish"), json!({}), &["Draft"]),
        (
            "PATCH",
            article.clone(),
            json!({"title": "Published"}),
            &["Published"],
        ),
        // A byline change moves the article between people's pages.
        ("PATCH", article.clone(), json!({"authors": [sam]}), none),
        (
            "PATCH",
            article.clone(),
            json!({"authors": [jane]}),
            &["Published"],
        ),
        ("POST", format!("{article}/unpublish"), json!({}), none),
        (
            "POST",
            format!("{article}/publish"),
            json!({}),
            &["Published"],
        ),
        ("DELETE", article.clone(), Value::Null, none),
    ];
    for (method, write, body, expected) in steps {
        let reply = match method {
            "DELETE" => app.delete(&token, &write).await,
            _ => app.json(method, &write, Some(&token), body).await,
        };
        assert!(
            reply.status.is_success(),
            "{method} {write}: {}",
            reply.body
        );
        let now = app.get(&path).await.expect(200);
        assert_eq!(titles(&now.body), expected, "after {method} {write}");
        // The client's copy is stale: no 304 for its entity tag.
        let revalidated = TestRequest::get()
            .uri(&path)
            .insert_header(("If-None-Match", shown.header("etag")));
        app.send(revalidated).await.expect(200);
        shown = now;
    }
}

#[actix_web::test]
async fn the_schedule_alone_changes_the_cached_answer() {
    let app = spawn().await;
    let (category, jane, _) = people(&app).await;
    let start = app.now();
    let mut window = published(&(start + Duration::hours(1)).to_rfc3339());
    window["unpublish_at"] = json!((start + Duration::hours(2)).to_rfc3339());
    written(&app, "Soon", category, &[jane], window).await;
    let path = format!("/api/v1/people/{jane}?limit=5");

    let before = app.get(&path).await.expect(200);
    assert!(titles(&before.body).is_empty());
    assert_eq!(app.get(&path).await.expect(200).raw, before.raw, "cached");
    app.set_now(start + Duration::minutes(59));
    assert!(titles(&app.get(&path).await.expect(200).body).is_empty());

    app.set_now(start + Duration::hours(1));
    let live = app.get(&path).await.expect(200);
    assert_eq!(
        titles(&live.body),
        ["Soon"],
        "listed at its publication time exactly"
    );
    assert_ne!(live.header("etag"), before.header("etag"));

    app.set_now(start + Duration::hours(2));
    assert!(
        titles(&app.get(&path).await.expect(200).body).is_empty(),
        "gone at its unpublication time exactly"
    );
}
