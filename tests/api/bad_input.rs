//! Tests: malformed, invalid and oversize input, bad query strings and routing mistakes each get their 4xx problem+json and write nothing.

use crate::common::{bearer, spawn, Reply, TestApp};
use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::Method;
use actix_web::test::TestRequest;
use serde_json::{json, Value};

const ARTICLES: &str = "/api/v1/articles";

/// A fresh app with one category; returns the app and the category id.
async fn app_with_category() -> (
    TestApp<
        impl Service<Request, Response = ServiceResponse<impl MessageBody>, Error = actix_web::Error>,
    >,
    i64,
) {
    let app = spawn().await;
    let id = app.category("Health", None).await["id"]
        .as_i64()
        .expect("category id");
    (app, id)
}

/// A valid create body in `category_id` with `extra` fields merged in (overriding).
fn article_body(category_id: i64, extra: Value) -> Value {
    let mut body = json!({"title": "Sleep Cycles Explained", "category_id": category_id});
    if let (Some(target), Some(fields)) = (body.as_object_mut(), extra.as_object()) {
        target.extend(fields.clone());
    }
    body
}

/// An editor's `POST /api/v1/articles` carrying `bytes`, with `content_type` when given.
fn raw_create<S, B>(app: &TestApp<S>, content_type: Option<&str>, bytes: Vec<u8>) -> TestRequest
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let request = TestRequest::post()
        .uri(ARTICLES)
        .insert_header(bearer(&app.editor()))
        .set_payload(bytes);
    match content_type {
        Some(value) => request.insert_header(("Content-Type", value)),
        None => request,
    }
}

/// An editor's `POST /api/v1/articles` with the JSON `body`.
fn json_create<S, B>(app: &TestApp<S>, body: Value) -> TestRequest
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    TestRequest::post()
        .uri(ARTICLES)
        .insert_header(bearer(&app.editor()))
        .set_json(body)
}

/// Sends `request`, asserts a `status` problem with `code`, and that no article or section was stored.
async fn refused<S, B>(app: &TestApp<S>, request: TestRequest, status: u16, code: &str) -> Reply
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let before = (app.count("articles"), app.count("sections"));
    let reply = app.send(request).await.expect_problem(status, code);
    let after = (app.count("articles"), app.count("sections"));
    assert_eq!(
        after, before,
        "a refused request wrote (articles, sections)"
    );
    reply
}

/// Creates `body` and asserts a 422 naming exactly `fields`, with nothing stored.
async fn assert_invalid<S, B>(app: &TestApp<S>, body: Value, fields: &[&str])
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let reply = refused(app, json_create(app, body), 422, "validation_failed").await;
    assert_eq!(reply.error_fields(), fields, "{}", reply.body);
}

/// Asserts `GET /api/v1/articles?{query}` is a 400 problem; returns it.
async fn bad_list_query<S, B>(app: &TestApp<S>, query: &str) -> Reply
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let reply = app.get(&format!("{ARTICLES}?{query}")).await;
    assert_eq!(reply.status.as_u16(), 400, "?{query}: {}", reply.body);
    reply.expect_problem(400, "bad_request")
}

#[actix_web::test]
async fn an_empty_title_is_422_on_title() {
    let (app, health) = app_with_category().await;
    assert_invalid(&app, article_body(health, json!({"title": ""})), &["title"]).await;
}

#[actix_web::test]
async fn a_title_of_only_spaces_is_422_on_title() {
    let (app, health) = app_with_category().await;
    assert_invalid(
        &app,
        article_body(health, json!({"title": "   "})),
        &["title"],
    )
    .await;
}

#[actix_web::test]
async fn a_subtitle_with_a_line_break_is_422_on_subtitle() {
    let (app, health) = app_with_category().await;
    let body = article_body(health, json!({"subtitle": "first line\nsecond line"}));
    assert_invalid(&app, body, &["subtitle"]).await;
}

