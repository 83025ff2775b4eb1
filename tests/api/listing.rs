//! Tests: `GET /articles` — every filter operator, sort, sparse fields, embeds, strict parameters,
//! page and cursor paging (including long walks and inserts mid-walk), derived fields,
//! publication states over time, renamed-slug redirects and related articles.

use crate::common::{call, spawn, Reply, TestApp};
use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::TestRequest;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, SecondsFormat, TimeDelta, TimeZone, Utc};
use healthhub::auth::Scope;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};

/// Articles in the long cursor walks.
const MANY: usize = 260;

/// Fields of a create request that publish at `at`.
pub fn published(at: &str) -> Value {
    json!({"status": "published", "published_at": at})
}

/// `2025-01-01T00:00:00Z` plus `hours`, as RFC 3339.
pub fn hours_after_2025(hours: i64) -> String {
    rfc3339(Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap() + TimeDelta::hours(hours))
}

/// `at` as the API writes timestamps.
pub fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A JSON integer field.
fn int(value: &Value, field: &str) -> i64 {
    value[field]
        .as_i64()
        .unwrap_or_else(|| panic!("no integer {field} in {value}"))
}

/// The slugs of a list body's `data`, in order.
pub fn slugs(body: &Value) -> Vec<&str> {
    body["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|a| a["slug"].as_str().expect("slug"))
        .collect()
}

/// The ids of a list body's `data`, in order.
pub fn ids(body: &Value) -> Vec<i64> {
    body["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|a| int(a, "id"))
        .collect()
}

/// The top-level keys of an object, sorted.
fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

/// `GET path`, with a bearer token when one is given.
pub async fn get_with<S, B>(app: &TestApp<S>, token: Option<&str>, path: &str) -> Reply
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    match token {
        Some(token) => app.get_as(token, path).await,
        None => app.get(path).await,
    }
}

/// For each `(query, slugs)`, checks `GET /articles?query` lists exactly `slugs` in that order.
async fn assert_lists<S, B>(app: &TestApp<S>, token: Option<&str>, cases: &[(&str, &[&str])])
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    for (query, expected) in cases {
        let reply = get_with(app, token, &format!("/api/v1/articles?{query}")).await;
        assert_eq!(reply.status, 200, "{query}: {}", reply.body);
        assert_eq!(slugs(&reply.body), *expected, "{query}");
    }
}

/// For each `(query, needle)`, checks `GET /articles?query` is a 400 whose detail names `needle`.
async fn assert_refused<S, B>(app: &TestApp<S>, cases: &[(&str, &str)])
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    for (query, needle) in cases {
        let reply = app
            .get(&format!("/api/v1/articles?{query}"))
            .await
            .expect_problem(400, "bad_request");
        let detail = reply.body["detail"].as_str().unwrap_or_default();
        assert!(detail.contains(needle), "{query}: {detail}");
    }
}

/// A top-level category; returns its id.
async fn category_id<S, B>(app: &TestApp<S>, name: &str, parent: Option<i64>) -> i64
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    int(&app.category(name, parent).await, "id")
}

/// Published articles `(title, published_at)` in `category`; returns their bodies.
async fn publish_all<S, B>(app: &TestApp<S>, category: i64, specs: &[(&str, &str)]) -> Vec<Value>
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let mut created = Vec::new();
    for (title, at) in specs {
        created.push(app.article(title, category, published(at)).await);
    }
    created
}

/// Counts `n` anonymous views of the article `slug`, each by another reader (a client counts
/// one view per article per window).
pub async fn add_views<S, B>(app: &TestApp<S>, slug: &str, n: usize)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    for reader in 0..n {
        let [.., high, low] = (reader as u32).to_be_bytes();
        let peer = std::net::SocketAddr::from(([10, 0, high, low], 40000));
        app.send(
            TestRequest::post()
                .uri(&format!("/api/v1/articles/{slug}/views"))
                .peer_addr(peer),
        )
        .await
        .expect(200);
    }
}

// ---------------------------------------------------------------------------------------------
// Filters
// ---------------------------------------------------------------------------------------------

/// One article in each state: `scheduled` (2026-07), `expired` (2025-02 to 2025-03), `live`
/// (2025-01) and `draft` (no date), so newest first lists them in that order.
async fn one_per_state<S, B>(app: &TestApp<S>)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let health = category_id(app, "Health", None).await;
    app.article("Draft", health, json!({})).await;
    app.article("Scheduled", health, published("2026-07-01T00:00:00Z"))
        .await;
    app.article("Live", health, published("2025-01-01T00:00:00Z"))
        .await;
    app.article(
        "Expired",
        health,
        json!({"status": "published", "published_at": "2025-02-01T00:00:00Z",
               "unpublish_at": "2025-03-01T00:00:00Z"}),
    )
    .await;
}

#[actix_web::test]
async fn filter_status_eq_ne_in_select_by_state_for_readers() {
    let app = spawn().await;
    one_per_state(&app).await;
    let reader = app.token(&[Scope::Read]);
    assert_lists(
        &app,
        Some(&reader),
        &[
            ("", &["scheduled", "expired", "live", "draft"]),
            ("filter[status][eq]=draft", &["draft"]),
            ("filter[status][eq]=scheduled", &["scheduled"]),
            ("filter[status][eq]=published", &["live"]),
            ("filter[status][eq]=expired", &["expired"]),
            (
                "filter[status][ne]=published",
                &["scheduled", "expired", "draft"],
            ),
            (
                "filter[status][ne]=draft",
                &["scheduled", "expired", "live"],
            ),
            ("filter[status][in]=draft,expired", &["expired", "draft"]),
            (
                "filter[status][in]=published,scheduled",
                &["scheduled", "live"],
            ),
            ("status=scheduled", &["scheduled"]),
        ],
    )
    .await;
}

#[actix_web::test]
async fn filter_status_anonymously_sees_published_only_and_asking_for_drafts_is_401() {
    let app = spawn().await;
    one_per_state(&app).await;
    assert_lists(
        &app,
        None,
        &[("", &["live"]), ("filter[status][eq]=published", &["live"])],
    )
    .await;
    for query in [
        "filter[status][eq]=draft",
        "filter[status][in]=published,scheduled",
        "status=expired",
    ] {
        let reply = app.get(&format!("/api/v1/articles?{query}")).await;
        let reply = reply.expect_problem(401, "unauthorized");
        assert!(reply.header("www-authenticate").starts_with("Bearer"));
    }
}

