//! Tests: HTTP method semantics on every route, walked from the routing table (the documented
//! API and probes plus the reference: `/openapi.json`, `/docs`, `/docs/`, `/docs/{file}`) — HEAD
//! answers exactly like GET without a body, and any other method is a 405 problem with `Allow`.

use crate::common::{raw, serve, spawn, TestApp};
use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::Method;
use actix_web::test::TestRequest;
use serde_json::json;
use std::collections::BTreeMap;

/// Every routed path (API, probes, reference) with the methods it answers.
fn routes() -> BTreeMap<String, Vec<Method>> {
    let mut routes: BTreeMap<String, Vec<Method>> = BTreeMap::new();
    for (method, path) in healthhub::app::routed_operations()
        .into_iter()
        .chain(healthhub::app::reference_operations())
    {
        routes.entry(path).or_default().push(method);
    }
    routes
}

/// An article `sleep-basics` with one section, in category `health`: something for every
/// path parameter to name. Returns the section's id.
async fn seed<S, B>(app: &TestApp<S>) -> i64
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let category = app.category("Health", None).await["id"]
        .as_i64()
        .expect("id");
    let article = app
        .article(
            "Sleep Basics",
            category,
            json!({"status": "published", "published_at": "2025-01-01T00:00:00Z",
                   "sections": [{"heading": "Why", "body": "Because."}]}),
        )
        .await;
    article["sections"][0]["id"].as_i64().expect("section id")
}

/// `pattern` with each parameter replaced by something that exists.
fn concrete(pattern: &str, section: i64) -> String {
    pattern
        .replace("/categories/{id_or_slug}", "/categories/health")
        .replace("{id_or_slug}", "sleep-basics")
        .replace("{id}", &section.to_string())
        .replace("{file}", "swagger-ui.css")
}

/// Headers that legitimately differ between two answers to the same request.
const VOLATILE: [&str; 6] = [
    "date",
    "x-request-id",
    "ratelimit-remaining",
    "ratelimit-reset",
    "content-length",
    "transfer-encoding",
];

#[actix_web::test]
async fn head_answers_like_get_on_every_route_without_a_body() {
    let app = spawn().await;
    let section = seed(&app).await;
    let (addr, server) = serve(app.state.clone()).await;
    let gets: Vec<String> = routes()
        .into_iter()
        .filter(|(_, methods)| methods.contains(&Method::GET))
        .map(|(path, methods)| {
            assert!(
                methods.contains(&Method::HEAD),
                "{path} answers GET but not HEAD"
            );
            concrete(&path, section)
        })
        .collect();
    assert!(gets.len() >= 17, "{gets:?}");
    for path in gets {
        let ask = |method: &str| {
            format!("{method} {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
                .into_bytes()
        };
        let get = raw(addr, ask("GET")).await;
        let head = raw(addr, ask("HEAD")).await;
        assert_eq!(head.status, get.status, "HEAD {path}");
        assert!(head.body.is_empty(), "HEAD {path} sent a body");
        let stable = |headers: &[(String, String)]| {
            let mut kept: Vec<(String, String)> = headers
                .iter()
                .filter(|(name, _)| !VOLATILE.contains(&name.as_str()))
                .cloned()
                .collect();
            kept.sort();
            kept
        };
        assert_eq!(stable(&head.headers), stable(&get.headers), "HEAD {path}");
        // The metrics count the GET just made: their length moves between the two requests.
        if !head.header("content-length").is_empty() && path != "/metrics" {
            assert_eq!(
                head.header("content-length"),
                get.header("content-length"),
                "{path}"
            );
        }
    }
    server.stop(true).await;
}

#[actix_web::test]
async fn every_other_method_on_every_route_is_405_with_allow() {
    let app = spawn().await;
    let section = seed(&app).await;
    let token = app.editor();
    let all = [
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
        Method::OPTIONS,
        Method::TRACE,
    ];
    for (pattern, methods) in routes() {
        let path = concrete(&pattern, section);
        let mut allowed: Vec<&str> = methods.iter().map(Method::as_str).collect();
        allowed.sort_unstable();
        for method in all.iter().filter(|m| !methods.contains(m)) {
            let reply = app
                .send(
                    TestRequest::default()
                        .method(method.clone())
                        .uri(&path)
                        .insert_header(("Authorization", format!("Bearer {token}")))
                        .insert_header(("Content-Type", "application/json"))
                        .set_payload("{}"),
                )
                .await;
            let reply = reply.expect_problem(405, "method_not_allowed");
            let mut allow: Vec<&str> = reply.header("allow").split(", ").collect();
            allow.sort_unstable();
            assert_eq!(allow, allowed, "{method} {path}");
        }
    }
}