#[actix_web::test]
async fn a_section_heading_over_500_characters_is_422_on_that_heading() {
    let (app, health) = app_with_category().await;
    let section = json!({"heading": "h".repeat(501), "body": "Text."});
    let body = article_body(health, json!({"sections": [section]}));
    assert_invalid(&app, body, &["sections[0].heading"]).await;
}

#[actix_web::test]
async fn a_section_body_over_200000_characters_is_422_on_that_body() {
    let (app, health) = app_with_category().await;
    let section = json!({"heading": "Introduction", "body": "b".repeat(200_001)});
    let body = article_body(health, json!({"sections": [section]}));
    assert_invalid(&app, body, &["sections[0].body"]).await;
}

#[actix_web::test]
async fn an_unknown_category_is_409_on_category_id() {
    // The id is well-formed; no category has it now (state, not data).
    let (app, health) = app_with_category().await;
    let body = article_body(health + 1000, json!({}));
    let reply = refused(&app, json_create(&app, body), 409, "state_conflict").await;
    assert_eq!(reply.error_fields(), ["category_id"], "{}", reply.body);
}

#[actix_web::test]
async fn a_category_id_of_the_wrong_type_is_422_on_category_id() {
    let (app, health) = app_with_category().await;
    let body = article_body(health, json!({"category_id": "x"}));
    assert_invalid(&app, body, &["category_id"]).await;
}

#[actix_web::test]
async fn an_unknown_field_is_422_naming_it() {
    let (app, health) = app_with_category().await;
    let body = article_body(health, json!({"colour": "blue"}));
    assert_invalid(&app, body, &["colour"]).await;
}

#[actix_web::test]
async fn a_missing_title_is_422_on_title() {
    let (app, health) = app_with_category().await;
    assert_invalid(&app, json!({"category_id": health}), &["title"]).await;
}

#[actix_web::test]
async fn a_duplicate_key_is_422_naming_it() {
    let (app, health) = app_with_category().await;
    let bytes = format!(r#"{{"title": "One", "title": "Two", "category_id": {health}}}"#);
    let request = raw_create(&app, Some("application/json"), bytes.into_bytes());
    let reply = refused(&app, request, 422, "validation_failed").await;
    assert_eq!(reply.error_fields(), ["title"]);
}

#[actix_web::test]
async fn a_category_id_beyond_i64_is_a_client_error_problem() {
    let (app, _) = app_with_category().await;
    let bytes = br#"{"title": "Huge", "category_id": 99999999999999999999999}"#.to_vec();
    let before = app.count("articles");
    let reply = app
        .send(raw_create(&app, Some("application/json"), bytes))
        .await;
    assert!(
        reply.status.is_client_error(),
        "{}: {}",
        reply.status,
        reply.body
    );
    assert_eq!(reply.header("content-type"), "application/problem+json");
    assert_eq!(reply.body["status"], reply.status.as_u16());
    assert_eq!(app.count("articles"), before);
}

#[actix_web::test]
async fn a_body_that_is_not_json_is_400() {
    let (app, _) = app_with_category().await;
    let request = raw_create(
        &app,
        Some("application/json"),
        b"{title: 'no quotes'}".to_vec(),
    );
    refused(&app, request, 400, "bad_request").await;
}

#[actix_web::test]
async fn a_json_array_body_is_400() {
    let (app, health) = app_with_category().await;
    let bytes = serde_json::to_vec(&json!([article_body(health, json!({}))])).expect("json");
    let request = raw_create(&app, Some("application/json"), bytes);
    refused(&app, request, 400, "bad_request").await;
}

#[actix_web::test]
async fn trailing_data_after_the_json_object_is_400() {
    let (app, health) = app_with_category().await;
    let mut bytes = serde_json::to_vec(&article_body(health, json!({}))).expect("json");
    bytes.extend_from_slice(b" trailing");
    let request = raw_create(&app, Some("application/json"), bytes);
    refused(&app, request, 400, "bad_request").await;
}

#[actix_web::test]
async fn invalid_utf8_in_the_body_is_400() {
    let (app, health) = app_with_category().await;
    let mut bytes = b"{\"title\": \"bad ".to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe]);
    bytes.extend_from_slice(format!("\", \"category_id\": {health}}}").as_bytes());
    let request = raw_create(&app, Some("application/json"), bytes);
    refused(&app, request, 400, "bad_request").await;
}

