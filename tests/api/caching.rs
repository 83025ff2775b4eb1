//! Tests: HTTP caching (strong ETags, Last-Modified, 304s, Cache-Control) and CORS for browser frontends.

use crate::common::{bearer, spawn, spawn_with, start_time, Reply, TestApp};
use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::TestRequest;
use chrono::{DateTime, TimeDelta, Utc};
use healthhub::config::CorsOrigins;
use serde_json::json;

/// Every public read of the seeded content.
const READS: [&str; 5] = [
    "/api/v1/articles",
    "/api/v1/articles/sleep-well",
    "/api/v1/categories",
    "/api/v1/categories/health",
    "/api/v1/articles/sleep-well/sections",
];

const ARTICLE: &str = "/api/v1/articles/sleep-well";

/// What anonymous reads are told with the default configuration.
const PUBLIC: &str = "public, max-age=60, stale-while-revalidate=300";

/// A published article "Sleep Well" with two sections in the category "Health"; then the clock
/// moves on a second, so the second of the write is over and `Last-Modified` is settled.
async fn seeded<S, B>(app: &TestApp<S>)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let health = app.category("Health", None).await;
    app.article(
        "Sleep Well",
        health["id"].as_i64().expect("category id"),
        json!({
            "status": "published",
            "published_at": "2025-04-19T00:00:00Z",
            "sections": [
                {"heading": "Why", "body": "Sleep matters."},
                {"heading": "How", "body": "Keep a schedule."},
            ],
        }),
    )
    .await;
    tick(app);
}

/// Moves the test clock one second on.
fn tick<S, B>(app: &TestApp<S>)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    app.set_now(app.now() + TimeDelta::seconds(1));
}

