//! Tests: flushes of counted views keep the response cache (issue 16) — cached answers may show
//! a view count up to `HEALTHHUB_VIEW_COUNT_MAX_AGE_SECONDS` old and nothing else stale, a
//! `304` only ever hides a view count, and a real change still empties the cache at once, on
//! this node and on the others.

use crate::common::{spawn, spawn_with, TestApp};
use crate::nodes::eventually;
use crate::response_cache::seeded;
use crate::test_db::postgres_only;
use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::TestRequest;
use chrono::TimeDelta;
use serde_json::{json, Value};

const ALPHA: &str = "/api/v1/articles/alpha";
const LIST: &str = "/api/v1/articles?sort=-view_count";

/// Counts one anonymous view of `slug` by reader number `reader` (each reader is counted once
/// per article in the view window); the tests' configuration writes it at once.
async fn view<S, B>(app: &TestApp<S>, slug: &str, reader: u8)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    app.send(
        TestRequest::post()
            .uri(&format!("/api/v1/articles/{slug}/views"))
            .peer_addr(([10, 0, 0, reader], 4000).into()),
    )
    .await
    .expect(200);
}

/// Anonymous reads the cache has answered so far.
fn hits<S>(app: &TestApp<S>) -> i64 {
    i64::try_from(app.state.responses.counters.hits.get()).expect("hits")
}

/// `body` without its `view_count` (and the view counts of the articles it lists).
fn without_counts(mut body: Value) -> Value {
    if let Some(article) = body.as_object_mut() {
        article.remove("view_count");
    }
    if let Some(items) = body.get_mut("data").and_then(Value::as_array_mut) {
        for item in items {
            if let Some(article) = item.as_object_mut() {
                article.remove("view_count");
            }
        }
    }
    body
}

/// A GET of `path` sending `If-None-Match: etag`.
fn revalidate(path: &str, etag: &str) -> TestRequest {
    TestRequest::get()
        .uri(path)
        .insert_header(("If-None-Match", etag.to_owned()))
}

#[actix_web::test]
async fn a_flush_of_views_keeps_cached_answers_whose_counts_lag_at_most_the_max_age() {
    let app = spawn().await;
    seeded(&app).await;
    let filled = app.now();
    let first = app.get(ALPHA).await.expect(200);
    let listed = app.get(LIST).await.expect(200);
    assert_eq!(first.body["view_count"], 0);
    assert_eq!(listed.body["data"][0]["view_count"], 0);

    view(&app, "alpha", 1).await;
    view(&app, "alpha", 2).await;
    let truth = crate::common::call(&app.uncached().await, TestRequest::get().uri(ALPHA)).await;
    assert_eq!(truth.body["view_count"], 2, "the views are stored");

    app.set_now(filled + TimeDelta::seconds(59));
    let hits_before = hits(&app);
    let cached = app.get(ALPHA).await.expect(200);
    let cached_list = app.get(LIST).await.expect(200);
    assert_eq!(hits(&app), hits_before + 2, "both answered from the cache");
    assert_eq!(cached.raw, first.raw, "the same answer");
    assert_eq!(cached.header("etag"), first.header("etag"));
    assert_eq!(cached_list.raw, listed.raw);
    assert_eq!(
        without_counts(cached.body.clone()),
        without_counts(truth.body.clone()),
        "nothing but the view count lags"
    );

    app.set_now(filled + TimeDelta::seconds(60));
    let fresh = app.get(ALPHA).await.expect(200);
    let fresh_list = app.get(LIST).await.expect(200);
    assert_eq!(fresh.body["view_count"], 2, "computed again at the max age");
    assert_eq!(fresh_list.body["data"][0]["slug"], "alpha");
    assert_eq!(fresh_list.body["data"][0]["view_count"], 2);
    assert_ne!(fresh.header("etag"), first.header("etag"));
    app.send(revalidate(ALPHA, first.header("etag")))
        .await
        .expect(200);

    let hits_before = hits(&app);
    app.set_now(filled + TimeDelta::seconds(3600));
    assert_eq!(app.get(ALPHA).await.expect(200).raw, fresh.raw);
    assert_eq!(
        hits(&app),
        hits_before + 1,
        "with no flush since it was filled, an answer does not age"
    );
}

#[actix_web::test]
async fn a_flush_of_views_leaves_the_other_articles_answers_alone() {
    let app = spawn().await;
    seeded(&app).await;
    app.get("/api/v1/articles/beta").await.expect(200);
    view(&app, "alpha", 1).await;
    app.set_now(app.now() + TimeDelta::hours(1));
    let hits_before = hits(&app);
    app.get("/api/v1/articles/beta").await.expect(200);
    assert_eq!(hits(&app), hits_before + 1);
}