#[actix_web::test]
async fn filter_status_ne_published_asks_for_unpublished_states_so_anonymously_is_401() {
    let app = spawn().await;
    one_per_state(&app).await;
    app.get("/api/v1/articles?filter[status][ne]=published")
        .await
        .expect_problem(401, "unauthorized");
}

#[actix_web::test]
async fn filter_status_with_an_unknown_state_is_400() {
    let app = spawn().await;
    assert_refused(&app, &[("filter[status][eq]=archived", "archived")]).await;
}

#[actix_web::test]
async fn filter_published_at_compares_dates_and_timestamps() {
    let app = spawn().await;
    let health = category_id(&app, "Health", None).await;
    publish_all(
        &app,
        health,
        &[
            ("Oldest", "2025-01-01T00:00:00Z"),
            ("Middle", "2025-02-01T00:00:00Z"),
            ("Newest", "2025-03-01T00:00:00Z"),
        ],
    )
    .await;
    app.article("Undated", health, json!({})).await;
    assert_lists(
        &app,
        None,
        &[
            ("filter[published_at][eq]=2025-02-01", &["middle"]),
            ("filter[published_at][eq]=2025-02-01T00:00:00Z", &["middle"]),
            (
                "filter[published_at][eq]=2025-02-01T01:00:00%2B01:00",
                &["middle"],
            ),
            ("filter[published_at][ne]=2025-02-01", &["newest", "oldest"]),
            ("filter[published_at][lt]=2025-02-01", &["oldest"]),
            (
                "filter[published_at][lte]=2025-02-01",
                &["middle", "oldest"],
            ),
            ("filter[published_at][gt]=2025-02-01", &["newest"]),
            (
                "filter[published_at][gte]=2025-02-01",
                &["newest", "middle"],
            ),
            (
                "filter[published_at][gt]=2025-01-01&filter[published_at][lt]=2025-03-01",
                &["middle"],
            ),
        ],
    )
    .await;
}

#[actix_web::test]
async fn filter_published_at_null_selects_undated_articles() {
    let app = spawn().await;
    let health = category_id(&app, "Health", None).await;
    publish_all(&app, health, &[("Dated", "2025-01-01T00:00:00Z")]).await;
    app.article("Undated", health, json!({})).await;
    assert_lists(
        &app,
        Some(&app.token(&[Scope::Read])),
        &[
            ("filter[published_at][null]=true", &["undated"]),
            ("filter[published_at][null]=false", &["dated"]),
        ],
    )
    .await;
    assert_refused(&app, &[("filter[published_at][null]=yes", "true or false")]).await;
}

#[actix_web::test]
async fn filter_published_at_with_a_malformed_time_is_400() {
    let app = spawn().await;
    assert_refused(&app, &[("filter[published_at][lt]=yesterday", "RFC 3339")]).await;
}

#[actix_web::test]
async fn filter_updated_at_tells_apart_articles_changed_at_different_times() {
    let app = spawn().await;
    let health = category_id(&app, "Health", None).await;
    let start = app.now();
    publish_all(&app, health, &[("Earlier", "2025-01-01T00:00:00Z")]).await;
    app.set_now(start + TimeDelta::hours(1));
    publish_all(&app, health, &[("Later", "2025-01-02T00:00:00Z")]).await;
    let at_start = rfc3339(start);
    let gt = format!("filter[updated_at][gt]={at_start}");
    let gte = format!("filter[updated_at][gte]={at_start}");
    let eq = format!("filter[updated_at][eq]={at_start}");
    let lt = format!("filter[updated_at][lt]={}", rfc3339(app.now()));
    assert_lists(
        &app,
        None,
        &[
            (&gt, &["later"]),
            (&gte, &["later", "earlier"]),
            (&eq, &["earlier"]),
            (&lt, &["earlier"]),
        ],
    )
    .await;
}

#[actix_web::test]
async fn filter_category_by_slug_or_id_with_eq_ne_in() {
    let app = spawn().await;
    let health = category_id(&app, "Health", None).await;
    let sleep = category_id(&app, "Sleep", Some(health)).await;
    let nutrition = category_id(&app, "Nutrition", None).await;
    publish_all(&app, health, &[("Heart", "2025-01-03T00:00:00Z")]).await;
    publish_all(&app, sleep, &[("Dreams", "2025-01-02T00:00:00Z")]).await;
    publish_all(&app, nutrition, &[("Greens", "2025-01-01T00:00:00Z")]).await;
    let by_id = format!("filter[category][eq]={sleep}");
    let ne_id = format!("filter[category][ne]={health}");
    let mixed = format!("filter[category][in]=health,{nutrition}");
    assert_lists(
        &app,
        None,
        &[
            ("filter[category][eq]=sleep", &["dreams"]),
            (&by_id, &["dreams"]),
            ("filter[category][ne]=health", &["dreams", "greens"]),
            (&ne_id, &["dreams", "greens"]),
            (&mixed, &["heart", "greens"]),
        ],
    )
    .await;
}

#[actix_web::test]
async fn filter_category_naming_no_category_is_404_like_the_shortcut() {
    let app = spawn().await;
    app.category("Health", None).await;
    for (query, named) in [
        ("filter[category][eq]=nowhere", "nowhere"),
        ("filter[category][in]=health,elsewhere", "elsewhere"),
        ("filter[category][ne]=9999", "9999"),
        ("category=nowhere", "nowhere"),
    ] {
        let reply = app
            .get(&format!("/api/v1/articles?{query}"))
            .await
            .expect_problem(404, "not_found");
        let detail = reply.body["detail"].as_str().unwrap_or_default();
        assert!(detail.contains(named), "{query}: {detail}");
    }
}

#[actix_web::test]
async fn filter_slug_with_eq_ne_in_contains_starts_with() {
    let app = spawn().await;
    let health = category_id(&app, "Health", None).await;
    publish_all(
        &app,
        health,
        &[
            ("Alpha One", "2025-01-01T00:00:00Z"),
            ("Alpha Two", "2025-01-02T00:00:00Z"),
            ("Beta", "2025-01-03T00:00:00Z"),
        ],
    )
    .await;
    assert_lists(
        &app,
        None,
        &[
            ("filter[slug][eq]=beta", &["beta"]),
            ("filter[slug][ne]=beta", &["alpha-two", "alpha-one"]),
            ("filter[slug][in]=alpha-one,beta", &["beta", "alpha-one"]),
            ("filter[slug][contains]=ha-t", &["alpha-two"]),
            (
                "filter[slug][starts_with]=alpha",
                &["alpha-two", "alpha-one"],
            ),
            ("filter[slug][starts_with]=lpha", &[]),
        ],
    )
    .await;
}