/// `at` as an HTTP date, to the second.
fn http_date(at: DateTime<Utc>) -> String {
    at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// An anonymous GET of `path` with the extra `headers`.
fn get_with(path: &str, headers: &[(&'static str, &str)]) -> TestRequest {
    headers
        .iter()
        .fold(TestRequest::get().uri(path), |request, (name, value)| {
            request.insert_header((*name, value.to_string()))
        })
}

/// Asserts a `304` with no body that repeats the validators of `full`.
#[track_caller]
fn assert_not_modified(reply: &Reply, full: &Reply) {
    assert_eq!(reply.status.as_u16(), 304, "{reply:?}");
    assert!(reply.raw.is_empty(), "a 304 has no body");
    assert_eq!(reply.header("etag"), full.header("etag"));
    assert_eq!(reply.header("last-modified"), full.header("last-modified"));
    assert_eq!(reply.header("cache-control"), full.header("cache-control"));
    assert!(reply.header("vary").contains("Authorization"), "{reply:?}");
}

#[actix_web::test]
async fn every_public_read_has_a_strong_etag_and_last_modified_and_revalidates_to_304() {
    let app = spawn().await;
    seeded(&app).await;
    let written = http_date(start_time());
    for path in READS {
        let full = app.get(path).await.expect(200);
        let etag = full.header("etag");
        assert!(
            etag.len() > 2 && etag.starts_with('"') && etag.ends_with('"'),
            "{path}: a strong ETag, not {etag:?}"
        );
        assert_eq!(full.header("last-modified"), written, "{path}");
        assert!(full.header("vary").contains("Authorization"), "{path}");

        let again = app.send(get_with(path, &[("If-None-Match", etag)])).await;
        assert_not_modified(&again, &full);

        let weak = format!("W/{etag}");
        let listed = format!("\"something-else\", {weak}");
        let again = app
            .send(get_with(path, &[("If-None-Match", &listed)]))
            .await;
        assert_not_modified(&again, &full);

        let any = app.send(get_with(path, &[("If-None-Match", "*")])).await;
        assert_not_modified(&any, &full);
    }
}

#[actix_web::test]
async fn an_article_etag_starts_with_its_version_and_writes_keep_the_bare_version() {
    let app = spawn().await;
    seeded(&app).await;
    let read = app.get(ARTICLE).await.expect(200);
    let etag = read.header("etag");
    let hash = etag
        .strip_prefix("\"1-")
        .and_then(|rest| rest.strip_suffix('"'))
        .expect("\"1-<hash>\"");
    assert_eq!(hash.len(), 16);
    assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()), "{hash}");
    let updated = app
        .patch(&app.editor(), ARTICLE, json!({"subtitle": "Rest"}))
        .await
        .expect(200);
    assert_eq!(updated.header("etag"), "\"2\"");
    assert_eq!(updated.header("cache-control"), "no-store");
}

#[actix_web::test]
async fn a_head_request_has_the_validators_of_the_get() {
    let app = spawn().await;
    seeded(&app).await;
    let full = app.get(ARTICLE).await.expect(200);
    let head = app
        .send(
            TestRequest::default()
                .method(actix_web::http::Method::HEAD)
                .uri(ARTICLE),
        )
        .await
        .expect(200);
    assert_eq!(head.header("etag"), full.header("etag"));
    assert_eq!(head.header("last-modified"), full.header("last-modified"));
    assert_eq!(head.header("cache-control"), PUBLIC);
    let cached = app
        .send(
            TestRequest::default()
                .method(actix_web::http::Method::HEAD)
                .uri(ARTICLE)
                .insert_header(("If-None-Match", full.header("etag"))),
        )
        .await;
    assert_not_modified(&cached, &full);
}

#[actix_web::test]
async fn a_write_changes_the_etags_so_the_old_one_gets_the_new_body() {
    let app = spawn().await;
    seeded(&app).await;
    let before: Vec<Reply> = read_all(&app, &READS).await;
    app.patch(&app.editor(), ARTICLE, json!({"title": "Sleep Better"}))
        .await
        .expect(200);
    app.put(
        &app.editor(),
        "/api/v1/articles/sleep-well/sections",
        json!({"sections": [{"heading": "Only", "body": "One section now."}]}),
    )
    .await
    .expect(200);
    app.patch(
        &app.editor(),
        "/api/v1/categories/health",
        json!({"description": "Body and mind"}),
    )
    .await
    .expect(200);
    for (path, old) in READS.iter().zip(&before) {
        let etag = old.header("etag");
        let fresh = app
            .send(get_with(path, &[("If-None-Match", etag)]))
            .await
            .expect(200);
        assert_ne!(fresh.header("etag"), etag, "{path}");
        assert_ne!(fresh.body, old.body, "{path}");
    }
}

/// One anonymous GET of each path, in order.
async fn read_all<S, B>(app: &TestApp<S>, paths: &[&str]) -> Vec<Reply>
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let mut replies = Vec::new();
    for path in paths {
        replies.push(app.get(path).await.expect(200));
    }
    replies
}

#[actix_web::test]
async fn if_modified_since_is_304_until_a_write() {
    let app = spawn().await;
    seeded(&app).await;
    let full = app.get(ARTICLE).await.expect(200);
    let since = full.header("last-modified").to_owned();
    assert_eq!(since, http_date(start_time()));

    let cached = app
        .send(get_with(ARTICLE, &[("If-Modified-Since", &since)]))
        .await;
    assert_not_modified(&cached, &full);
    let later = http_date(start_time() + TimeDelta::days(1));
    let cached = app
        .send(get_with(
            "/api/v1/articles",
            &[("If-Modified-Since", &later)],
        ))
        .await;
    assert_eq!(cached.status.as_u16(), 304);

    let junk = app
        .send(get_with(ARTICLE, &[("If-Modified-Since", "yesterday")]))
        .await
        .expect(200);
    assert_eq!(junk.body, full.body, "an unparsable date is ignored");
    let overridden = app
        .send(get_with(
            ARTICLE,
            &[
                ("If-Modified-Since", &since),
                ("If-None-Match", "\"other\""),
            ],
        ))
        .await
        .expect(200);
    assert_eq!(overridden.header("etag"), full.header("etag"));

    app.patch(&app.editor(), ARTICLE, json!({"title": "Sleep Better"}))
        .await
        .expect(200);
    let same_second = app
        .send(get_with(ARTICLE, &[("If-Modified-Since", &since)]))
        .await
        .expect(200);
    assert_eq!(
        same_second.header("last-modified"),
        "",
        "no Last-Modified while the second of the write lasts"
    );
    assert_eq!(same_second.body["title"], "Sleep Better");

    tick(&app);
    let changed = app
        .send(get_with(ARTICLE, &[("If-Modified-Since", &since)]))
        .await
        .expect(200);
    assert_eq!(changed.body["title"], "Sleep Better");
    assert_eq!(
        changed.header("last-modified"),
        http_date(start_time() + TimeDelta::seconds(1))
    );
}

