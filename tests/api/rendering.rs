//! Tests: Markdown section bodies — `body_html` rendered and sanitized, `body` kept as the source,
//! and `format=markdown|html|both` on every endpoint that returns sections.

use crate::common::{call, spawn, TestApp};
use crate::listing::published;
use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use healthhub::sections::rendering::render_all;
use serde_json::{json, Value};

/// Script injection attempts, one per section of the article.
const XSS_VECTORS: [&str; 5] = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<iframe src=//x>",
];

/// What must never appear in rendered HTML (compared case-insensitively).
const FORBIDDEN: [&str; 4] = ["<script", "onerror", "javascript:", "<iframe"];

/// A published article "Rendered" whose sections have `bodies`; returns the first section's id.
async fn rendered_with<S, B>(app: &TestApp<S>, bodies: &[&str]) -> i64
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let health = app.category("Health", None).await["id"]
        .as_i64()
        .expect("category id");
    let mut fields = published("2025-01-01T00:00:00Z");
    fields["sections"] = bodies
        .iter()
        .enumerate()
        .map(|(i, body)| json!({"heading": format!("Part {}", i + 1), "body": body}))
        .collect();
    let article = app.article("Rendered", health, fields).await;
    article["sections"][0]["id"].as_i64().expect("section id")
}

/// The three reads that return sections of the article: the article, its section list, and
/// its first section (`section`) on its own.
fn section_reads(section: i64) -> [String; 3] {
    [
        "/api/v1/articles/rendered".to_owned(),
        "/api/v1/articles/rendered/sections".to_owned(),
        format!("/api/v1/sections/{section}"),
    ]
}

/// `path` + `query`, joining with `?`.
fn with_query(path: &str, query: &str) -> String {
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

/// The sections in a response: an article's `sections`, a list's `data`, or the section itself.
fn sections_in(body: &Value) -> Vec<Value> {
    if let Some(sections) = body["sections"].as_array() {
        sections.clone()
    } else if let Some(data) = body["data"].as_array() {
        data.clone()
    } else {
        vec![body.clone()]
    }
}

/// For every section read with `query`, the sections it returns (anonymously, expecting a 200).
async fn read_sections<S, B>(
    app: &TestApp<S>,
    section: i64,
    query: &str,
) -> Vec<(String, Vec<Value>)>
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let mut reads = Vec::new();
    for path in section_reads(section) {
        let url = with_query(&path, query);
        let body = app.get(&url).await.expect(200).body;
        reads.push((url, sections_in(&body)));
    }
    reads
}

#[actix_web::test]
async fn body_html_is_rendered_from_markdown_and_body_keeps_the_source() {
    let app = spawn().await;
    let section = rendered_with(&app, &["Some **bold** and *soft* words."]).await;
    for (url, sections) in read_sections(&app, section, "").await {
        let first = &sections[0];
        assert_eq!(first["body"], "Some **bold** and *soft* words.", "{url}");
        let html = first["body_html"].as_str().expect("body_html");
        assert!(html.contains("<strong>bold</strong>"), "{url}: {html}");
        assert!(html.contains("<em>soft</em>"), "{url}: {html}");
    }
}

#[actix_web::test]
async fn xss_vectors_never_reach_body_html() {
    let app = spawn().await;
    let section = rendered_with(&app, &XSS_VECTORS).await;
    for (url, sections) in read_sections(&app, section, "").await {
        for (section, vector) in sections.iter().zip(XSS_VECTORS) {
            assert_eq!(section["body"], vector, "{url}: the source is kept");
            let html = section["body_html"]
                .as_str()
                .expect("body_html")
                .to_ascii_lowercase();
            for needle in FORBIDDEN {
                assert!(!html.contains(needle), "{url}: {vector:?} gave {html:?}");
            }
        }
    }
}

#[actix_web::test]
async fn format_markdown_sends_only_body() {
    let app = spawn().await;
    let section = rendered_with(&app, &["**a**", "b"]).await;
    for (url, sections) in read_sections(&app, section, "format=markdown").await {
        for section in &sections {
            assert!(section["body"].is_string(), "{url}: {section}");
            assert!(section.get("body_html").is_none(), "{url}: {section}");
        }
    }
}

#[actix_web::test]
async fn format_html_sends_only_body_html() {
    let app = spawn().await;
    let section = rendered_with(&app, &["**a**", "b"]).await;
    for (url, sections) in read_sections(&app, section, "format=html").await {
        for section in &sections {
            assert!(section["body_html"].is_string(), "{url}: {section}");
            assert!(section.get("body").is_none(), "{url}: {section}");
        }
    }
}

#[actix_web::test]
async fn format_both_is_the_default() {
    let app = spawn().await;
    let section = rendered_with(&app, &["**a**"]).await;
    for query in ["", "format=both"] {
        for (url, sections) in read_sections(&app, section, query).await {
            assert!(sections[0]["body"].is_string(), "{url}");
            assert!(sections[0]["body_html"].is_string(), "{url}");
        }
    }
}

#[actix_web::test]
async fn an_unknown_format_is_400() {
    let app = spawn().await;
    let section = rendered_with(&app, &["**a**"]).await;
    for path in section_reads(section) {
        let url = with_query(&path, "format=xml");
        let reply = app.get(&url).await.expect_problem(400, "bad_request");
        let detail = reply.body["detail"].as_str().unwrap_or_default();
        assert!(detail.contains("xml"), "{url}: {detail}");
    }
    app.get("/api/v1/articles?format=xml")
        .await
        .expect_problem(400, "bad_request");
}

#[actix_web::test]
async fn a_list_with_sections_honours_format() {
    let app = spawn().await;
    rendered_with(&app, &["**a**"]).await;
    let list = app
        .get("/api/v1/articles?include=sections&format=html")
        .await
        .expect(200);
    let section = &list.body["data"][0]["sections"][0];
    assert_eq!(section["body_html"], "<p><strong>a</strong></p>\n");
    assert!(section.get("body").is_none(), "{section}");
}

/// Sections written before bodies were rendered on write (no stored HTML) read exactly as the
/// others, and `render_all` (what `healthhub migrate` and the server's background task run)
/// stores their HTML; every write stores it at once.
#[actix_web::test]
async fn sections_without_stored_html_read_the_same_and_are_filled_in() {
    let app = spawn().await;
    rendered_with(
        &app,
        &[
            "**bold** <script>x</script>",
            "a [link](https://example.org)",
        ],
    )
    .await;
    assert_eq!(app.count("sections WHERE body_html IS NULL"), 0);
    let path = "/api/v1/articles/rendered?format=both";
    let stored = app.get(path).await.expect(200).body["sections"].clone();
    assert!(stored[0]["body_html"]
        .as_str()
        .unwrap()
        .contains("<strong>bold</strong>"));

    app.execute("UPDATE sections SET body_html = NULL");
    let uncached = app.uncached().await;
    let request = || actix_web::test::TestRequest::get().uri(path);
    let fresh = call(&uncached, request()).await.expect(200);
    assert_eq!(fresh.body["sections"], stored);

    let rendered = render_all(&app.state.db).expect("render");
    assert_eq!(rendered, 2);
    assert_eq!(app.count("sections WHERE body_html IS NULL"), 0);
    assert_eq!(render_all(&app.state.db).expect("render again"), 0);
    let filled = call(&uncached, request()).await.expect(200);
    assert_eq!(filled.body["sections"], stored);
}