#[actix_web::test]
async fn filter_title_contains_and_starts_with_treat_percent_and_underscore_literally() {
    let app = spawn().await;
    let health = category_id(&app, "Health", None).await;
    publish_all(
        &app,
        health,
        &[
            ("100% Natural", "2025-01-01T00:00:00Z"),
            ("1000 Natural Remedies", "2025-01-02T00:00:00Z"),
            ("snake_case Tips", "2025-01-03T00:00:00Z"),
            ("snakeXcase Tips", "2025-01-04T00:00:00Z"),
            ("C:\\Temp\\ Notes", "2025-01-05T00:00:00Z"),
        ],
    )
    .await;
    assert_lists(
        &app,
        None,
        &[
            ("filter[title][contains]=%25", &["100-natural"]),
            ("filter[title][contains]=0%25%20N", &["100-natural"]),
            ("filter[title][starts_with]=100%25", &["100-natural"]),
            ("filter[title][contains]=e_c", &["snake-case-tips"]),
            ("filter[title][starts_with]=snake_", &["snake-case-tips"]),
            ("filter[title][starts_with]=_", &[]),
            ("filter[title][contains]=%5CTemp%5C", &["c-temp-notes"]),
            ("filter[title][contains]=%5C%25", &[]),
            (
                "filter[title][contains]=Natural",
                &["1000-natural-remedies", "100-natural"],
            ),
            ("filter[title][eq]=snakeXcase%20Tips", &["snakexcase-tips"]),
            (
                "filter[title][ne]=snakeXcase%20Tips",
                &[
                    "c-temp-notes",
                    "snake-case-tips",
                    "1000-natural-remedies",
                    "100-natural",
                ],
            ),
        ],
    )
    .await;
}

#[actix_web::test]
async fn filter_view_count_with_every_comparison_and_in() {
    let app = spawn().await;
    let health = category_id(&app, "Health", None).await;
    publish_all(
        &app,
        health,
        &[
            ("Zero", "2025-01-01T00:00:00Z"),
            ("One", "2025-01-02T00:00:00Z"),
            ("Two", "2025-01-03T00:00:00Z"),
            ("Three", "2025-01-04T00:00:00Z"),
        ],
    )
    .await;
    for (slug, views) in [("one", 1), ("two", 2), ("three", 3)] {
        add_views(&app, slug, views).await;
    }
    assert_lists(
        &app,
        None,
        &[
            ("filter[view_count][eq]=2", &["two"]),
            ("filter[view_count][ne]=2", &["three", "one", "zero"]),
            ("filter[view_count][lt]=2", &["one", "zero"]),
            ("filter[view_count][lte]=2", &["two", "one", "zero"]),
            ("filter[view_count][gt]=2", &["three"]),
            ("filter[view_count][gte]=2", &["three", "two"]),
            ("filter[view_count][in]=0,3", &["three", "zero"]),
            (
                "filter[view_count][gte]=1&filter[view_count][lt]=3",
                &["two", "one"],
            ),
        ],
    )
    .await;
    assert_refused(&app, &[("filter[view_count][eq]=many", "not an integer")]).await;
}

// ---------------------------------------------------------------------------------------------
// Sort, sparse fields, embeds, strict parameters
// ---------------------------------------------------------------------------------------------

/// Four articles: alpha (2 views, oldest), bravo (2 views), charlie (5 views), delta (0 views, newest).
async fn four_with_views<S, B>(app: &TestApp<S>)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let health = category_id(app, "Health", None).await;
    publish_all(
        app,
        health,
        &[
            ("Bravo", "2025-01-02T00:00:00Z"),
            ("Alpha", "2025-01-01T00:00:00Z"),
            ("Delta", "2025-01-04T00:00:00Z"),
            ("Charlie", "2025-01-03T00:00:00Z"),
        ],
    )
    .await;
    for (slug, views) in [("alpha", 2), ("bravo", 2), ("charlie", 5)] {
        add_views(app, slug, views).await;
    }
}

#[actix_web::test]
async fn sort_by_one_or_more_keys_and_newest_first_by_default() {
    let app = spawn().await;
    four_with_views(&app).await;
    assert_lists(
        &app,
        None,
        &[
            ("", &["delta", "charlie", "bravo", "alpha"]),
            (
                "sort=-published_at",
                &["delta", "charlie", "bravo", "alpha"],
            ),
            ("sort=published_at", &["alpha", "bravo", "charlie", "delta"]),
            ("sort=title", &["alpha", "bravo", "charlie", "delta"]),
            ("sort=-title", &["delta", "charlie", "bravo", "alpha"]),
            (
                "sort=-view_count,title",
                &["charlie", "alpha", "bravo", "delta"],
            ),
            (
                "sort=-view_count,-title",
                &["charlie", "bravo", "alpha", "delta"],
            ),
        ],
    )
    .await;
}

#[actix_web::test]
async fn sort_by_an_unknown_field_or_too_many_is_400() {
    let app = spawn().await;
    assert_refused(
        &app,
        &[
            ("sort=colour", "'colour'"),
            ("sort=-title,popularity", "'popularity'"),
            ("sort=title,slug,id,view_count", "at most 3"),
        ],
    )
    .await;
}

#[actix_web::test]
async fn fields_keep_only_the_named_fields_plus_id_and_the_category_embed() {
    let app = spawn().await;
    four_with_views(&app).await;
    let list = app
        .get("/api/v1/articles?fields=title,excerpt")
        .await
        .expect(200);
    for item in list.body["data"].as_array().expect("data") {
        assert_eq!(keys(item), ["category", "excerpt", "id", "title"]);
    }
    let bare = app
        .get("/api/v1/articles?fields=title,excerpt&include=")
        .await
        .expect(200);
    assert_eq!(keys(&bare.body["data"][0]), ["excerpt", "id", "title"]);
}

#[actix_web::test]
async fn fields_naming_an_unknown_field_is_400() {
    let app = spawn().await;
    assert_refused(
        &app,
        &[
            ("fields=title,colour", "'colour'"),
            ("fields=sections", "'sections'"),
        ],
    )
    .await;
}

