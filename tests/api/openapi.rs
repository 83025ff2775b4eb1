//! Tests: the OpenAPI document is committed, current, served, matches the routes, and `/docs` works offline.

use crate::common::spawn;
use actix_web::test::TestRequest;
use serde_json::Value;
use std::path::Path;

const COMMITTED: &str = "openapi/openapi.json";

/// Fails when `openapi/openapi.json` differs from what the code generates.
/// `UPDATE_OPENAPI=1 cargo test` (or `healthhub openapi > openapi/openapi.json`) rewrites it.
#[actix_web::test]
async fn committed_document_matches_the_generated_one() {
    let generated = healthhub::openapi::to_pretty_json().expect("serialize the document");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(COMMITTED);
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).expect("write the document");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{COMMITTED} is stale: run `UPDATE_OPENAPI=1 cargo test --test api openapi` and commit it"
    );
}

#[actix_web::test]
async fn served_document_is_the_generated_openapi_3_1_document() {
    let app = spawn().await;
    let served = app.get("/openapi.json").await.expect(200);
    let generated: Value =
        serde_json::from_str(&healthhub::openapi::to_pretty_json().unwrap()).unwrap();
    assert_eq!(served.body, generated);
    assert_eq!(served.body["openapi"], "3.1.0");
    assert_eq!(
        served.body["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
}

fn operations(document: &Value) -> Vec<(String, String)> {
    document["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .expect("path item")
                .keys()
                .map(move |method| (method.to_uppercase(), path.clone()))
        })
        .collect()
}

#[actix_web::test]
async fn every_documented_operation_is_routed() {
    let app = spawn().await;
    let document = app.get("/openapi.json").await.expect(200).body;
    let operations = operations(&document);
    assert_eq!(operations.len(), 62, "{operations:?}");
    let token = app.editor();
    for (method, path) in operations {
        let uri = path
            .replace("{id_or_slug}", "no-such-thing")
            .replace("{id}", "999")
            .replace("{version}", "1")
            .replace("{delivery_id}", "999");
        let request = TestRequest::default()
            .method(method.parse().unwrap())
            .uri(&uri)
            .insert_header(("Authorization", format!("Bearer {token}")))
            .insert_header(("Content-Type", "application/json"))
            .set_payload("{}");
        let reply = app.send(request).await;
        assert_ne!(reply.status.as_u16(), 405, "{method} {uri} is not routed");
        assert_ne!(
            reply.body["detail"], "no route matches this path",
            "{method} {uri} is not routed"
        );
        let documented = &document["paths"][&path][method.to_lowercase()]["responses"];
        assert!(
            documented.get(reply.status.as_str()).is_some(),
            "{method} {uri} answered {} which its operation does not document",
            reply.status
        );
    }
}

/// The reverse of the test above: every operation the app routes has its operation in the
/// document. A HEAD is documented by the GET it answers like (RFC 9110 §9.3.2).
#[actix_web::test]
async fn every_routed_operation_is_documented() {
    let document: Value =
        serde_json::from_str(&healthhub::openapi::to_pretty_json().unwrap()).unwrap();
    let routed = healthhub::app::routed_operations();
    assert!(routed.len() >= 25, "{routed:?}");
    let mut undocumented = Vec::new();
    for (method, path) in &routed {
        let documented_as = if method == actix_web::http::Method::HEAD {
            "get".to_owned()
        } else {
            method.as_str().to_lowercase()
        };
        if document["paths"][path][&documented_as].is_null() {
            undocumented.push(format!("{method} {path}"));
        }
    }
    assert!(
        undocumented.is_empty(),
        "routed but not documented: {undocumented:?}"
    );
    let mut documented = operations(&document);
    documented.sort();
    let mut routed: Vec<(String, String)> = routed
        .into_iter()
        .filter(|(method, _)| method != actix_web::http::Method::HEAD)
        .map(|(method, path)| (method.to_string(), path))
        .collect();
    routed.sort();
    assert_eq!(
        routed, documented,
        "the routes and the document list the same operations"
    );
}

#[actix_web::test]
async fn write_operations_require_the_bearer_scheme() {
    let app = spawn().await;
    let document = app.get("/openapi.json").await.expect(200).body;
    for (method, path) in operations(&document) {
        let security = &document["paths"][&path][method.to_lowercase()]["security"];
        let anonymous_allowed = security.as_array().is_none_or(|s| {
            s.iter()
                .any(|r| r.as_object().is_some_and(|o| o.is_empty()))
        });
        let editors_only = ["/api/v1/auth/whoami", "/api/v1/changes"];
        let is_public = (method == "GET"
            && !editors_only.contains(&path.as_str())
            && !path.contains("/revisions")
            && !path.contains("/previews")
            && !path.starts_with("/api/v1/webhooks"))
            || path.ends_with("/views");
        assert_eq!(anonymous_allowed, is_public, "{method} {path}: {security}");
    }
}

#[actix_web::test]
async fn docs_page_loads_only_local_assets() {
    let app = spawn().await;
    let redirect = app.get("/docs").await.expect(308);
    assert_eq!(redirect.header("location"), "/docs/");
    let page = app.get("/docs/").await.expect(200);
    let html = String::from_utf8(page.raw).unwrap();
    let assets: Vec<&str> = html
        .split(['"', '\''])
        .filter(|s| s.ends_with(".js") || s.ends_with(".css") || s.ends_with(".png"))
        .collect();
    assert!(assets.len() >= 4, "{assets:?}");
    assert!(!html.contains("http://") && !html.contains("https://"));
    for asset in assets {
        let path = format!("/docs/{}", asset.trim_start_matches("./"));
        let reply = app.get(&path).await.expect(200);
        let text = String::from_utf8_lossy(&reply.raw);
        if path.ends_with("swagger-initializer.js") {
            assert!(text.contains("/openapi.json"), "{text}");
        }
    }
}

/// Every documented path, with each path parameter at the longest value its schema admits, fits
/// the server's path limit: a client sending what the document allows never meets the `414` of
/// `limits::MAX_PATH_BYTES`. String parameters must therefore be bounded and limited to ASCII by
/// their pattern (each character then takes at most three bytes percent-encoded); integers take
/// at most 20 characters.
#[actix_web::test]
async fn every_path_the_document_admits_fits_the_path_limit() {
    let document: Value =
        serde_json::from_str(&healthhub::openapi::to_pretty_json().unwrap()).unwrap();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let mut longest = path.len();
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                if parameter["in"] != "path" {
                    continue;
                }
                let (name, schema) = (&parameter["name"], &parameter["schema"]);
                let chars = match schema["type"].as_str() {
                    Some("integer") => 20,
                    Some("string") => {
                        let pattern = schema["pattern"].as_str();
                        assert!(
                            pattern.is_some_and(|p| p.is_ascii() && !p.contains("\\u")),
                            "{method} {path}: {name} has no ASCII-only pattern"
                        );
                        let max = schema["maxLength"].as_u64().expect("a maxLength") as usize;
                        max * 3
                    }
                    other => panic!("{method} {path}: {name} is {other:?}"),
                };
                longest += chars - (name.as_str().unwrap().len() + 2);
            }
            assert!(
                longest <= healthhub::limits::MAX_PATH_BYTES,
                "{method} {path} can be {longest} bytes long"
            );
        }
    }
}
