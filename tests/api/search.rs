//! Tests: full-text search through `GET /search` and `GET /articles?q=` — ranking, highlighted
//! and escaped snippets, prefix and stemmed matching, hostile input, visibility, index updates,
//! filters and sort, cursor paging.

use crate::common::{spawn, spawn_with, TestApp};
use crate::listing::{assert_no_duplicates, get_with, ids, published, rfc3339, slugs, walk};
use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use healthhub::auth::Scope;
use serde_json::{json, Value};

/// The two endpoints that search.
const ENDPOINTS: [&str; 2] = ["/api/v1/search", "/api/v1/articles"];

/// A top-level category; returns its id.
async fn category<S, B>(app: &TestApp<S>, name: &str) -> i64
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    app.category(name, None).await["id"]
        .as_i64()
        .expect("category id")
}

/// An article in `category` with one section headed "Part" whose body is `body`, published at
/// `at` (a draft when `at` is `None`). Returns it.
async fn with_body<S, B>(
    app: &TestApp<S>,
    category: i64,
    title: &str,
    at: Option<&str>,
    body: &str,
) -> Value
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let mut fields = at.map_or_else(|| json!({}), published);
    fields["sections"] = json!([{"heading": "Part", "body": body}]);
    app.article(title, category, fields).await
}

/// `GET /search?q=<q>&<rest>` (q URL-encoded), with `token` if given; expects a 200.
async fn search<S, B>(app: &TestApp<S>, token: Option<&str>, q: &str, rest: &str) -> Value
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let q: String = form_urlencoded::byte_serialize(q.as_bytes()).collect();
    get_with(app, token, &format!("/api/v1/search?q={q}{rest}"))
        .await
        .expect(200)
        .body
}

/// The `snippet` of the result with `slug`.
fn snippet_of<'a>(results: &'a Value, slug: &str) -> &'a str {
    results["data"]
        .as_array()
        .expect("data")
        .iter()
        .find(|a| a["slug"] == slug)
        .and_then(|a| a["snippet"].as_str())
        .unwrap_or_else(|| panic!("no snippet for {slug} in {results}"))
}

/// The `rank`s of a result list, in order.
fn ranks(results: &Value) -> Vec<f64> {
    results["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|a| a["rank"].as_f64().expect("a rank"))
        .collect()
}

/// "Sleep Better" (newer, "therapist" in a section body) and "Finding a Therapist" (older,
/// "therapist" in the title).
async fn therapist_pair<S, B>(app: &TestApp<S>)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let health = category(app, "Health").await;
    with_body(
        app,
        health,
        "Sleep Better",
        Some("2025-02-01T00:00:00Z"),
        "If insomnia persists, talk to a therapist about it.",
    )
    .await;
    with_body(
        app,
        health,
        "Finding a Therapist",
        Some("2025-01-01T00:00:00Z"),
        "Ask your doctor for a referral.",
    )
    .await;
}

#[actix_web::test]
async fn a_title_hit_ranks_above_a_body_only_hit_on_both_endpoints() {
    let app = spawn().await;
    therapist_pair(&app).await;
    for endpoint in ENDPOINTS {
        let results = app
            .get(&format!("{endpoint}?q=therapist"))
            .await
            .expect(200)
            .body;
        assert_eq!(
            slugs(&results),
            ["finding-a-therapist", "sleep-better"],
            "{endpoint}"
        );
        let ranks = ranks(&results);
        assert!(ranks[0] < ranks[1], "{endpoint}: {ranks:?}");
    }
}

#[actix_web::test]
async fn results_come_sorted_by_rank_ascending() {
    let app = spawn().await;
    let health = category(&app, "Health").await;
    for (title, body) in [
        ("Routine", "Sleep once."),
        ("Sleep", "Sleep, sleep and sleep again."),
        ("Evenings", "A word on sleep and more sleep."),
        ("Sleep Sleep", "Nothing else."),
    ] {
        with_body(&app, health, title, Some("2025-01-01T00:00:00Z"), body).await;
    }
    let results = search(&app, None, "sleep", "").await;
    let ranks = ranks(&results);
    assert_eq!(ranks.len(), 4);
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
}

#[actix_web::test]
async fn the_snippet_marks_the_hit() {
    let app = spawn().await;
    therapist_pair(&app).await;
    let results = search(&app, None, "insomnia", "").await;
    assert_eq!(slugs(&results), ["sleep-better"]);
    let snippet = snippet_of(&results, "sleep-better");
    assert!(snippet.contains("<mark>insomnia</mark>"), "{snippet}");
}