/// An article with sections A, B, C in Health › Sleep.
async fn article_in_sleep<S, B>(app: &TestApp<S>) -> Value
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let health = category_id(app, "Health", None).await;
    let sleep = category_id(app, "Sleep", Some(health)).await;
    let mut fields = published("2025-01-01T00:00:00Z");
    fields["sections"] = json!([
        {"heading": "A", "body": "First."},
        {"heading": "B", "body": "Second."},
        {"heading": "C", "body": "Third."},
    ]);
    app.article("Night Waking", sleep, fields).await
}

#[actix_web::test]
async fn include_sections_and_breadcrumbs_embeds_them_in_order_on_a_list() {
    let app = spawn().await;
    article_in_sleep(&app).await;
    let list = app
        .get("/api/v1/articles?include=sections,breadcrumbs")
        .await
        .expect(200);
    let item = &list.body["data"][0];
    assert!(item.get("category").is_none(), "{item}");
    let sections: Vec<(i64, &str)> = item["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .map(|s| (int(s, "position"), s["heading"].as_str().expect("heading")))
        .collect();
    assert_eq!(sections, [(1, "A"), (2, "B"), (3, "C")]);
    let crumbs: Vec<&str> = item["breadcrumbs"]
        .as_array()
        .expect("breadcrumbs")
        .iter()
        .map(|c| c["slug"].as_str().expect("slug"))
        .collect();
    assert_eq!(crumbs, ["health", "sleep"]);
}

#[actix_web::test]
async fn include_empty_gives_no_embeds() {
    let app = spawn().await;
    article_in_sleep(&app).await;
    let list = app.get("/api/v1/articles?include=").await.expect(200);
    let item = &list.body["data"][0];
    for embed in ["category", "breadcrumbs", "sections"] {
        assert!(item.get(embed).is_none(), "{embed} in {item}");
    }
    assert_eq!(item["slug"], "night-waking");
}

#[actix_web::test]
async fn include_naming_an_unknown_embed_is_400() {
    let app = spawn().await;
    assert_refused(&app, &[("include=category,author", "'author'")]).await;
}

#[actix_web::test]
async fn include_sections_keeps_the_documented_page_sizes() {
    let app = spawn().await;
    for query in [
        "limit=100&include=sections",
        "per_page=100&include=sections",
        "limit=51",
    ] {
        app.get(&format!("/api/v1/articles?{query}"))
            .await
            .expect(200);
    }
    assert_refused(&app, &[("limit=101&include=sections", "100")]).await;
}

#[actix_web::test]
async fn category_with_include_descendants_covers_the_subtree() {
    let app = spawn().await;
    let health = category_id(&app, "Health", None).await;
    let sleep = category_id(&app, "Sleep", Some(health)).await;
    let dreams = category_id(&app, "Dreams", Some(sleep)).await;
    let nutrition = category_id(&app, "Nutrition", None).await;
    for (category, title, at) in [
        (health, "Heart", "2025-01-04T00:00:00Z"),
        (sleep, "Naps", "2025-01-03T00:00:00Z"),
        (dreams, "Lucid", "2025-01-02T00:00:00Z"),
        (nutrition, "Greens", "2025-01-01T00:00:00Z"),
    ] {
        publish_all(&app, category, &[(title, at)]).await;
    }
    assert_lists(
        &app,
        None,
        &[
            ("category=health", &["heart"]),
            ("category=health&include_descendants=false", &["heart"]),
            (
                "category=health&include_descendants=true",
                &["heart", "naps", "lucid"],
            ),
            (
                "category=sleep&include_descendants=true",
                &["naps", "lucid"],
            ),
        ],
    )
    .await;
    // Without a category every category is in the list already.
    let all = app
        .get("/api/v1/articles?include_descendants=true")
        .await
        .expect(200);
    assert_eq!(slugs(&all.body), ["heart", "naps", "lucid", "greens"]);
}

#[actix_web::test]
async fn unknown_parameters_fields_and_operators_are_400_naming_them() {
    let app = spawn().await;
    assert_refused(
        &app,
        &[
            ("foo=1", "'foo'"),
            ("filter[colour][eq]=x", "'colour'"),
            ("filter[title][gt]=x", "'gt'"),
            ("filter[view_count][contains]=1", "'contains'"),
            ("filter[title]=x", "malformed"),
        ],
    )
    .await;
}

#[actix_web::test]
async fn a_repeated_parameter_is_400() {
    let app = spawn().await;
    assert_refused(
        &app,
        &[
            ("sort=title&sort=slug", "more than once"),
            ("filter[slug][eq]=a&filter[slug][eq]=b", "more than once"),
        ],
    )
    .await;
}

#[actix_web::test]
async fn mixing_page_and_cursor_paging_is_400() {
    let app = spawn().await;
    assert_refused(
        &app,
        &[
            ("page=2&limit=5", "either"),
            ("per_page=5&after=x", "either"),
            ("page=0", "page"),
            ("limit=101", "100"),
        ],
    )
    .await;
}

// ---------------------------------------------------------------------------------------------
// Page mode
// ---------------------------------------------------------------------------------------------

#[actix_web::test]
async fn page_mode_reports_totals_and_links_the_next_page_until_the_last() {
    let app = spawn().await;
    let health = category_id(&app, "Health", None).await;
    for day in 1..=5 {
        let title = format!("Day {day}");
        let at = format!("2025-01-0{day}T00:00:00Z");
        publish_all(&app, health, &[(&title, &at)]).await;
    }
    let first = app.get("/api/v1/articles?per_page=2").await.expect(200);
    assert_eq!(
        first.body["meta"],
        json!({"page": 1, "per_page": 2, "total": 5, "total_pages": 3})
    );
    assert_eq!(first.header("x-total-count"), "5");
    assert_eq!(slugs(&first.body), ["day-5", "day-4"]);
    assert_eq!(
        first.link("next").as_deref(),
        Some("/api/v1/articles?per_page=2&page=2")
    );

    let second = app
        .get("/api/v1/articles?page=2&per_page=2")
        .await
        .expect(200);
    assert_eq!(slugs(&second.body), ["day-3", "day-2"]);
    assert_eq!(
        second.link("next").as_deref(),
        Some("/api/v1/articles?per_page=2&page=3")
    );

    let last = app
        .get("/api/v1/articles?page=3&per_page=2")
        .await
        .expect(200);
    assert_eq!(slugs(&last.body), ["day-1"]);
    assert_eq!(last.body["meta"]["total_pages"], 3);
    assert_eq!(last.header("x-total-count"), "5");
    assert_eq!(last.link("next"), None, "no next page after the last");
}

// ---------------------------------------------------------------------------------------------
// Cursor mode
// ---------------------------------------------------------------------------------------------

/// What the walks need to know of a seeded article.
#[derive(Debug, Clone)]
struct Seeded {
    id: i64,
    title: String,
    published_at: String,
}

/// `n` published articles in one category. Every three share a `published_at` (so the id breaks
/// ties), dates are not in creation order, and ten titles are used twice.
async fn seed_many<S, B>(app: &TestApp<S>, n: usize) -> Vec<Seeded>
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let category = category_id(app, "Health", None).await;
    let mut seeded = Vec::with_capacity(n);
    for i in 0..n {
        let shuffled = (i * 37) % n;
        let title = format!("Topic {:03}", (i * 7) % 250);
        let at = hours_after_2025(i64::try_from(shuffled / 3).expect("small"));
        let body = app.article(&title, category, published(&at)).await;
        seeded.push(Seeded {
            id: int(&body, "id"),
            title,
            published_at: at,
        });
    }
    seeded
}