#[actix_web::test]
async fn a_scheduled_article_going_live_moves_last_modified_and_the_list_etag() {
    let app = spawn().await;
    let health = app.category("Health", None).await;
    let live_at = app.now() + TimeDelta::hours(1);
    app.article(
        "Coming Soon",
        health["id"].as_i64().expect("category id"),
        json!({"status": "published", "published_at": live_at.to_rfc3339()}),
    )
    .await;
    tick(&app);
    let before = app.get("/api/v1/articles").await.expect(200);
    assert_eq!(before.body["meta"]["total"], 0);
    assert_eq!(before.header("last-modified"), http_date(start_time()));

    app.set_now(app.now() + TimeDelta::hours(2));
    let since = before.header("last-modified");
    let after = app
        .send(get_with(
            "/api/v1/articles",
            &[("If-Modified-Since", since)],
        ))
        .await
        .expect(200);
    assert_eq!(after.body["meta"]["total"], 1);
    assert_eq!(after.header("last-modified"), http_date(live_at));
    assert_ne!(after.header("etag"), before.header("etag"));
    let revalidated = app
        .send(get_with(
            "/api/v1/articles",
            &[("If-None-Match", before.header("etag"))],
        ))
        .await
        .expect(200);
    assert_eq!(revalidated.header("etag"), after.header("etag"));
}

#[actix_web::test]
async fn anonymous_reads_are_public_and_reads_with_a_token_private() {
    let app = spawn().await;
    seeded(&app).await;
    let token = app.editor();
    for path in READS {
        let anonymous = app.get(path).await.expect(200);
        assert_eq!(anonymous.header("cache-control"), PUBLIC, "{path}");
        let editor = app.get_as(&token, path).await.expect(200);
        assert_eq!(
            editor.header("cache-control"),
            "private, no-store",
            "{path}"
        );
        assert!(editor.header("vary").contains("Authorization"), "{path}");
        let revalidated = app
            .send(
                get_with(path, &[("If-None-Match", editor.header("etag"))])
                    .insert_header(bearer(&token)),
            )
            .await;
        assert_eq!(revalidated.status.as_u16(), 304, "{path}");
        assert_eq!(revalidated.header("cache-control"), "private, no-store");
    }
}

#[actix_web::test]
async fn writes_errors_and_probes_are_never_stored() {
    let app = spawn().await;
    seeded(&app).await;
    let created = app
        .post(
            &app.editor(),
            "/api/v1/categories",
            json!({"name": "Sleep"}),
        )
        .await
        .expect(201);
    assert_eq!(created.header("cache-control"), "no-store");
    // A write's ETag is the new version (a validator for If-Match), not a cacheable body's tag.
    assert_eq!(created.header("etag"), "\"1\"");
    let missing = app
        .get("/api/v1/articles/no-such-article")
        .await
        .expect_problem(404, "not_found");
    assert_eq!(missing.header("cache-control"), "no-store");
    assert_eq!(missing.header("etag"), "");
    for probe in ["/healthz", "/readyz"] {
        let reply = app.get(probe).await.expect(200);
        assert_eq!(reply.header("cache-control"), "no-store", "{probe}");
        assert_eq!(reply.header("etag"), "", "{probe}");
    }
}

#[actix_web::test]
async fn cache_lifetimes_come_from_the_configuration() {
    let app = spawn_with(|config| {
        config.cache_max_age = 5;
        config.cache_swr = 30;
    })
    .await;
    seeded(&app).await;
    let reply = app.get("/api/v1/articles").await.expect(200);
    assert_eq!(
        reply.header("cache-control"),
        "public, max-age=5, stale-while-revalidate=30"
    );
}