#[actix_web::test]
async fn the_snippet_escapes_html_from_the_body() {
    let app = spawn().await;
    let health = category(&app, "Health").await;
    with_body(
        &app,
        health,
        "Supplements",
        Some("2025-01-01T00:00:00Z"),
        "<script>alert(1)</script> Melatonin & \"sleep\" <b>aids</b> if 2 < 3",
    )
    .await;
    let results = search(&app, None, "melatonin", "").await;
    let snippet = snippet_of(&results, "supplements");
    assert!(snippet.contains("2 &lt; 3"), "{snippet}");
    assert!(
        !snippet.contains("alert"),
        "a script is no text a reader sees: {snippet}"
    );
    assert!(
        !snippet.to_ascii_lowercase().contains("<script"),
        "{snippet}"
    );
    assert!(!snippet.contains("<b>"), "{snippet}");
    assert!(snippet.contains("<mark>Melatonin</mark>"), "{snippet}");
    assert!(snippet.contains("&amp;"), "{snippet}");
}

#[actix_web::test]
async fn the_last_word_matches_as_a_prefix() {
    let app = spawn().await;
    therapist_pair(&app).await;
    let results = search(&app, None, "thera", "").await;
    assert_eq!(slugs(&results), ["finding-a-therapist", "sleep-better"]);
    let narrowed = search(&app, None, "insomnia thera", "").await;
    assert_eq!(slugs(&narrowed), ["sleep-better"], "every word must match");
}

#[actix_web::test]
async fn words_match_their_stems() {
    let app = spawn().await;
    let health = category(&app, "Health").await;
    with_body(
        &app,
        health,
        "Do Therapists Cry",
        Some("2025-01-01T00:00:00Z"),
        "Sometimes they cry with their clients.",
    )
    .await;
    for q in ["crying", "crying therapist", "therapist cry", "client"] {
        let results = search(&app, None, q, "").await;
        assert_eq!(slugs(&results), ["do-therapists-cry"], "q={q}");
    }
}

#[actix_web::test]
async fn hostile_input_is_answered_without_a_server_error() {
    // The long input is longer than the default query-string limit (a 414): raise it so the
    // search itself meets the input.
    let app = spawn_with(|config| config.limits.max_query_bytes = 64 * 1024).await;
    therapist_pair(&app).await;
    let long = "word \"(* ".repeat(500);
    let inputs = [
        "\"",
        "*",
        "NEAR(",
        "-",
        "a AND",
        "\"unbalanced",
        "col:val",
        "title:therapist",
        "café 睡眠",
        "😴🛌",
        "NOT",
        "AND OR NOT",
        "^x",
        "x*y*",
        "NEAR(a b, 2)",
        "{title bodies}: x",
        "'; DROP TABLE articles; --",
        "\u{E000}therapist\u{E001}",
        &long,
    ];
    for endpoint in ENDPOINTS {
        for input in inputs {
            let q: String = form_urlencoded::byte_serialize(input.as_bytes()).collect();
            let reply = app.get(&format!("{endpoint}?q={q}")).await;
            assert_eq!(reply.status, 200, "{endpoint} q={input:?}: {}", reply.body);
            assert!(reply.body["data"].is_array(), "{endpoint} q={input:?}");
        }
    }
    assert_eq!(app.count("articles"), 2);
}

#[actix_web::test]
async fn input_without_words_in_cursor_mode_reports_no_total_unless_counted() {
    let app = spawn().await;
    therapist_pair(&app).await;
    for q in ["therapist", "-"] {
        let reply = app
            .get(&format!("/api/v1/search?q={q}&limit=5"))
            .await
            .expect(200);
        assert!(
            reply.body["meta"].get("total").is_none(),
            "q={q}: {}",
            reply.body
        );
        assert_eq!(reply.header("x-total-count"), "", "q={q}");
        assert_eq!(reply.body["meta"]["next_cursor"], Value::Null, "q={q}");
    }
}

#[actix_web::test]
async fn quoted_and_operator_input_still_finds_plain_words() {
    let app = spawn().await;
    therapist_pair(&app).await;
    for q in [
        "\"thera",
        "-insomnia",
        "(therapist)",
        "therapist*",
        "insomnia\"",
    ] {
        let results = search(&app, None, q, "").await;
        assert!(!slugs(&results).is_empty(), "q={q:?} found nothing");
    }
}

