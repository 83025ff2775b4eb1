//! Tests: `GET /feed.xml` — an Atom 1.0 feed, checked with an independent parser (feed-rs), of exactly the articles anonymous readers see at the clock's instant, per category and per author, cached and validated like the other reads and dropped by the writes that change it.

use crate::common::{spawn, TestApp};
use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::TestRequest;
use chrono::TimeDelta;
use serde_json::json;

const BASE: &str = "http://localhost:3000";

/// The feed at `path`, checked to be a `200` Atom document and parsed.
async fn feed<S, B>(app: &TestApp<S>, path: &str) -> feed_rs::model::Feed
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let reply = app.get(path).await.expect(200);
    assert_eq!(
        reply.header("content-type"),
        "application/atom+xml; charset=utf-8"
    );
    let feed = feed_rs::parser::parse(reply.raw.as_slice()).expect("a feed");
    assert_eq!(feed.feed_type, feed_rs::model::FeedType::Atom);
    feed
}

fn titles(feed: &feed_rs::model::Feed) -> Vec<String> {
    feed.entries
        .iter()
        .map(|entry| {
            entry
                .title
                .as_ref()
                .map(|t| t.content.clone())
                .unwrap_or_default()
        })
        .collect()
}

/// A category "Health" with a child "Sleep", and one person; returns their ids.
async fn health_sleep_and_jane<S, B>(app: &TestApp<S>) -> (i64, i64, i64)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let health = app.category("Health", None).await["id"].as_i64().unwrap();
    let sleep = app.category("Sleep", Some(health)).await["id"]
        .as_i64()
        .unwrap();
    let jane = app
        .post(
            &app.editor(),
            "/api/v1/people",
            json!({"name": "Jane Doe", "credentials": "MD"}),
        )
        .await
        .expect(201)
        .body["id"]
        .as_i64()
        .unwrap();
    (health, sleep, jane)
}

fn published(at: &str) -> serde_json::Value {
    json!({"status": "published", "published_at": at})
}

#[actix_web::test]
async fn the_feed_holds_the_public_articles_newest_first_as_valid_atom() {
    let app = spawn().await;
    let (health, sleep, jane) = health_sleep_and_jane(&app).await;
    let later = (app.now() + TimeDelta::hours(1)).to_rfc3339();
    app.article(
        "Older <&> Article",
        health,
        json!({"status": "published", "published_at": "2025-01-01T00:00:00Z",
               "excerpt": "Fish & chips"}),
    )
    .await;
    app.article(
        "Newer",
        sleep,
        json!({"status": "published", "published_at": "2025-02-01T00:00:00Z",
               "authors": [jane]}),
    )
    .await;
    app.article("A Draft", health, json!({})).await;
    app.article("Scheduled", health, published(&later)).await;

    let feed = feed(&app, "/feed.xml").await;
    assert_eq!(titles(&feed), ["Newer", "Older <&> Article"]);
    assert_eq!(feed.id, format!("{BASE}/feed.xml"));
    assert_eq!(feed.title.as_ref().unwrap().content, "HealthHub");
    assert_eq!(
        feed.authors[0].name.as_deref(),
        Some("HealthHub"),
        "the feed-level author"
    );
    let newer = &feed.entries[0];
    assert_eq!(feed.updated, newer.updated, "the newest entry's update");
    assert!(
        newer.id.starts_with("tag:localhost,2026-06-01:article-"),
        "{}",
        newer.id
    );
    assert_eq!(newer.links[0].href, format!("{BASE}/articles/newer"));
    assert_eq!(
        newer.published.unwrap().to_rfc3339(),
        "2025-02-01T00:00:00+00:00"
    );
    assert_eq!(newer.authors[0].name.as_deref(), Some("Jane Doe"));
    assert_eq!(
        newer.authors[0].uri.as_deref(),
        Some(format!("{BASE}/people/jane-doe").as_str())
    );
    assert_eq!(newer.categories[0].term, "sleep");
    assert_eq!(newer.categories[0].label.as_deref(), Some("Sleep"));
    let older = &feed.entries[1];
    assert!(older.authors.is_empty(), "no author: the feed's stands in");
    assert_eq!(older.summary.as_ref().unwrap().content, "Fish & chips");
    assert!(feed
        .links
        .iter()
        .any(|link| link.rel.as_deref() == Some("self") && link.href == feed.id));

    // A token sees the same public document: drafts never leak.
    let as_editor = app.get_as(&app.editor(), "/feed.xml").await.expect(200);
    let parsed = feed_rs::parser::parse(as_editor.raw.as_slice()).unwrap();
    assert_eq!(titles(&parsed), ["Newer", "Older <&> Article"]);

    let limited = feed_rs::parser::parse(
        app.get("/feed.xml?limit=1")
            .await
            .expect(200)
            .raw
            .as_slice(),
    )
    .unwrap();
    assert_eq!(titles(&limited), ["Newer"]);
}