/// Ids of `seeded` sorted newest first, then by id descending.
fn newest_first(seeded: &[Seeded]) -> Vec<i64> {
    let mut sorted = seeded.to_vec();
    sorted.sort_by(|a, b| b.published_at.cmp(&a.published_at).then(b.id.cmp(&a.id)));
    sorted.iter().map(|s| s.id).collect()
}

/// One cursor page of `GET base` (a path with a query) after `after`, with `token` if given: its
/// ids and the next cursor. Checks `Link: rel="next"` is the same URL with `after` set to the next
/// cursor, and absent on the last page.
async fn cursor_page<S, B>(
    app: &TestApp<S>,
    token: Option<&str>,
    base: &str,
    after: Option<&str>,
) -> (Vec<i64>, Option<String>)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let url = match after {
        Some(cursor) => format!("{base}&after={cursor}"),
        None => base.to_owned(),
    };
    let reply = get_with(app, token, &url).await.expect(200);
    let meta = &reply.body["meta"];
    assert!(meta.get("next_cursor").is_some(), "{meta}");
    let next = meta["next_cursor"].as_str().map(str::to_owned);
    match &next {
        Some(cursor) => assert_eq!(
            reply.link("next"),
            Some(format!("{base}&after={cursor}")),
            "{url}"
        ),
        None => assert_eq!(reply.link("next"), None, "{url}"),
    }
    (ids(&reply.body), next)
}

/// Follows `meta.next_cursor` from an anonymous `GET base` until it is null; the ids seen, in order.
pub async fn walk<S, B>(app: &TestApp<S>, base: &str) -> Vec<i64>
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    walk_as(app, None, base).await
}

/// [`walk`] with `token` if given.
async fn walk_as<S, B>(app: &TestApp<S>, token: Option<&str>, base: &str) -> Vec<i64>
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    for _ in 0..1_000 {
        let (page, next) = cursor_page(app, token, base, after.as_deref()).await;
        seen.extend(page);
        match next {
            Some(cursor) => after = Some(cursor),
            None => return seen,
        }
    }
    let tail = &seen[seen.len().saturating_sub(10)..];
    panic!("the walk over {base} never ended; last ids seen: {tail:?}");
}

/// Fails when `ids` holds an id twice.
pub fn assert_no_duplicates(ids: &[i64]) {
    let mut seen = HashSet::new();
    let repeated: Vec<i64> = ids.iter().copied().filter(|id| !seen.insert(*id)).collect();
    assert!(repeated.is_empty(), "seen more than once: {repeated:?}");
}

#[actix_web::test]
async fn cursor_walk_newest_first_visits_every_article_once_in_order() {
    let app = spawn().await;
    let seeded = seed_many(&app, MANY).await;
    let seen = walk(&app, "/api/v1/articles?limit=20").await;
    assert_no_duplicates(&seen);
    assert_eq!(seen.len(), MANY);
    assert_eq!(seen, newest_first(&seeded));
}

#[actix_web::test]
async fn cursor_walk_by_title_visits_every_article_once_in_order() {
    let app = spawn().await;
    let mut seeded = seed_many(&app, MANY).await;
    let seen = walk(&app, "/api/v1/articles?limit=20&sort=title").await;
    seeded.sort_by(|a, b| a.title.cmp(&b.title).then(a.id.cmp(&b.id)));
    let expected: Vec<i64> = seeded.iter().map(|s| s.id).collect();
    assert_no_duplicates(&seen);
    assert_eq!(seen, expected);
}

#[actix_web::test]
async fn cursor_walk_by_view_count_visits_every_article_once_in_order() {
    let app = spawn().await;
    let seeded = seed_many(&app, MANY).await;
    let mut views: HashMap<i64, usize> = HashMap::new();
    for (i, article) in seeded.iter().enumerate().step_by(9) {
        let count = 1 + i % 4;
        add_views(&app, &article.id.to_string(), count).await;
        views.insert(article.id, count);
    }
    let seen = walk(&app, "/api/v1/articles?limit=20&sort=-view_count").await;
    let mut expected: Vec<i64> = seeded.iter().map(|s| s.id).collect();
    expected.sort_by(|a, b| {
        let count = |id| views.get(id).copied().unwrap_or(0);
        count(b).cmp(&count(a)).then(b.cmp(a))
    });
    assert_no_duplicates(&seen);
    assert_eq!(seen, expected);
}

#[actix_web::test]
async fn cursor_walk_over_undated_drafts_visits_every_article_once_both_ways() {
    let app = spawn().await;
    let seeded = seed_many(&app, 20).await;
    let category = int(&app.category("Drafts", None).await, "id");
    let mut undated = Vec::new();
    for i in 0..7 {
        let draft = app
            .article(&format!("Draft {i}"), category, json!({}))
            .await;
        undated.push(int(&draft, "id"));
    }
    let mut expected = newest_first(&seeded);
    expected.extend(undated.iter().rev());
    let reader = app.token(&[Scope::Read]);
    let newest = walk_as(&app, Some(&reader), "/api/v1/articles?limit=3").await;
    assert_eq!(newest, expected, "undated last, newest first");
    let oldest = walk_as(
        &app,
        Some(&reader),
        "/api/v1/articles?limit=3&sort=published_at",
    )
    .await;
    let mut ascending: Vec<i64> = undated.clone();
    let mut dated = seeded.clone();
    dated.sort_by(|a, b| a.published_at.cmp(&b.published_at).then(a.id.cmp(&b.id)));
    ascending.extend(dated.iter().map(|s| s.id));
    assert_eq!(oldest, ascending, "undated first, oldest first");
}