#[actix_web::test]
async fn anonymous_search_sees_published_articles_only() {
    let app = spawn().await;
    let health = category(&app, "Health").await;
    with_body(&app, health, "Secret Draft", None, "Notes on zolpidem.").await;
    with_body(
        &app,
        health,
        "Public Piece",
        Some("2025-01-01T00:00:00Z"),
        "Notes on zolpidem.",
    )
    .await;
    assert_eq!(
        slugs(&search(&app, None, "zolpidem", "").await),
        ["public-piece"]
    );
    let reader = app.token(&[Scope::Read]);
    let drafts = search(&app, Some(&reader), "zolpidem", "&status=draft").await;
    assert_eq!(slugs(&drafts), ["secret-draft"]);
    app.get("/api/v1/search?q=zolpidem&status=draft")
        .await
        .expect_problem(401, "unauthorized");
}

#[actix_web::test]
async fn a_scheduled_article_is_found_anonymously_once_its_time_comes() {
    let app = spawn().await;
    let health = category(&app, "Health").await;
    let at = app.now() + chrono::TimeDelta::hours(2);
    with_body(
        &app,
        health,
        "Coming Soon",
        Some(&rfc3339(at)),
        "All about valerian.",
    )
    .await;
    assert!(slugs(&search(&app, None, "valerian", "").await).is_empty());
    app.set_now(at);
    assert_eq!(
        slugs(&search(&app, None, "valerian", "").await),
        ["coming-soon"]
    );
}

#[actix_web::test]
async fn edits_update_the_index() {
    let app = spawn().await;
    let health = category(&app, "Health").await;
    let article = with_body(
        &app,
        health,
        "Night Notes",
        Some("2025-01-01T00:00:00Z"),
        "Insomnia is common.",
    )
    .await;
    let section = article["sections"][0]["id"].as_i64().expect("section id");
    let token = app.editor();
    app.patch(
        &token,
        &format!("/api/v1/sections/{section}"),
        json!({"body": "Melatonin is popular."}),
    )
    .await
    .expect(200);
    assert!(slugs(&search(&app, None, "insomnia", "").await).is_empty());
    assert_eq!(
        slugs(&search(&app, None, "melatonin", "").await),
        ["night-notes"]
    );

    app.patch(
        &token,
        "/api/v1/articles/night-notes",
        json!({"title": "Circadian Rhythm"}),
    )
    .await
    .expect(200);
    assert_eq!(
        slugs(&search(&app, None, "circadian", "").await),
        ["night-notes"]
    );
}

/// A creation and a replacement of all sections index the article once, at the end of their
/// transaction (the triggers are paused meanwhile): every section's words are found, replaced
/// words are gone, a refused replacement leaves the index as it was, and the pause never
/// outlives its transaction.
#[actix_web::test]
async fn whole_article_writes_index_every_section() {
    let app = spawn().await;
    let health = category(&app, "Health").await;
    let mut fields = published("2025-01-01T00:00:00Z");
    fields["sections"] = json!([
        {"heading": "Dreams", "body": "Insomnia is common."},
        {"heading": "Light", "body": "Melatonin is popular."},
        {"heading": "Food", "body": "Magnesium may help."}
    ]);
    app.article("Night Notes", health, fields).await;
    for word in ["insomnia", "melatonin", "magnesium", "dreams"] {
        assert_eq!(
            slugs(&search(&app, None, word, "").await),
            ["night-notes"],
            "{word}"
        );
    }
    // No write left the search triggers paused (on PostgreSQL the pause is a transaction-local
    // setting, which cannot outlive its transaction).
    if crate::test_db::backend() == healthhub::db::Backend::Sqlite {
        assert_eq!(app.count("search_paused"), 0);
    }

    let token = app.editor();
    let sections = "/api/v1/articles/night-notes/sections";
    app.put(
        &token,
        sections,
        json!({"sections": [{"heading": "Rest", "body": "Circadian rhythm."}]}),
    )
    .await
    .expect(200);
    assert_eq!(
        slugs(&search(&app, None, "circadian", "").await),
        ["night-notes"]
    );
    for word in ["insomnia", "melatonin", "magnesium", "dreams"] {
        assert!(
            slugs(&search(&app, None, word, "").await).is_empty(),
            "{word}"
        );
    }

    app.put(
        &token,
        sections,
        json!({"sections": [{"id": 999_999, "heading": "X", "body": "Zinc."}]}),
    )
    .await
    .expect_problem(409, "state_conflict");
    assert!(slugs(&search(&app, None, "zinc", "").await).is_empty());
    assert_eq!(
        slugs(&search(&app, None, "circadian", "").await),
        ["night-notes"]
    );
    // No write left the search triggers paused (on PostgreSQL the pause is a transaction-local
    // setting, which cannot outlive its transaction).
    if crate::test_db::backend() == healthhub::db::Backend::Sqlite {
        assert_eq!(app.count("search_paused"), 0);
    }
}