#[actix_web::test]
async fn an_article_enters_the_feed_at_its_publication_and_leaves_at_its_unpublication() {
    let app = spawn().await;
    let (health, ..) = health_sleep_and_jane(&app).await;
    let go_live = app.now() + TimeDelta::hours(1);
    let come_down = app.now() + TimeDelta::hours(2);
    app.article(
        "Timed",
        health,
        json!({"status": "published", "published_at": go_live.to_rfc3339(),
               "unpublish_at": come_down.to_rfc3339()}),
    )
    .await;
    // Each read is asked twice: the second would come from the response cache.
    for _ in 0..2 {
        assert!(titles(&feed(&app, "/feed.xml").await).is_empty());
    }
    app.set_now(go_live - TimeDelta::seconds(1));
    assert!(titles(&feed(&app, "/feed.xml").await).is_empty());
    app.set_now(go_live);
    for _ in 0..2 {
        let feed = feed(&app, "/feed.xml").await;
        assert_eq!(titles(&feed), ["Timed"]);
        assert_eq!(
            feed.entries[0].updated,
            Some(go_live),
            "updated no earlier than published"
        );
    }
    app.set_now(come_down);
    for _ in 0..2 {
        assert!(titles(&feed(&app, "/feed.xml").await).is_empty());
    }
}

#[actix_web::test]
async fn a_category_an_author_or_both_have_a_feed_of_their_own() {
    let app = spawn().await;
    let (health, sleep, jane) = health_sleep_and_jane(&app).await;
    app.article("In Health", health, published("2025-01-01T00:00:00Z"))
        .await;
    let mut by_jane = published("2025-01-02T00:00:00Z");
    by_jane["authors"] = json!([jane]);
    app.article("In Sleep", sleep, by_jane).await;

    let category = feed(&app, "/feed.xml?category=health").await;
    assert_eq!(titles(&category), ["In Health"]);
    assert_eq!(category.id, format!("{BASE}/feed.xml?category={health}"));
    assert_eq!(
        category.title.as_ref().unwrap().content,
        "HealthHub: Health"
    );
    assert!(category
        .links
        .iter()
        .any(|link| link.href == format!("{BASE}/categories/health")));
    let subtree = feed(&app, "/feed.xml?category=health&include_descendants=true").await;
    assert_eq!(titles(&subtree), ["In Sleep", "In Health"]);
    let by_id = feed(&app, &format!("/feed.xml?category={sleep}")).await;
    assert_eq!(titles(&by_id), ["In Sleep"]);

    let author = feed(&app, "/feed.xml?author=jane-doe").await;
    assert_eq!(titles(&author), ["In Sleep"]);
    assert_eq!(author.id, format!("{BASE}/feed.xml?author={jane}"));
    assert_eq!(
        author.title.as_ref().unwrap().content,
        "HealthHub: Jane Doe"
    );
    let both = feed(
        &app,
        "/feed.xml?category=health&include_descendants=true&author=jane-doe",
    )
    .await;
    assert_eq!(titles(&both), ["In Sleep"]);
    assert_eq!(
        both.id,
        format!("{BASE}/feed.xml?category={health}&include_descendants=true&author={jane}")
    );
    assert_eq!(
        both.title.as_ref().unwrap().content,
        "HealthHub: Health, by Jane Doe"
    );
    assert!(titles(&feed(&app, "/feed.xml?category=health&author=jane-doe").await).is_empty());

    // A tag's feed: the articles that carry it, its page as the alternate.
    let token = app.editor();
    let calm = app
        .post(&token, "/api/v1/tags", json!({"name": "Calm"}))
        .await
        .expect(201)
        .body["id"]
        .as_i64()
        .unwrap();
    app.patch(
        &token,
        "/api/v1/articles/in-health",
        json!({"tags": [calm]}),
    )
    .await
    .expect(200);
    let tagged = feed(&app, "/feed.xml?tag=calm").await;
    assert_eq!(titles(&tagged), ["In Health"]);
    assert_eq!(tagged.id, format!("{BASE}/feed.xml?tag={calm}"));
    assert_eq!(tagged.title.as_ref().unwrap().content, "HealthHub: Calm");
    assert!(tagged
        .links
        .iter()
        .any(|link| link.href == format!("{BASE}/tags/calm")));
    let narrowed = feed(&app, "/feed.xml?category=health&tag=calm").await;
    assert_eq!(titles(&narrowed), ["In Health"]);
    assert_eq!(
        narrowed.title.as_ref().unwrap().content,
        "HealthHub: Health, on Calm"
    );
    assert!(titles(&feed(&app, "/feed.xml?author=jane-doe&tag=calm").await).is_empty());

    // An empty feed still says when it last changed: when its subject did.
    let fresh = app.category("Fresh", None).await;
    let none = feed(&app, "/feed.xml?category=fresh").await;
    assert!(none.entries.is_empty());
    assert_eq!(
        none.updated
            .map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        fresh["updated_at"].as_str().map(str::to_owned)
    );
}