#[actix_web::test]
async fn cursor_walk_survives_inserts_before_and_after_its_position() {
    let app = spawn().await;
    let seeded = seed_many(&app, MANY).await;
    let base = "/api/v1/articles?limit=20";
    let mut seen = Vec::new();
    let mut after = None;
    for _ in 0..3 {
        let (page, next) = cursor_page(&app, None, base, after.as_deref()).await;
        seen.extend(page);
        after = next;
    }
    let last_seen = seeded
        .iter()
        .find(|s| Some(&s.id) == seen.last())
        .expect("the last article seen")
        .published_at
        .clone();
    let category = int(
        &app.get(&format!("/api/v1/articles/{}", seen[0])).await.body,
        "category_id",
    );
    let mut newer = Vec::new();
    let mut older = Vec::new();
    for i in 0..3 {
        let ahead = app
            .article(
                &format!("Breaking {i}"),
                category,
                published("2025-12-01T00:00:00Z"),
            )
            .await;
        let tied = app
            .article(&format!("Tied {i}"), category, published(&last_seen))
            .await;
        let behind = app
            .article(
                &format!("Archive {i}"),
                category,
                published("2020-01-01T00:00:00Z"),
            )
            .await;
        newer.extend([int(&ahead, "id"), int(&tied, "id")]);
        older.push(int(&behind, "id"));
    }
    let mut cursor = after;
    while let Some(current) = cursor {
        let (page, next) = cursor_page(&app, None, base, Some(&current)).await;
        seen.extend(page);
        cursor = next;
    }
    assert_no_duplicates(&seen);
    let seen_set: HashSet<i64> = seen.iter().copied().collect();
    for article in &seeded {
        assert!(seen_set.contains(&article.id), "missed {article:?}");
    }
    for id in older {
        assert!(seen_set.contains(&id), "missed the older insert {id}");
    }
    for id in newer {
        assert!(
            !seen_set.contains(&id),
            "an insert before the cursor ({id}) showed up"
        );
    }
    assert_eq!(seen.len(), MANY + 3);
}

#[actix_web::test]
async fn cursor_mode_counts_only_when_asked() {
    let app = spawn().await;
    seed_many(&app, 25).await;
    let counted = app
        .get("/api/v1/articles?limit=10&count=true")
        .await
        .expect(200);
    assert_eq!(counted.body["meta"]["total"], 25);
    assert_eq!(counted.body["meta"]["limit"], 10);
    assert_eq!(counted.header("x-total-count"), "25");
    assert!(counted.header("link").contains("count=true"));

    let uncounted = app.get("/api/v1/articles?limit=10").await.expect(200);
    assert!(
        uncounted.body["meta"].get("total").is_none(),
        "{}",
        uncounted.body
    );
    assert!(uncounted.body["meta"]["next_cursor"].is_string());
    assert_eq!(uncounted.header("x-total-count"), "");
}

#[actix_web::test]
async fn a_cursor_made_for_another_sort_is_400() {
    let app = spawn().await;
    seed_many(&app, 6).await;
    let (_, next) = cursor_page(&app, None, "/api/v1/articles?limit=2", None).await;
    let cursor = next.expect("a next page");
    assert_refused(
        &app,
        &[
            (&format!("limit=2&sort=title&after={cursor}"), "sort=title"),
            (
                &format!("limit=2&sort=published_at&after={cursor}"),
                "cursor",
            ),
        ],
    )
    .await;
}