#[actix_web::test]
async fn a_body_without_content_type_is_415() {
    let (app, health) = app_with_category().await;
    let bytes = serde_json::to_vec(&article_body(health, json!({}))).expect("json");
    refused(
        &app,
        raw_create(&app, None, bytes),
        415,
        "unsupported_media_type",
    )
    .await;
}

#[actix_web::test]
async fn a_text_plain_body_is_415() {
    let (app, health) = app_with_category().await;
    let bytes = serde_json::to_vec(&article_body(health, json!({}))).expect("json");
    let request = raw_create(&app, Some("text/plain"), bytes);
    refused(&app, request, 415, "unsupported_media_type").await;
}

#[actix_web::test]
async fn a_two_megabyte_body_is_413() {
    let (app, health) = app_with_category().await;
    let body = article_body(health, json!({"excerpt": "x".repeat(2 * 1024 * 1024)}));
    let bytes = serde_json::to_vec(&body).expect("json");
    let request = raw_create(&app, Some("application/json"), bytes);
    refused(&app, request, 413, "payload_too_large").await;
}

#[actix_web::test]
async fn per_page_outside_1_to_100_is_400() {
    let app = spawn().await;
    for query in ["per_page=0", "per_page=101"] {
        bad_list_query(&app, query).await;
    }
}

#[actix_web::test]
async fn a_page_below_1_is_400() {
    let app = spawn().await;
    for query in ["page=0", "page=-1"] {
        bad_list_query(&app, query).await;
    }
}

#[actix_web::test]
async fn a_page_that_is_not_a_number_is_400() {
    let app = spawn().await;
    bad_list_query(&app, "page=abc").await;
}

#[actix_web::test]
async fn an_unknown_query_parameter_is_400_naming_it() {
    let app = spawn().await;
    let reply = bad_list_query(&app, "foo=1").await;
    let detail = reply.body["detail"].as_str().expect("detail");
    assert!(detail.contains("foo"), "{detail}");
}

#[actix_web::test]
async fn an_unknown_status_filter_is_400() {
    let app = spawn().await;
    bad_list_query(&app, "status=bogus").await;
}

#[actix_web::test]
async fn an_unsupported_method_on_the_article_list_is_405_with_allow() {
    let app = spawn().await;
    let reply = app
        .put(
            &app.editor(),
            ARTICLES,
            json!({"title": "Replace everything"}),
        )
        .await
        .expect_problem(405, "method_not_allowed");
    assert_eq!(reply.header("allow"), "GET, HEAD, POST");
    assert_eq!(app.count("articles"), 0);
}

#[actix_web::test]
async fn an_unsupported_method_on_healthz_is_405() {
    let app = spawn().await;
    let reply = app
        .send(TestRequest::delete().uri("/healthz"))
        .await
        .expect_problem(405, "method_not_allowed");
    assert_eq!(reply.header("allow"), "GET, HEAD");
}

#[actix_web::test]
async fn head_is_answered_wherever_get_is() {
    let app = spawn().await;
    for path in [ARTICLES, "/healthz"] {
        let request = TestRequest::default().method(Method::HEAD).uri(path);
        let reply = app.send(request).await;
        assert_eq!(reply.status.as_u16(), 200, "HEAD {path}: {}", reply.body);
    }
}

