//! Tests: security headers on every response (API, errors, 304s, the Swagger UI), request ids
//! echoed or generated, and request log lines that carry the id but never a token or a query.

use crate::common::{bearer, capture, spawn, spawn_with, Reply};
use actix_web::http::Method;
use actix_web::test::TestRequest;
use healthhub::config::LogFormat;
use healthhub::http::middleware::security_headers::{API_CSP, DOCS_CSP};
use serde_json::{json, Value};

/// Asserts the headers every response carries, with the content security policy `csp`.
#[track_caller]
fn assert_secured(reply: &Reply, csp: &str, what: &str) {
    assert_eq!(reply.header("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(reply.header("referrer-policy"), "no-referrer", "{what}");
    assert_eq!(reply.header("x-frame-options"), "DENY", "{what}");
    assert_eq!(reply.header("content-security-policy"), csp, "{what}");
    assert!(!reply.header("x-request-id").is_empty(), "{what}");
}

#[actix_web::test]
async fn every_api_response_has_the_security_headers() {
    let app = spawn_with(|config| config.max_body_bytes = 128).await;
    let health = app.category("Health", None).await;
    let article = app
        .article(
            "Sleep Well",
            health["id"].as_i64().expect("id"),
            json!({"status": "published", "published_at": "2025-01-01T00:00:00Z"}),
        )
        .await;
    assert_eq!(article["slug"], "sleep-well");
    let path = "/api/v1/articles/sleep-well";

    let ok = app.get(path).await.expect(200);
    assert_secured(&ok, API_CSP, "200");
    let not_modified = app
        .send(
            TestRequest::get()
                .uri(path)
                .insert_header(("If-None-Match", ok.header("etag").to_owned())),
        )
        .await
        .expect(304);
    assert_secured(&not_modified, API_CSP, "304");

    let token = app.editor();
    let cases: Vec<(&str, TestRequest, u16)> = vec![
        (
            "created",
            create_request(&token, json!({"name": "Sleep"})),
            201,
        ),
        (
            "unknown route",
            TestRequest::get().uri("/no/such/route"),
            404,
        ),
        (
            "missing article",
            TestRequest::get().uri("/api/v1/articles/missing"),
            404,
        ),
        (
            "method not allowed",
            TestRequest::delete().uri("/api/v1/search"),
            405,
        ),
        (
            "bad query",
            TestRequest::get().uri("/api/v1/articles?bogus=1"),
            400,
        ),
        (
            "no token",
            TestRequest::post()
                .uri("/api/v1/categories")
                .set_json(json!({"name": "X"})),
            401,
        ),
        (
            "too large",
            create_request(&token, json!({"name": "x".repeat(200)})),
            413,
        ),
        (
            "not JSON",
            TestRequest::post()
                .uri("/api/v1/categories")
                .insert_header(bearer(&token))
                .insert_header(("Content-Type", "text/plain"))
                .set_payload("name=x"),
            415,
        ),
        (
            "validation",
            create_request(&token, json!({"name": ""})),
            422,
        ),
        (
            "URI too long",
            TestRequest::get().uri(&format!("/api/v1/articles?q={}", "a".repeat(3000))),
            414,
        ),
        ("probe", TestRequest::get().uri("/healthz"), 200),
        (
            "head",
            TestRequest::default().method(Method::HEAD).uri(path),
            200,
        ),
    ];
    for (what, request, status) in cases {
        let reply = app.send(request).await.expect(status);
        assert_secured(&reply, API_CSP, what);
        if status >= 400 {
            assert_eq!(
                reply.header("content-type"),
                "application/problem+json",
                "{what}"
            );
        }
    }

    let limited = spawn_with(|config| config.limits.reads_per_minute = 1).await;
    limited.get("/api/v1/articles").await.expect(200);
    let refused = limited
        .get("/api/v1/articles")
        .await
        .expect_problem(429, "rate_limited");
    assert_secured(&refused, API_CSP, "429");
}

/// An editor's request creating a category with `body`.
fn create_request(token: &str, body: Value) -> TestRequest {
    TestRequest::post()
        .uri("/api/v1/categories")
        .insert_header(bearer(token))
        .set_json(body)
}

#[actix_web::test]
async fn the_docs_get_a_policy_that_lets_the_bundled_swagger_ui_run() {
    let app = spawn().await;
    let redirect = app.get("/docs").await.expect(308);
    assert_secured(&redirect, DOCS_CSP, "/docs");
    let page = app.get("/docs/").await.expect(200);
    assert_secured(&page, DOCS_CSP, "/docs/");
    let html = String::from_utf8(page.raw.clone()).expect("utf-8");

    // The policy allows scripts from this origin only, and the page has no inline script or
    // event handler that it would block.
    let script_src = DOCS_CSP
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("script-src"))
        .expect("a script-src directive");
    assert_eq!(script_src, "script-src 'self'");
    let scripts = html.matches("<script").count();
    assert!(scripts >= 3, "{html}");
    assert_eq!(
        scripts,
        html.matches("<script src=\"./").count(),
        "every script is a same-origin file: {html}"
    );
    assert!(!html.contains(" onload=") && !html.contains(" onclick="));
    assert!(!html.contains("http://") && !html.contains("https://"));

    // Each asset is served from here with the media type `nosniff` demands, and the
    // initializer points at the same-origin document.
    let assets: Vec<&str> = html
        .split('"')
        .filter(|s| s.ends_with(".js") || s.ends_with(".css"))
        .collect();
    assert!(assets.len() >= 5, "{assets:?}");
    for asset in assets {
        let path = format!("/docs/{}", asset.trim_start_matches("./"));
        let reply = app.get(&path).await.expect(200);
        assert_secured(&reply, DOCS_CSP, &path);
        let content_type = reply.header("content-type");
        if path.ends_with(".js") {
            assert!(
                content_type.contains("javascript"),
                "{path}: {content_type}"
            );
        } else {
            assert!(
                content_type.starts_with("text/css"),
                "{path}: {content_type}"
            );
        }
        if path.ends_with("swagger-initializer.js") {
            let text = String::from_utf8_lossy(&reply.raw);
            assert!(text.contains("\"/openapi.json\""), "{text}");
        }
    }
    let document = app.get("/openapi.json").await.expect(200);
    assert_secured(&document, API_CSP, "/openapi.json");
}

#[actix_web::test]
async fn a_request_id_is_echoed_when_acceptable_and_generated_otherwise() {
    let app = spawn().await;
    let with_id = |id: &str| {
        TestRequest::get()
            .uri("/api/v1/articles")
            .insert_header(("X-Request-Id", id.to_owned()))
    };
    let echoed = app.send(with_id("trace-42.abc_DEF")).await.expect(200);
    assert_eq!(echoed.header("x-request-id"), "trace-42.abc_DEF");
    let longest = "x".repeat(128);
    let kept = app.send(with_id(&longest)).await.expect(200);
    assert_eq!(kept.header("x-request-id"), longest);

    for refused in ["x".repeat(129), "has spaces".to_owned(), String::new()] {
        let reply = app.send(with_id(&refused)).await.expect(200);
        let id = reply.header("x-request-id");
        assert_ne!(id, refused);
        assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
    }
    let first = app.get("/api/v1/articles").await;
    let second = app.get("/api/v1/articles").await;
    let ids = [first.header("x-request-id"), second.header("x-request-id")];
    for id in ids {
        assert_eq!(
            uuid::Uuid::parse_str(id).expect("a UUID").get_version_num(),
            4
        );
    }
    assert_ne!(ids[0], ids[1]);
    let missing = app
        .send(
            TestRequest::get()
                .uri("/no/such/route")
                .insert_header(("X-Request-Id", "on-errors-too")),
        )
        .await
        .expect(404);
    assert_eq!(missing.header("x-request-id"), "on-errors-too");
}

#[actix_web::test]
async fn json_request_logs_carry_the_request_id_and_never_a_token_or_query() {
    let app = spawn().await;
    let token = app.editor();
    let (logs, _guard) = capture(LogFormat::Json);
    app.send(
        TestRequest::get()
            .uri("/api/v1/articles?q=private-search-terms&fields=id,slug")
            .peer_addr("192.0.2.55:41000".parse().unwrap())
            .insert_header(bearer(&token))
            .insert_header(("X-Request-Id", "req-read-1")),
    )
    .await
    .expect(200);
    app.send(
        TestRequest::post()
            .uri("/api/v1/categories")
            .insert_header(("Authorization", "Bearer not.a-valid.token-secret"))
            .insert_header(("X-Request-Id", "req-write-2"))
            .set_json(json!({"name": "Sleep"})),
    )
    .await
    .expect(401);

    let text = logs.text();
    let lines: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).expect("every line is JSON"))
        .collect();
    let line = |id: &str| {
        lines
            .iter()
            .find(|l| l["message"] == "request" && l["request_id"] == id)
            .unwrap_or_else(|| panic!("no request line for {id} in {text}"))
    };
    let read = line("req-read-1");
    assert_eq!(read["level"], "INFO");
    assert_eq!(read["method"], "GET");
    assert_eq!(read["path"], "/api/v1/articles");
    assert_eq!(read["status"], 200);
    assert_eq!(read["client_ip"], "192.0.2.55");
    assert!(read["duration_ms"].as_f64().is_some_and(|ms| ms >= 0.0));
    let write = line("req-write-2");
    assert_eq!(write["status"], 401);
    assert_eq!(write["client_ip"], "unknown");
    for secret in [
        token.as_str(),
        "not.a-valid.token-secret",
        "private-search-terms",
        "fields=",
        "Bearer",
    ] {
        assert!(!text.contains(secret), "the log holds {secret:?}: {text}");
    }
}

#[actix_web::test]
async fn text_request_logs_are_one_readable_line_without_the_query() {
    let app = spawn().await;
    let (logs, _guard) = capture(LogFormat::Text);
    app.send(
        TestRequest::get()
            .uri("/api/v1/categories?parent=secret-parent")
            .insert_header(("X-Request-Id", "text-line-1")),
    )
    .await
    .expect(404);
    let text = logs.text();
    let line = text
        .lines()
        .find(|l| l.contains("request_id=text-line-1") && l.contains(" request "))
        .unwrap_or_else(|| panic!("no request line in {text}"));
    for field in [
        "method=GET",
        "path=/api/v1/categories",
        "status=404",
        "client_ip=unknown",
        "duration_ms=",
    ] {
        assert!(line.contains(field), "{field} missing in {line}");
    }
    assert!(!text.contains("secret-parent"), "{text}");
}