#[actix_web::test]
async fn a_change_after_views_still_empties_the_cache_at_once() {
    let app = spawn().await;
    seeded(&app).await;
    let first = app.get(ALPHA).await.expect(200);
    app.get(LIST).await.expect(200);
    view(&app, "alpha", 1).await;
    let editor = app.editor();
    app.patch(&editor, ALPHA, json!({"title": "Alpha Two"}))
        .await
        .expect(200);

    let changed = app.get(ALPHA).await.expect(200);
    assert_eq!(changed.body["title"], "Alpha Two");
    assert_eq!(
        changed.body["view_count"], 1,
        "the count is as fresh as the rest"
    );
    assert_eq!(
        app.get(LIST).await.expect(200).body["data"][0]["title"],
        "Alpha Two"
    );
    let revalidated = app.send(revalidate(ALPHA, first.header("etag"))).await;
    assert_eq!(revalidated.expect(200).body["title"], "Alpha Two");
}

#[actix_web::test]
async fn a_304_for_a_cached_answer_only_ever_hides_a_view_count() {
    let app = spawn().await;
    seeded(&app).await;
    let truth = app.uncached().await;
    let first = app.get(ALPHA).await.expect(200);
    let etag = first.header("etag").to_owned();
    view(&app, "alpha", 1).await;

    let not_modified = app.send(revalidate(ALPHA, &etag)).await;
    assert_eq!(
        not_modified.status, 304,
        "the client holds what the cache serves"
    );
    let current = crate::common::call(&truth, TestRequest::get().uri(ALPHA)).await;
    assert_eq!(current.body["view_count"], 1);
    assert_eq!(
        without_counts(first.body.clone()),
        without_counts(current.body.clone()),
        "and it differs from the stored article in its view count alone"
    );
    // The counted view's answer is not a 304 of the old body either: the current answer's tag
    // is another one.
    assert_ne!(current.header("etag"), etag);

    let editor = app.editor();
    for (field, value) in [
        ("subtitle", json!("Now with a subtitle")),
        ("excerpt", json!("A new excerpt.")),
    ] {
        app.patch(&editor, ALPHA, json!({ field: value }))
            .await
            .expect(200);
        let reply = app.send(revalidate(ALPHA, &etag)).await.expect(200);
        assert_eq!(reply.body[field], value, "{field}");
        let tag = reply.header("etag").to_owned();
        assert_eq!(app.send(revalidate(ALPHA, &tag)).await.status, 304);
    }
}

#[actix_web::test]
async fn with_no_max_age_a_flush_of_views_drops_the_answers_at_once() {
    let app = spawn_with(|config| config.view_count_max_age_seconds = 0).await;
    seeded(&app).await;
    let first = app.get(ALPHA).await.expect(200);
    app.get(LIST).await.expect(200);
    view(&app, "alpha", 1).await;
    let after = app.get(ALPHA).await.expect(200);
    assert_eq!(after.body["view_count"], 1);
    assert_eq!(app.get(LIST).await.body["data"][0]["view_count"], 1);
    assert_eq!(
        app.send(revalidate(ALPHA, first.header("etag")))
            .await
            .status,
        200
    );
}

#[actix_web::test]
async fn another_nodes_flush_of_views_keeps_this_nodes_cache_within_the_same_bound() {
    if postgres_only("several nodes sharing a database") {
        return;
    }
    let a = spawn().await;
    let b = a.peer().await;
    seeded(&a).await;
    let beta = "/api/v1/articles/beta";
    eventually(|| b.get(ALPHA), |reply| reply.status.as_u16() == 200).await;
    eventually(|| b.get(beta), |reply| reply.status.as_u16() == 200).await;
    let filled = a.now();
    let first = b.get(ALPHA).await.expect(200);
    assert_eq!(first.body["view_count"], 0);

    view(&a, "alpha", 1).await;
    // Notices arrive in commit order: once B shows this later change, it has heard of the views.
    a.patch(&a.editor(), beta, json!({"title": "Beta Two"}))
        .await
        .expect(200);
    let changed = eventually(|| b.get(beta), |reply| reply.body["title"] == "Beta Two").await;
    assert_eq!(changed.body["title"], "Beta Two", "B heard of A's writes");

    let hits_before = b.state.responses.counters.hits.get();
    let cached = b.get(ALPHA).await.expect(200);
    assert_eq!(cached.raw, first.raw, "B kept its answer through A's flush");
    assert_eq!(b.state.responses.counters.hits.get(), hits_before + 1);

    a.set_now(filled + TimeDelta::seconds(60));
    assert_eq!(
        b.get(ALPHA).await.expect(200).body["view_count"],
        1,
        "and computes it again at the max age"
    );

    // A hand-written UPDATE that changes more than the count is a change, at once.
    b.get(ALPHA).await.expect(200);
    a.execute(
        "UPDATE articles SET view_count = view_count + 5, title = 'By Hand' WHERE slug = 'alpha'",
    );
    let by_hand = eventually(|| b.get(ALPHA), |reply| reply.body["title"] == "By Hand").await;
    assert_eq!(by_hand.body["title"], "By Hand");
    assert_eq!(by_hand.body["view_count"], 6);
}