#[actix_web::test]
async fn unknown_paths_are_404_problems() {
    let app = spawn().await;
    for path in ["/api/v1/nope", "/nope"] {
        let reply = app.get(path).await;
        assert_eq!(reply.status.as_u16(), 404, "GET {path}: {}", reply.body);
        reply.expect_problem(404, "not_found");
    }
}

#[actix_web::test]
async fn an_article_id_beyond_any_integer_is_404() {
    let app = spawn().await;
    app.get("/api/v1/articles/99999999999999999999")
        .await
        .expect_problem(404, "not_found");
}

/// Creates an article; returns its slug.
async fn article_slug<S, B>(app: &TestApp<S>, category_id: i64) -> String
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    app.article("Sleep Cycles Explained", category_id, json!({}))
        .await["slug"]
        .as_str()
        .expect("slug")
        .to_owned()
}

/// An editor's PATCH of the article `slug` with `If-Match: if_match`.
fn patch_if_match<S, B>(app: &TestApp<S>, slug: &str, if_match: &str, body: Value) -> TestRequest
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    TestRequest::patch()
        .uri(&format!("{ARTICLES}/{slug}"))
        .insert_header(bearer(&app.editor()))
        .insert_header(("If-Match", if_match))
        .set_json(body)
}

#[actix_web::test]
async fn a_patch_with_a_stale_if_match_is_412_and_changes_nothing() {
    let (app, health) = app_with_category().await;
    let slug = article_slug(&app, health).await;
    let path = format!("{ARTICLES}/{slug}");
    let before = app.get_as(&app.editor(), &path).await.expect(200);
    let request = patch_if_match(&app, &slug, "\"999\"", json!({"title": "Lost Update"}));
    app.send(request)
        .await
        .expect_problem(412, "precondition_failed");
    let after = app.get_as(&app.editor(), &path).await.expect(200);
    assert_eq!(after.body, before.body);
    assert_eq!(after.header("etag"), before.header("etag"));
}

#[actix_web::test]
async fn a_patch_with_the_current_if_match_succeeds_with_a_new_etag() {
    let (app, health) = app_with_category().await;
    let slug = article_slug(&app, health).await;
    let current = app
        .get_as(&app.editor(), &format!("{ARTICLES}/{slug}"))
        .await
        .expect(200);
    let etag = current.header("etag").to_owned();
    assert!(etag.starts_with(&format!("\"{}-", current.body["version"])));
    let request = patch_if_match(
        &app,
        &slug,
        &etag,
        json!({"title": "Sleep Cycles, Revised"}),
    );
    let updated = app.send(request).await.expect(200);
    assert_eq!(updated.body["title"], "Sleep Cycles, Revised");
    assert_eq!(
        updated.header("etag"),
        format!("\"{}\"", updated.body["version"])
    );
    assert_ne!(updated.header("etag"), etag);
}

#[actix_web::test]
async fn an_explicit_slug_already_taken_is_409() {
    let (app, health) = app_with_category().await;
    let slug = article_slug(&app, health).await;
    let body = article_body(health, json!({"title": "Another", "slug": slug}));
    refused(&app, json_create(&app, body), 409, "conflict").await;
}

#[actix_web::test]
async fn an_all_digit_slug_is_422_on_slug() {
    let (app, health) = app_with_category().await;
    assert_invalid(
        &app,
        article_body(health, json!({"slug": "123"})),
        &["slug"],
    )
    .await;
}

#[actix_web::test]
async fn an_unknown_query_parameter_on_a_write_is_400_and_writes_nothing() {
    let app = spawn().await;
    app.post(
        &app.editor(),
        "/api/v1/categories?filter[title]=x",
        json!({"name": "Hostile"}),
    )
    .await
    .expect_problem(400, "bad_request");
    assert_eq!(app.count("categories"), 0);
}