#[actix_web::test]
async fn search_without_q_is_400() {
    let app = spawn().await;
    for path in [
        "/api/v1/search",
        "/api/v1/search?q=",
        "/api/v1/search?q=%20%20",
        "/api/v1/search?sort=-published_at",
    ] {
        let reply = app.get(path).await.expect_problem(400, "bad_request");
        let detail = reply.body["detail"].as_str().unwrap_or_default();
        assert!(detail.contains("q is required"), "{path}: {detail}");
    }
    app.get("/api/v1/articles?q=").await.expect(200);
}

#[actix_web::test]
async fn q_combines_with_filters_and_a_date_sort() {
    let app = spawn().await;
    let sleep = category(&app, "Sleep").await;
    let nutrition = category(&app, "Nutrition").await;
    for (category, title, at) in [
        (sleep, "Winter Sleep", "2025-01-01T00:00:00Z"),
        (sleep, "Spring Sleep", "2025-03-01T00:00:00Z"),
        (nutrition, "Food and Sleep", "2025-02-01T00:00:00Z"),
        (sleep, "Unrelated", "2025-04-01T00:00:00Z"),
    ] {
        with_body(&app, category, title, Some(at), "Plain text.").await;
    }
    let in_category = search(&app, None, "sleep", "&category=sleep&sort=-published_at").await;
    assert_eq!(slugs(&in_category), ["spring-sleep", "winter-sleep"]);
    assert!(in_category["data"][0]["rank"].is_number());

    let since = search(
        &app,
        None,
        "sleep",
        "&filter[published_at][gte]=2025-02-01&sort=-published_at",
    )
    .await;
    assert_eq!(slugs(&since), ["spring-sleep", "food-and-sleep"]);

    let listed = app
        .get("/api/v1/articles?q=sleep&sort=published_at&filter[category][ne]=sleep")
        .await
        .expect(200);
    assert_eq!(slugs(&listed.body), ["food-and-sleep"]);
}

#[actix_web::test]
async fn cursor_paging_walks_every_result_once_in_rank_order() {
    let app = spawn().await;
    let health = category(&app, "Health").await;
    for i in 1..=4 {
        with_body(
            &app,
            health,
            &format!("Sleep Log {i}"),
            Some("2025-01-01T00:00:00Z"),
            "The same words in every log.",
        )
        .await;
    }
    for (title, body) in [
        ("Sleep", "Sleep and sleep."),
        ("Evenings", "A note on sleep."),
        ("Sleep Hygiene Sleep", "Sleep well."),
    ] {
        with_body(&app, health, title, Some("2025-01-01T00:00:00Z"), body).await;
    }
    let all = search(&app, None, "sleep", "&limit=100&count=true").await;
    assert_eq!(all["meta"]["total"], 7);
    let expected = ids(&all);
    for endpoint in ENDPOINTS {
        let seen = walk(&app, &format!("{endpoint}?q=sleep&limit=2")).await;
        assert_no_duplicates(&seen);
        assert_eq!(seen, expected, "{endpoint}");
    }
}

/// Sixty results with sixty distinct bm25 ranks: each cursor carries its page's last rank, which
/// must come back bit for bit or the next page starts at (or skips past) the wrong result.
#[actix_web::test]
async fn cursor_paging_through_many_distinct_ranks_repeats_no_result() {
    let app = spawn().await;
    let health = category(&app, "Health").await;
    for i in 0..60 {
        let body = format!(
            "{} {}",
            "sleep ".repeat(1 + i % 7),
            "filler words ".repeat(i % 11)
        );
        let title = format!("T{i} {}", "x ".repeat(i % 5));
        with_body(&app, health, &title, Some("2025-01-01T00:00:00Z"), &body).await;
    }
    let expected = ids(&search(&app, None, "sleep", "&limit=100").await);
    assert_eq!(expected.len(), 60);
    let seen = walk(&app, "/api/v1/search?q=sleep&limit=2").await;
    assert_no_duplicates(&seen);
    assert_eq!(seen, expected);
}
