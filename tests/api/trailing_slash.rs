//! Tests: a trailing slash on any route is a 308 to the path without it (query kept, any
//! method), never a way off the site; `GET /api/v1` is the documented index of the API.

use crate::common::spawn;
use actix_web::http::Method;
use actix_web::test::TestRequest;
use std::collections::BTreeSet;

/// Every routed path pattern (API, probes, reference), with its parameters filled in.
fn paths() -> BTreeSet<String> {
    healthhub::app::routed_operations()
        .into_iter()
        .chain(healthhub::app::reference_operations())
        .map(|(_, path)| {
            path.replace("{id_or_slug}", "sleep-basics")
                .replace("{id}", "7")
                .replace("{file}", "swagger-ui.css")
        })
        .collect()
}

#[actix_web::test]
async fn a_trailing_slash_on_every_route_redirects_permanently_without_it() {
    let app = spawn().await;
    let paths = paths();
    assert!(paths.len() >= 17, "{paths:?}");
    for path in paths {
        if path == "/docs" || path.ends_with('/') {
            // `/docs/` is Swagger UI's own address (its page loads files relative to it).
            continue;
        }
        for (slashes, query) in [("/", ""), ("//", "?page=2&q=a%2Fb%20c")] {
            for method in [Method::GET, Method::HEAD, Method::POST, Method::DELETE] {
                let uri = format!("{path}{slashes}{query}");
                let reply = app
                    .send(TestRequest::default().method(method.clone()).uri(&uri))
                    .await;
                assert_eq!(
                    reply.status.as_u16(),
                    308,
                    "{method} {uri}: {:?}",
                    reply.body
                );
                assert_eq!(reply.header("location"), format!("{path}{query}"), "{uri}");
            }
        }
    }
}

#[actix_web::test]
async fn a_trailing_slash_never_redirects_off_the_site_or_past_the_root() {
    let app = spawn().await;
    for uri in ["/", "//", "///", "//evil.example/", "//evil.example//"] {
        let reply = app.get(uri).await;
        assert_ne!(reply.status.as_u16(), 308, "{uri}");
        assert!(!reply.header("location").starts_with("//"), "{uri}");
    }
    // A path no route knows, slash or not, ends in a 404 after at most one redirect.
    let redirected = app.get("/api/v1/nope/").await;
    assert_eq!(redirected.status.as_u16(), 308);
    app.get(redirected.header("location"))
        .await
        .expect_problem(404, "not_found");
}

#[actix_web::test]
async fn the_api_index_links_every_collection_the_document_and_the_docs() {
    let app = spawn().await;
    let slash = app.get("/api/v1/").await;
    assert_eq!(slash.status.as_u16(), 308);
    assert_eq!(slash.header("location"), "/api/v1");
    let index = app.get("/api/v1").await.expect(200);
    assert_eq!(index.header("content-type"), "application/json");
    let links = index.body["links"].as_object().expect("links");
    for name in [
        "self",
        "categories",
        "category_tree",
        "articles",
        "search",
        "whoami",
        "openapi",
        "docs",
    ] {
        let url = links[name].as_str().expect(name);
        // Search needs something to search for.
        let asked = if name == "search" {
            format!("{url}?q=sleep")
        } else {
            url.to_owned()
        };
        let status = app.get(&asked).await.status.as_u16();
        let expected = if ["whoami", "changes"].contains(&name) {
            401
        } else {
            200
        };
        assert_eq!(status, expected, "{name}: {url}");
    }
    // Every collection the document lists (a GET path without parameters) is linked.
    let document = app.get("/openapi.json").await.expect(200).body;
    let linked: BTreeSet<&str> = links.values().filter_map(|v| v.as_str()).collect();
    for path in document["paths"].as_object().expect("paths").keys() {
        if path.starts_with("/api/v1") && !path.contains('{') {
            assert!(linked.contains(path.as_str()), "{path} is not in the index");
        }
    }
    // The templates name routed paths.
    let routed: BTreeSet<String> = healthhub::app::routed_operations()
        .into_iter()
        .map(|(_, path)| path)
        .collect();
    for template in index.body["templates"]
        .as_object()
        .expect("templates")
        .values()
    {
        let template = template.as_str().expect("a template");
        assert!(routed.contains(template), "{template}");
    }
    let operation = &document["paths"]["/api/v1"]["get"];
    assert_eq!(
        operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/ApiIndex"
    );
}