#[actix_web::test]
async fn the_openapi_document_has_an_etag_and_revalidates() {
    let app = spawn().await;
    let full = app.get("/openapi.json").await.expect(200);
    assert!(full.header("etag").starts_with('"'));
    assert_eq!(full.header("cache-control"), PUBLIC);
    let again = app
        .send(get_with(
            "/openapi.json",
            &[("If-None-Match", full.header("etag"))],
        ))
        .await;
    assert_eq!(again.status.as_u16(), 304);
    assert!(again.raw.is_empty());
}

#[actix_web::test]
async fn if_match_accepts_the_etag_of_a_read() {
    let app = spawn().await;
    seeded(&app).await;
    let read = app.get_as(&app.editor(), ARTICLE).await.expect(200);
    let etag = read.header("etag").to_owned();
    assert!(etag.starts_with("\"1-"), "{etag}");
    let hash = etag.trim_start_matches("\"1-").trim_end_matches('"');
    let patch = |if_match: String| {
        TestRequest::patch()
            .uri(ARTICLE)
            .insert_header(bearer(&app.editor()))
            .insert_header(("If-Match", if_match))
            .set_json(json!({"title": "Sleep Better"}))
    };
    app.send(patch(format!("\"9-{hash}\"")))
        .await
        .expect_problem(412, "precondition_failed");
    app.send(patch(format!("W/{etag}")))
        .await
        .expect_problem(412, "precondition_failed");
    // A well-formed tag this server did not make never matches; a malformed one is a 400.
    app.send(patch("\"1-\"".to_owned()))
        .await
        .expect_problem(412, "precondition_failed");
    app.send(patch("\"1".to_owned()))
        .await
        .expect_problem(400, "bad_request");
    let updated = app.send(patch(etag)).await.expect(200);
    assert_eq!(updated.body["title"], "Sleep Better");
    assert_eq!(updated.header("etag"), "\"2\"");
}

/// An OPTIONS preflight from `origin` for `method` with `Authorization` and `Content-Type`.
fn preflight(path: &str, origin: &str, method: &str) -> TestRequest {
    TestRequest::default()
        .method(actix_web::http::Method::OPTIONS)
        .uri(path)
        .insert_header(("Origin", origin.to_owned()))
        .insert_header(("Access-Control-Request-Method", method.to_owned()))
        .insert_header((
            "Access-Control-Request-Headers",
            "authorization,content-type",
        ))
}

/// The lower-cased, trimmed names in a comma-separated header value.
fn names(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(|name| name.trim().to_ascii_lowercase())
        .collect()
}

#[actix_web::test]
async fn a_listed_origin_may_preflight_a_write_and_read_the_exposed_headers() {
    let app = spawn_with(|config| {
        config.cors_origins =
            CorsOrigins::parse("https://app.example, http://localhost:3000").expect("origins");
    })
    .await;
    seeded(&app).await;
    let allowed = app
        .send(preflight("/api/v1/articles", "https://app.example", "POST"))
        .await
        .expect(200);
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        "https://app.example"
    );
    let methods = names(allowed.header("access-control-allow-methods"));
    for method in ["get", "post", "patch", "put", "delete"] {
        assert!(methods.contains(&method.to_owned()), "{methods:?}");
    }
    let headers = names(allowed.header("access-control-allow-headers"));
    for header in [
        "authorization",
        "content-type",
        "if-match",
        "idempotency-key",
    ] {
        assert!(headers.contains(&header.to_owned()), "{headers:?}");
    }
    assert_eq!(allowed.header("access-control-max-age"), "600");

    let read = app
        .send(get_with(
            "/api/v1/articles",
            &[("Origin", "https://app.example")],
        ))
        .await
        .expect(200);
    assert_eq!(
        read.header("access-control-allow-origin"),
        "https://app.example"
    );
    let exposed = names(read.header("access-control-expose-headers"));
    for header in ["etag", "link", "x-total-count", "location"] {
        assert!(exposed.contains(&header.to_owned()), "{exposed:?}");
    }
    let vary = names(read.header("vary"));
    assert!(vary.contains(&"origin".to_owned()) && vary.contains(&"authorization".to_owned()));

    let cached = app
        .send(get_with(
            "/api/v1/articles",
            &[
                ("Origin", "https://app.example"),
                ("If-None-Match", read.header("etag")),
            ],
        ))
        .await;
    assert_eq!(cached.status.as_u16(), 304);
    assert_eq!(
        cached.header("access-control-allow-origin"),
        "https://app.example",
        "a 304 keeps the CORS headers"
    );

    let created = app
        .send(
            TestRequest::post()
                .uri("/api/v1/categories")
                .insert_header(("Origin", "http://localhost:3000"))
                .insert_header(bearer(&app.editor()))
                .set_json(json!({"name": "Sleep"})),
        )
        .await
        .expect(201);
    assert_eq!(
        created.header("access-control-allow-origin"),
        "http://localhost:3000"
    );
}

