//! Tests: every CORS refusal (origin, method, request header, malformed preflight) is a
//! problem+json 4xx whose `detail` names what was refused and whose `code` says which kind.

use crate::common::{spawn_with, Reply, TestApp};
use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::Method;
use actix_web::test::TestRequest;
use healthhub::config::CorsOrigins;

const LISTED: &str = "https://app.example";
const PATHS: [&str; 4] = [
    "/api/v1/articles",
    "/api/v1/categories/tree",
    "/openapi.json",
    "/healthz",
];

/// A preflight of `path` from `origin` asking for `method` and `headers` (none when empty).
fn preflight(path: &str, origin: &str, method: &str, headers: &str) -> TestRequest {
    let request = TestRequest::default()
        .method(Method::OPTIONS)
        .uri(path)
        .insert_header(("Origin", origin.to_owned()))
        .insert_header(("Access-Control-Request-Method", method.to_owned()));
    if headers.is_empty() {
        request
    } else {
        request.insert_header(("Access-Control-Request-Headers", headers.to_owned()))
    }
}

/// Asserts `reply` is the refusal `code` with `status`, naming every one of `named` and granting
/// nothing.
#[track_caller]
fn assert_refused(reply: Reply, status: u16, code: &str, named: &[&str]) {
    let reply = reply.expect_problem(status, code);
    let detail = reply.body["detail"].as_str().expect("detail");
    for name in named {
        assert!(detail.contains(name), "{detail} should name {name}");
    }
    assert_eq!(reply.header("access-control-allow-origin"), "");
    assert_eq!(reply.header("access-control-allow-methods"), "");
}

async fn listed() -> TestApp<
    impl Service<Request, Response = ServiceResponse<impl MessageBody>, Error = actix_web::Error>,
> {
    spawn_with(|config| config.cors_origins = CorsOrigins::List(vec![LISTED.to_owned()])).await
}

#[actix_web::test]
async fn an_unlisted_origin_is_refused_by_name_on_every_preflight() {
    let app = listed().await;
    for path in PATHS {
        for origin in ["https://evil.example", "http://app.example", "null"] {
            for method in ["GET", "POST"] {
                let reply = app.send(preflight(path, origin, method, "")).await;
                assert_refused(reply, 403, "cors_origin_not_allowed", &[origin]);
            }
        }
    }
}

#[actix_web::test]
async fn a_method_outside_the_policy_is_refused_by_name() {
    let listed = listed().await;
    for method in ["TRACE", "CONNECT", "PROPFIND"] {
        let reply = listed
            .send(preflight("/api/v1/articles", LISTED, method, ""))
            .await;
        assert_refused(reply, 403, "cors_method_not_allowed", &[method, "GET"]);
    }
    let any = spawn_with(|config| config.cors_origins = CorsOrigins::AnyReadOnly).await;
    for path in PATHS {
        for method in ["POST", "PUT", "PATCH", "DELETE"] {
            let reply = any
                .send(preflight(path, "https://one.example", method, ""))
                .await;
            assert_refused(
                reply,
                403,
                "cors_method_not_allowed",
                &[method, "GET, HEAD"],
            );
        }
    }
}

#[actix_web::test]
async fn a_request_header_outside_the_policy_is_refused_by_name() {
    let app = listed().await;
    for path in PATHS {
        let one = app
            .send(preflight(path, LISTED, "GET", "authorization, x-debug"))
            .await;
        assert_refused(
            one,
            403,
            "cors_header_not_allowed",
            &["'x-debug'", "authorization"],
        );
        let two = app
            .send(preflight(
                path,
                LISTED,
                "POST",
                "Cookie,content-type,X-Api-Key",
            ))
            .await;
        assert_refused(
            two,
            403,
            "cors_header_not_allowed",
            &["Cookie", "X-Api-Key"],
        );
        // What is allowed is still allowed.
        app.send(preflight(
            path,
            LISTED,
            "POST",
            "authorization,content-type,idempotency-key",
        ))
        .await
        .expect(200);
    }
}

#[actix_web::test]
async fn a_malformed_preflight_is_a_bad_request_problem() {
    let app = listed().await;
    let reply = app
        .send(preflight(
            "/api/v1/articles",
            LISTED,
            "GET",
            "bad header name",
        ))
        .await;
    assert_refused(
        reply,
        400,
        "cors_bad_preflight",
        &["Access-Control-Request-Headers"],
    );
}