#[actix_web::test]
async fn a_garbage_cursor_is_400() {
    let app = spawn().await;
    let not_json = URL_SAFE_NO_PAD.encode(b"not json");
    let wrong_shape = URL_SAFE_NO_PAD.encode(br#"{"s":"-published_at","v":["x"]}"#);
    let wrong_type = URL_SAFE_NO_PAD.encode(br#"{"s":"-published_at","v":[1, "a"]}"#);
    assert_refused(
        &app,
        &[
            ("after=garbage!", "cursor"),
            (&format!("after={not_json}"), "cursor"),
            (&format!("after={wrong_shape}"), "cursor"),
            (&format!("after={wrong_type}"), "cursor"),
        ],
    )
    .await;
}

// ---------------------------------------------------------------------------------------------
// Derived fields
// ---------------------------------------------------------------------------------------------

/// `n` distinct words: "w0 w1 w2 …".
fn words(n: usize) -> String {
    (0..n)
        .map(|i| format!("w{i}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A draft in a new category with one section headed "Intro" whose body is `body`; returns it.
async fn draft_with_body<S, B>(app: &TestApp<S>, body: &str, extra: Value) -> Value
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let health = category_id(app, "Health", None).await;
    let mut fields = json!({"sections": [{"heading": "Intro", "body": body}]});
    if let (Some(target), Some(more)) = (fields.as_object_mut(), extra.as_object()) {
        target.extend(more.clone());
    }
    app.article("Counted", health, fields).await
}

#[actix_web::test]
async fn word_count_and_reading_time_at_200_words_a_minute() {
    let app = spawn().await;
    let article = draft_with_body(&app, &words(450), json!({})).await;
    assert_eq!(article["word_count"], 451, "the heading counts too");
    assert_eq!(article["reading_time_minutes"], 3);
    let listed = app
        .get_as(
            &app.editor(),
            "/api/v1/articles?fields=word_count,reading_time_minutes",
        )
        .await
        .expect(200);
    assert_eq!(listed.body["data"][0]["word_count"], 451);
    assert_eq!(listed.body["data"][0]["reading_time_minutes"], 3);
}

#[actix_web::test]
async fn reading_time_is_at_least_one_minute() {
    let app = spawn().await;
    let health = category_id(&app, "Health", None).await;
    let empty = app.article("Empty", health, json!({})).await;
    assert_eq!(empty["word_count"], 0);
    assert_eq!(empty["reading_time_minutes"], 1);
}

#[actix_web::test]
async fn an_article_without_an_excerpt_gets_one_cut_from_its_first_section() {
    let app = spawn().await;
    let body = words(100);
    let article = draft_with_body(&app, &body, json!({})).await;
    let excerpt = article["excerpt"].as_str().expect("an excerpt");
    assert!(excerpt.chars().count() <= 160, "{excerpt}");
    let kept = excerpt.strip_suffix('…').expect("ends with an ellipsis");
    assert!(body.starts_with(kept), "{excerpt}");
    assert!(
        body[kept.len()..].starts_with(' '),
        "cut between words: {excerpt}"
    );
    assert!(
        kept.chars().count() > 150,
        "uses the room it has: {excerpt}"
    );
}

#[actix_web::test]
async fn a_given_excerpt_wins_over_the_derived_one() {
    let app = spawn().await;
    let article = draft_with_body(&app, &words(100), json!({"excerpt": "Hand written."})).await;
    assert_eq!(article["excerpt"], "Hand written.");
}

#[actix_web::test]
async fn word_count_follows_a_section_edit() {
    let app = spawn().await;
    let article = draft_with_body(&app, &words(450), json!({})).await;
    let section = int(&article["sections"][0], "id");
    let token = app.editor();
    app.patch(
        &token,
        &format!("/api/v1/sections/{section}"),
        json!({"body": words(99)}),
    )
    .await
    .expect(200);
    let after = app
        .get_as(&token, "/api/v1/articles/counted")
        .await
        .expect(200);
    assert_eq!(after.body["word_count"], 100);
    assert_eq!(after.body["reading_time_minutes"], 1);
    assert!(after.body["excerpt"]
        .as_str()
        .unwrap_or_default()
        .starts_with("w0 w1"));
}

// ---------------------------------------------------------------------------------------------
// Publication states over time
// ---------------------------------------------------------------------------------------------

/// A published article ("Soon") whose `published_at` is a day after the clock's now.
async fn scheduled_for_tomorrow<S, B>(app: &TestApp<S>) -> DateTime<Utc>
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let health = category_id(app, "Health", None).await;
    let tomorrow = app.now() + TimeDelta::days(1);
    let created = app
        .article("Soon", health, published(&rfc3339(tomorrow)))
        .await;
    assert_eq!(created["status"], "scheduled");
    tomorrow
}

#[actix_web::test]
async fn a_future_published_at_reads_scheduled_until_its_time_then_published() {
    let app = spawn().await;
    let tomorrow = scheduled_for_tomorrow(&app).await;
    let before = app
        .get_as(&app.editor(), "/api/v1/articles/soon")
        .await
        .expect(200);
    assert_eq!(before.body["status"], "scheduled");
    app.set_now(tomorrow);
    let after = app
        .get_as(&app.editor(), "/api/v1/articles/soon")
        .await
        .expect(200);
    assert_eq!(after.body["status"], "published");
}

#[actix_web::test]
async fn a_scheduled_article_is_invisible_anonymously_until_its_time() {
    let app = spawn().await;
    let tomorrow = scheduled_for_tomorrow(&app).await;
    app.get("/api/v1/articles/soon")
        .await
        .expect_problem(404, "not_found");
    assert_lists(&app, None, &[("", &[])]).await;
    app.set_now(tomorrow + TimeDelta::seconds(1));
    app.get("/api/v1/articles/soon").await.expect(200);
    assert_lists(&app, None, &[("", &["soon"])]).await;
}

#[actix_web::test]
async fn an_article_past_its_unpublish_at_is_expired_and_404_anonymously() {
    let app = spawn().await;
    let health = category_id(&app, "Health", None).await;
    let until = app.now() + TimeDelta::hours(1);
    app.article(
        "Fleeting",
        health,
        json!({"status": "published", "published_at": "2025-01-01T00:00:00Z",
               "unpublish_at": rfc3339(until)}),
    )
    .await;
    app.get("/api/v1/articles/fleeting").await.expect(200);
    app.set_now(until);
    let editor_view = app
        .get_as(&app.editor(), "/api/v1/articles/fleeting")
        .await
        .expect(200);
    assert_eq!(editor_view.body["status"], "expired");
    app.get("/api/v1/articles/fleeting")
        .await
        .expect_problem(404, "not_found");
    assert_lists(&app, None, &[("", &[])]).await;
}

// ---------------------------------------------------------------------------------------------
// Renamed slugs
// ---------------------------------------------------------------------------------------------

/// An article "Old Name" (published unless `draft`), then renamed to `new-name`.
async fn renamed<S, B>(app: &TestApp<S>, draft: bool)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let health = category_id(app, "Health", None).await;
    let fields = if draft {
        json!({"sections": [{"heading": "A", "body": "a"}]})
    } else {
        let mut fields = published("2025-01-01T00:00:00Z");
        fields["sections"] = json!([{"heading": "A", "body": "a"}]);
        fields
    };
    app.article("Old Name", health, fields).await;
    app.patch(
        &app.editor(),
        "/api/v1/articles/old-name",
        json!({"slug": "new-name"}),
    )
    .await
    .expect(200);
}

#[actix_web::test]
async fn an_old_slug_redirects_permanently_keeping_the_query() {
    let app = spawn().await;
    renamed(&app, false).await;
    let moved = app
        .get("/api/v1/articles/old-name?include=&format=html")
        .await
        .expect(308);
    let location = moved.header("location").to_owned();
    assert_eq!(location, "/api/v1/articles/new-name?include=&format=html");
    let followed = app.get(&location).await.expect(200);
    assert_eq!(followed.body["slug"], "new-name");
    assert!(
        followed.body.get("category").is_none(),
        "include= embeds nothing"
    );
}

#[actix_web::test]
async fn an_old_slug_redirects_its_sections_too() {
    let app = spawn().await;
    renamed(&app, false).await;
    let moved = app
        .get("/api/v1/articles/old-name/sections?format=html")
        .await
        .expect(308);
    assert_eq!(
        moved.header("location"),
        "/api/v1/articles/new-name/sections?format=html"
    );
}

#[actix_web::test]
async fn an_old_slug_spelled_like_a_path_segment_redirects_only_the_slug() {
    let app = spawn().await;
    let health = category_id(&app, "Health", None).await;
    let token = app.editor();
    for old in ["api", "v1", "articles", "sections"] {
        let mut fields = published("2025-01-01T00:00:00Z");
        fields["slug"] = json!(old);
        app.article(&format!("Called {old}"), health, fields).await;
        app.patch(
            &token,
            &format!("/api/v1/articles/{old}"),
            json!({"slug": format!("{old}-renamed")}),
        )
        .await
        .expect(200);
        let moved = app
            .get(&format!("/api/v1/articles/{old}/sections"))
            .await
            .expect(308);
        assert_eq!(
            moved.header("location"),
            format!("/api/v1/articles/{old}-renamed/sections"),
            "old slug {old}"
        );
    }
}

#[actix_web::test]
async fn an_old_slug_of_a_draft_is_404_anonymously() {
    let app = spawn().await;
    renamed(&app, true).await;
    app.get("/api/v1/articles/old-name")
        .await
        .expect_problem(404, "not_found");
    app.get("/api/v1/articles/old-name/sections")
        .await
        .expect_problem(404, "not_found");
    let editor = app
        .get_as(&app.editor(), "/api/v1/articles/old-name")
        .await
        .expect(308);
    assert_eq!(editor.header("location"), "/api/v1/articles/new-name");
}

#[actix_web::test]
async fn an_old_slug_can_be_taken_by_a_new_article() {
    let app = spawn().await;
    renamed(&app, false).await;
    let nutrition = category_id(&app, "Nutrition", None).await;
    let mut fields = published("2025-02-01T00:00:00Z");
    fields["slug"] = json!("old-name");
    let newcomer = app.article("Another", nutrition, fields).await;
    let reply = app.get("/api/v1/articles/old-name").await.expect(200);
    assert_eq!(reply.body["id"], newcomer["id"]);
    assert_eq!(reply.body["title"], "Another");
    app.get("/api/v1/articles/new-name").await.expect(200);
}

// ---------------------------------------------------------------------------------------------
// Related articles
// ---------------------------------------------------------------------------------------------

/// "Target" in Health › Sleep, with published, draft and scheduled neighbours in Sleep, two
/// published in Health and one in an unrelated category.
async fn related_fixture<S, B>(app: &TestApp<S>)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let health = category_id(app, "Health", None).await;
    let sleep = category_id(app, "Sleep", Some(health)).await;
    let nutrition = category_id(app, "Nutrition", None).await;
    publish_all(
        app,
        sleep,
        &[
            ("Target", "2025-01-05T00:00:00Z"),
            ("Sleep Old", "2025-01-01T00:00:00Z"),
            ("Sleep Newest", "2025-01-10T00:00:00Z"),
            ("Sleep New", "2025-01-03T00:00:00Z"),
            ("Sleep Future", "2026-12-01T00:00:00Z"),
        ],
    )
    .await;
    app.article("Sleep Draft", sleep, json!({})).await;
    publish_all(
        app,
        health,
        &[
            ("Health Old", "2025-01-02T00:00:00Z"),
            ("Health New", "2025-01-04T00:00:00Z"),
        ],
    )
    .await;
    publish_all(app, nutrition, &[("Greens", "2025-01-20T00:00:00Z")]).await;
}

#[actix_web::test]
async fn related_lists_the_same_category_newest_first_then_the_parent() {
    let app = spawn().await;
    related_fixture(&app).await;
    for (limit, expected) in [
        (
            5,
            &[
                "sleep-newest",
                "sleep-new",
                "sleep-old",
                "health-new",
                "health-old",
            ][..],
        ),
        (2, &["sleep-newest", "sleep-new"][..]),
        (
            4,
            &["sleep-newest", "sleep-new", "sleep-old", "health-new"][..],
        ),
        (
            20,
            &[
                "sleep-newest",
                "sleep-new",
                "sleep-old",
                "health-new",
                "health-old",
            ][..],
        ),
    ] {
        let reply = app
            .get(&format!("/api/v1/articles/target/related?limit={limit}"))
            .await
            .expect(200);
        assert_eq!(slugs(&reply.body), expected, "limit={limit}");
    }
    let default = app.get("/api/v1/articles/target/related").await.expect(200);
    assert_eq!(slugs(&default.body).len(), 5);
}

#[actix_web::test]
async fn related_leaves_out_drafts_and_scheduled_articles_even_for_editors() {
    let app = spawn().await;
    related_fixture(&app).await;
    let reply = app
        .get_as(&app.editor(), "/api/v1/articles/target/related?limit=20")
        .await
        .expect(200);
    let listed = slugs(&reply.body);
    assert!(!listed.contains(&"sleep-draft"), "{listed:?}");
    assert!(!listed.contains(&"sleep-future"), "{listed:?}");
    assert!(!listed.contains(&"target"), "{listed:?}");
    assert!(!listed.contains(&"greens"), "{listed:?}");
}

#[actix_web::test]
async fn related_with_a_limit_outside_1_to_20_is_400() {
    let app = spawn().await;
    related_fixture(&app).await;
    for limit in ["0", "21", "-1", "many"] {
        app.get(&format!("/api/v1/articles/target/related?limit={limit}"))
            .await
            .expect_problem(400, "bad_request");
    }
}

/// A single read embeds exactly what the same article's list item embeds, for every `include`
/// and `format`, by slug and by id, whether a node keeps the category tree or reads it.
#[actix_web::test]
async fn a_single_read_shows_what_the_article_shows_on_a_list() {
    let app = spawn().await;
    let article = article_in_sleep(&app).await;
    let (id, slug) = (
        int(&article, "id"),
        article["slug"].as_str().unwrap().to_owned(),
    );
    // Without the response cache no node keeps the category tree: the read takes it too.
    let uncached = app.uncached().await;
    for include in [
        "",
        "category",
        "breadcrumbs",
        "sections",
        "category,breadcrumbs,sections",
    ] {
        for format in ["markdown", "html", "both"] {
            let shape = format!("include={include}&format={format}");
            let list = app
                .get(&format!("/api/v1/articles?filter[slug][eq]={slug}&{shape}"))
                .await
                .expect(200);
            let item = &list.body["data"][0];
            for key in [slug.clone(), id.to_string()] {
                let single = app
                    .get(&format!("/api/v1/articles/{key}?{shape}"))
                    .await
                    .expect(200);
                assert_eq!(&single.body, item, "{key}?{shape}");
                let uri = format!("/api/v1/articles/{key}?{shape}");
                let fresh = call(&uncached, TestRequest::get().uri(&uri))
                    .await
                    .expect(200);
                assert_eq!(&fresh.body, item, "{key}?{shape}, uncached");
            }
        }
    }
}