#[actix_web::test]
async fn an_unlisted_origin_gets_no_cors_headers() {
    let app = spawn_with(|config| {
        config.cors_origins = CorsOrigins::List(vec!["https://app.example".to_owned()]);
    })
    .await;
    seeded(&app).await;
    let read = app
        .send(get_with(
            "/api/v1/articles",
            &[("Origin", "https://evil.example")],
        ))
        .await
        .expect(200);
    assert_eq!(read.header("access-control-allow-origin"), "");
    let refused = app
        .send(preflight(
            "/api/v1/articles",
            "https://evil.example",
            "POST",
        ))
        .await;
    assert!(refused.status.is_client_error(), "{refused:?}");
    assert_eq!(refused.header("access-control-allow-origin"), "");
}

#[actix_web::test]
async fn any_origin_may_read_but_no_origin_may_write() {
    let app = spawn_with(|config| {
        config.cors_origins = CorsOrigins::parse("*").expect("origins");
    })
    .await;
    seeded(&app).await;
    for origin in ["https://one.example", "http://localhost:5173"] {
        let read = app
            .send(get_with(ARTICLE, &[("Origin", origin)]))
            .await
            .expect(200);
        let allowed = read.header("access-control-allow-origin");
        assert!(allowed == "*" || allowed == origin, "{allowed}");
        let get = app
            .send(preflight(ARTICLE, origin, "GET"))
            .await
            .expect(200);
        assert!(!get.header("access-control-allow-origin").is_empty());
    }
    for method in ["POST", "PATCH", "DELETE"] {
        let refused = app
            .send(preflight(ARTICLE, "https://one.example", method))
            .await;
        assert!(refused.status.is_client_error(), "{method}: {refused:?}");
        assert_eq!(refused.header("access-control-allow-origin"), "");
    }
}

#[actix_web::test]
async fn without_configured_origins_there_are_no_cors_headers() {
    let app = spawn().await;
    seeded(&app).await;
    let read = app
        .send(get_with(ARTICLE, &[("Origin", "https://app.example")]))
        .await
        .expect(200);
    assert_eq!(read.header("access-control-allow-origin"), "");
    assert_eq!(read.header("access-control-expose-headers"), "");
    let preflight = app
        .send(preflight(ARTICLE, "https://app.example", "GET"))
        .await;
    assert_eq!(preflight.header("access-control-allow-origin"), "");
    assert_eq!(preflight.header("access-control-allow-methods"), "");
}

#[actix_web::test]
async fn cors_origins_are_parsed_strictly() {
    assert_eq!(CorsOrigins::parse("").unwrap(), CorsOrigins::None);
    assert_eq!(CorsOrigins::parse(" * ").unwrap(), CorsOrigins::AnyReadOnly);
    assert_eq!(
        CorsOrigins::parse("https://www.example.org,http://localhost:3000").unwrap(),
        CorsOrigins::List(vec![
            "https://www.example.org".to_owned(),
            "http://localhost:3000".to_owned()
        ])
    );
    for bad in [
        "https://www.example.org/",
        "www.example.org",
        "*,https://a.example",
    ] {
        assert!(CorsOrigins::parse(bad).is_err(), "{bad}");
    }
}