#[actix_web::test]
async fn a_deleted_article_id_is_never_given_to_a_new_article() {
    let app = spawn().await;
    let health = app.category("Health", None).await;
    let category = health["id"].as_i64().unwrap();
    let first = app.article("First", category, json!({})).await;
    app.delete(&app.editor(), &format!("/api/v1/articles/{}", first["id"]))
        .await
        .expect(204);
    let second = app.article("Second", category, json!({})).await;
    assert_ne!(first["id"], second["id"]);
}

#[actix_web::test]
async fn a_compressed_request_body_is_a_415_naming_the_coding() {
    let (app, health) = app_with_category().await;
    for coding in ["gzip", "br", "deflate"] {
        let reply = app
            .send(
                TestRequest::post()
                    .uri(ARTICLES)
                    .insert_header(bearer(&app.editor()))
                    .insert_header(("Content-Encoding", coding))
                    .set_json(article_body(health, json!({}))),
            )
            .await
            .expect_problem(415, "unsupported_media_type");
        assert!(reply.body["detail"].as_str().unwrap().contains(coding));
    }
    assert_eq!(app.count("articles"), 0);
}

#[actix_web::test]
async fn a_nul_character_anywhere_in_a_url_names_nothing_and_never_fails() {
    // `%00` can be in no slug, key or stored text (PostgreSQL cannot even compare text holding
    // one): a path segment holding it names nothing and a parameter matches what it means, on
    // both backends alike; never a server error.
    let app = spawn().await;
    let token = app.editor();
    for (method, path) in healthhub::app::routed_operations() {
        if !path.starts_with("/api/") {
            continue;
        }
        let with_nul = path
            .split('/')
            .map(|part| if part.starts_with('{') { "a%00b" } else { part })
            .collect::<Vec<_>>()
            .join("/");
        let concrete = path
            .split('/')
            .map(|part| if part.starts_with('{') { "1" } else { part })
            .collect::<Vec<_>>()
            .join("/");
        for target in [
            with_nul,
            format!("{concrete}?q=a%00b"),
            format!("{concrete}?category=a%00b"),
        ] {
            let reply = app
                .send(
                    TestRequest::default()
                        .method(method.clone())
                        .uri(&target)
                        .insert_header(bearer(&token)),
                )
                .await;
            assert!(
                reply.status.is_client_error() || reply.status.is_success(),
                "{method} {target}: {} {}",
                reply.status,
                reply.body
            );
        }
    }
    app.get("/api/v1/articles/a%00b")
        .await
        .expect_problem(404, "not_found");
}