#[actix_web::test]
async fn bad_or_unknown_feed_parameters_are_problems() {
    let app = spawn().await;
    health_sleep_and_jane(&app).await;
    for path in [
        "/feed.xml?category=nope",
        "/feed.xml?author=nobody",
        "/feed.xml?category=99999",
        "/feed.xml?tag=nothing",
    ] {
        app.get(path).await.expect_problem(404, "not_found");
    }
    for path in [
        "/feed.xml?category=Health",
        "/feed.xml?category=",
        "/feed.xml?author=a--b",
        "/feed.xml?limit=0",
        "/feed.xml?limit=101",
        "/feed.xml?limit=ten",
        "/feed.xml?include_descendants=maybe",
        "/feed.xml?tag=Sleep",
        "/feed.xml?reviewer=x",
    ] {
        let reply = app.get(path).await;
        assert_eq!(reply.status, 400, "{path}: {:?}", reply.body);
        assert_eq!(reply.header("content-type"), "application/problem+json");
    }
}

#[actix_web::test]
async fn the_feed_is_validated_and_cached_like_other_reads() {
    let app = spawn().await;
    let (health, _, jane_id) = health_sleep_and_jane(&app).await;
    app.article("One", health, published("2025-01-01T00:00:00Z"))
        .await;
    let first = app.get("/feed.xml").await.expect(200);
    let etag = first.header("etag").to_owned();
    assert!(etag.starts_with('"'), "{etag}");
    assert!(first
        .header("cache-control")
        .starts_with("public, max-age="));
    assert_eq!(
        first.header("surrogate-key"),
        "articles categories people tags"
    );
    let again = app
        .send(
            TestRequest::get()
                .uri("/feed.xml")
                .insert_header(("If-None-Match", etag.clone())),
        )
        .await
        .expect(304);
    assert!(again.raw.is_empty());

    // Each kind of write that changes what the feed shows drops the cached copy.
    let editor = app.editor();
    let jane = "/api/v1/people/jane-doe";
    app.patch(
        &editor,
        "/api/v1/articles/one",
        json!({"title": "One, Renamed"}),
    )
    .await
    .expect(200);
    let renamed = feed(&app, "/feed.xml").await;
    assert_eq!(titles(&renamed), ["One, Renamed"]);
    app.patch(
        &editor,
        "/api/v1/articles/one",
        json!({"authors": [jane_id]}),
    )
    .await
    .expect(200);
    app.patch(&editor, jane, json!({"name": "Jane Q. Doe"}))
        .await
        .expect(200);
    let renamed_author = feed(&app, "/feed.xml").await;
    assert_eq!(
        renamed_author.entries[0].authors[0].name.as_deref(),
        Some("Jane Q. Doe")
    );
    app.patch(
        &editor,
        "/api/v1/categories/health",
        json!({"name": "Wellbeing"}),
    )
    .await
    .expect(200);
    let changed = app.get("/feed.xml").await.expect(200);
    assert_ne!(changed.header("etag"), etag);
    let parsed = feed_rs::parser::parse(changed.raw.as_slice()).unwrap();
    assert_eq!(
        parsed.entries[0].categories[0].label.as_deref(),
        Some("Wellbeing")
    );
}