#[actix_web::test]
async fn a_text_filter_holding_a_nul_matches_what_it_means() {
    let (app, category) = app_with_category().await;
    let token = app.editor();
    for title in ["Apple", "Banana", "Cherry"] {
        app.send(json_create(
            &app,
            article_body(category, json!({"title": title})),
        ))
        .await
        .expect(201);
    }
    let titles = |query: &'static str| {
        let app = &app;
        let token = token.clone();
        async move {
            let reply = app
                .get_as(&token, &format!("/api/v1/articles?sort=title&{query}"))
                .await
                .expect(200);
            reply.body["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|item| item["title"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert!(titles("filter[title][eq]=Banana%00").await.is_empty());
    assert!(titles("filter[title][contains]=an%00").await.is_empty());
    assert!(titles("filter[slug][starts_with]=b%00").await.is_empty());
    assert_eq!(titles("filter[title][ne]=Banana%00").await.len(), 3);
    assert_eq!(
        titles("filter[slug][in]=cherry,banana%00").await,
        ["Cherry"]
    );
    assert!(titles("filter[slug][in]=banana%00").await.is_empty());
}

#[actix_web::test]
async fn a_nul_character_in_any_text_field_is_422_naming_it() {
    let (app, category) = app_with_category().await;
    assert_invalid(
        &app,
        article_body(
            category,
            json!({"excerpt": "a\u{0}b", "subtitle": "c\u{0}d",
                   "sections": [{"heading": "H", "body": "x\u{0}y"}]}),
        ),
        &["subtitle", "excerpt", "sections[0].body"],
    )
    .await;
    let token = app.editor();
    app.send(
        TestRequest::post()
            .uri("/api/v1/categories")
            .insert_header(bearer(&token))
            .set_json(json!({"name": "N", "description": "a\u{0}b"})),
    )
    .await
    .expect_problem(422, "validation_failed");
}

/// Percent-encoded bytes that are not UTF-8: a lone continuation byte, a truncated sequence, an
/// overlong `/`, a UTF-16 surrogate, a 5-byte form.
const NOT_UTF8: [&str; 5] = ["%FF", "%C3", "%C0%AF", "%ED%A0%80", "%F8%88%80%80%80"];

#[actix_web::test]
async fn bytes_that_are_not_utf8_anywhere_in_a_url_are_400_on_every_route_and_write_nothing() {
    // The rule: every path parameter, query name and query value is UTF-8 text, so a URL whose
    // path or query percent-decodes to anything else is refused, whatever the route or method,
    // before it is looked up, cached or written (never read with U+FFFD in the bytes' place).
    let (app, category) = app_with_category().await;
    app.send(json_create(
        &app,
        article_body(category, json!({"title": "Kept"})),
    ))
    .await
    .expect(201);
    let token = app.editor();
    let writes_before = (
        app.count("articles"),
        app.count("sections"),
        app.count("categories"),
    );
    let operations: Vec<(Method, String)> = healthhub::app::routed_operations()
        .into_iter()
        .chain(healthhub::app::reference_operations())
        .collect();
    // Each operation gets each kind of target, with the bad bytes taken in turn from
    // `NOT_UTF8` (every combination would spend the test's write quota).
    let mut turn = NOT_UTF8.iter().cycle();
    for (method, path) in operations {
        let concrete = |with: &str| {
            path.split('/')
                .map(|part| if part.starts_with('{') { with } else { part })
                .collect::<Vec<_>>()
                .join("/")
        };
        let mut bad = || turn.next().expect("cycle");
        let mut targets = vec![
            format!("{}?q={}", concrete("1"), bad()),
            format!("{}?{}=1", concrete("1"), bad()),
            format!("{}?page=1&x=a{}b", concrete("1"), bad()),
        ];
        if path.contains('{') {
            targets.push(concrete(&format!("a{}", bad())));
        }
        for target in targets {
            let reply = app
                .send(
                    TestRequest::default()
                        .method(method.clone())
                        .uri(&target)
                        .insert_header(bearer(&token))
                        .set_json(json!({"title": "Never"})),
                )
                .await
                .expect_problem(400, "bad_request");
            assert!(
                reply.body["detail"]
                    .as_str()
                    .is_some_and(|detail| detail.contains("not UTF-8")),
                "{method} {target}: {}",
                reply.body
            );
        }
    }
    let writes_after = (
        app.count("articles"),
        app.count("sections"),
        app.count("categories"),
    );
    assert_eq!(writes_after, writes_before);
}

#[actix_web::test]
async fn utf8_text_percent_encoded_anywhere_in_a_url_is_read_as_that_text() {
    let (app, category) = app_with_category().await;
    app.send(json_create(&app, article_body(
            category,
            json!({"title": "Été à Paris", "status": "published", "published_at": "2025-01-01T00:00:00Z"}),
        )))
        .await
        .expect(201);
    let found = app
        .get("/api/v1/articles?filter%5Btitle%5D%5Bcontains%5D=%C3%A0%20Paris")
        .await
        .expect(200);
    assert_eq!(found.body["meta"]["total"], 1, "{}", found.body);
    // A slug in UTF-8 that names nothing is looked up as written: a 404, not a 400.
    let missing = app
        .get("/api/v1/articles/%C3%A9t%C3%A9")
        .await
        .expect_problem(404, "not_found");
    assert!(missing.body["detail"]
        .as_str()
        .unwrap_or_default()
        .contains("été"));
}
