//! Tests: gzip and brotli by `Accept-Encoding` (identity otherwise), `Vary: Accept-Encoding`,
//! one strong `ETag` per representation with `304`s for whichever a client holds, and the
//! long-lived `Cache-Control` of Swagger UI's files; cached answers compressed once per coding.

use crate::common::{spawn, Reply, TestApp};
use crate::listing::published;
use crate::metrics::sample;
use crate::test_db::backend;
use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::TestRequest;
use healthhub::db::Backend;
use std::io::Read;

/// Reads that have a body worth compressing, one of each kind of route.
const READS: [&str; 6] = [
    "/api/v1",
    "/api/v1/articles",
    "/api/v1/articles/sleep-basics",
    "/api/v1/categories/tree",
    "/openapi.json",
    "/docs/swagger-ui.css",
];

async fn seeded<S, B>(app: &TestApp<S>)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let category = app.category("Health", None).await["id"]
        .as_i64()
        .expect("id");
    app.article("Sleep Basics", category, published("2025-01-01T00:00:00Z"))
        .await;
}

fn get(path: &str, accept: Option<&str>, if_none_match: Option<&str>) -> TestRequest {
    let mut request = TestRequest::get().uri(path);
    if let Some(accept) = accept {
        request = request.insert_header(("Accept-Encoding", accept.to_owned()));
    }
    if let Some(tag) = if_none_match {
        request = request.insert_header(("If-None-Match", tag.to_owned()));
    }
    request
}

/// `reply`'s body decoded from `coding`.
fn decoded(reply: &Reply, coding: &str) -> Vec<u8> {
    let mut out = Vec::new();
    match coding {
        "gzip" => {
            flate2::read::GzDecoder::new(reply.raw.as_slice())
                .read_to_end(&mut out)
                .expect("gzip");
        }
        "br" => {
            brotli::Decompressor::new(reply.raw.as_slice(), 4096)
                .read_to_end(&mut out)
                .expect("brotli");
        }
        "deflate" => {
            flate2::read::ZlibDecoder::new(reply.raw.as_slice())
                .read_to_end(&mut out)
                .expect("deflate");
        }
        _ => out = reply.raw.clone(),
    }
    out
}

fn varies_on_accept_encoding(reply: &Reply) -> bool {
    reply
        .headers
        .get_all("vary")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|name| name.trim().eq_ignore_ascii_case("accept-encoding"))
}

#[actix_web::test]
async fn each_coding_is_answered_when_asked_with_its_own_etag_and_304() {
    let app = spawn().await;
    seeded(&app).await;
    for path in READS {
        let identity = app.send(get(path, None, None)).await.expect(200);
        assert_eq!(identity.header("content-encoding"), "", "{path}");
        assert!(varies_on_accept_encoding(&identity), "{path}");
        let tag = identity.header("etag").to_owned();
        assert!(tag.starts_with('"') && tag.ends_with('"'), "{path}: {tag}");

        for (accept, coding) in [
            ("gzip", "gzip"),
            ("br", "br"),
            ("gzip, deflate, br", "br"),
            ("br;q=0.5, gzip", "gzip"),
            ("identity", ""),
            ("zstd", ""),
        ] {
            let reply = app.send(get(path, Some(accept), None)).await.expect(200);
            assert_eq!(reply.header("content-encoding"), coding, "{path} {accept}");
            assert!(varies_on_accept_encoding(&reply), "{path} {accept}");
            assert_eq!(decoded(&reply, coding), identity.raw, "{path} {accept}");
            let etag = reply.header("etag").to_owned();
            if coding.is_empty() {
                assert_eq!(etag, tag, "{path} {accept}");
            } else {
                assert_ne!(etag, tag, "{path}: another representation, another tag");
                assert_eq!(etag, format!("{}-{coding}\"", &tag[..tag.len() - 1]));
            }
            // The client sends back what it got: still current.
            let again = app.send(get(path, Some(accept), Some(&etag))).await;
            assert_eq!(again.status.as_u16(), 304, "{path} {accept} {etag}");
            assert_eq!(again.header("etag"), etag, "{path} {accept}");
            assert!(again.raw.is_empty());
            assert!(varies_on_accept_encoding(&again), "{path} {accept}");
        }
    }
}

#[actix_web::test]
async fn if_match_takes_a_compressed_representations_tag() {
    let app = spawn().await;
    seeded(&app).await;
    let read = app
        .send(get("/api/v1/articles/sleep-basics", Some("gzip"), None))
        .await
        .expect(200);
    let tag = read.header("etag").to_owned();
    assert!(tag.ends_with("-gzip\""), "{tag}");
    let patch = TestRequest::patch()
        .uri("/api/v1/articles/sleep-basics")
        .insert_header(("Authorization", format!("Bearer {}", app.editor())))
        .insert_header(("If-Match", tag))
        .set_json(serde_json::json!({"title": "Sleep Better"}));
    app.send(patch).await.expect(200);
}

#[actix_web::test]
async fn swagger_ui_files_are_cached_for_a_day_and_revalidate() {
    let app = spawn().await;
    for file in [
        "/docs/",
        "/docs/swagger-ui.css",
        "/docs/swagger-ui-bundle.js",
        "/docs/swagger-initializer.js",
        "/docs/favicon-32x32.png",
    ] {
        let reply = app.get(file).await.expect(200);
        assert_eq!(
            reply.header("cache-control"),
            "public, max-age=86400",
            "{file}"
        );
        let tag = reply.header("etag").to_owned();
        assert!(!tag.is_empty(), "{file}");
        let again = app.send(get(file, None, Some(&tag))).await;
        assert_eq!(again.status.as_u16(), 304, "{file}");
    }
    app.get("/docs/nope.js")
        .await
        .expect_problem(404, "not_found");
}

/// How many compressed copies of cached answers the server has made so far.
async fn encodings_made<S, B>(app: &TestApp<S>) -> f64
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let text = String::from_utf8(app.get("/metrics").await.expect(200).raw).expect("UTF-8");
    sample(&text, "healthhub_response_cache_encodings_total").expect("the counter")
}

#[actix_web::test]
async fn cached_answers_are_compressed_once_per_coding_and_sent_as_stored() {
    let app = spawn().await;
    seeded(&app).await;
    let path = "/api/v1/articles/sleep-basics";
    let before = encodings_made(&app).await;
    let identity = app.send(get(path, None, None)).await.expect(200);
    for coding in ["br", "gzip", "deflate"] {
        let first = app.send(get(path, Some(coding), None)).await.expect(200);
        for _ in 0..3 {
            let again = app.send(get(path, Some(coding), None)).await.expect(200);
            assert_eq!(again.header("content-encoding"), coding);
            assert_eq!(
                again.raw, first.raw,
                "{coding}: one strong tag, one byte sequence"
            );
            assert_eq!(again.header("etag"), first.header("etag"));
        }
        if coding != "deflate" {
            assert_eq!(decoded(&first, coding), identity.raw, "{coding}");
        }
    }
    let made = encodings_made(&app).await - before;
    // On PostgreSQL the node's own write notifications may empty the cache once more between
    // two reads, and each refilled entry makes its copies again.
    match backend() {
        Backend::Sqlite => assert_eq!(made, 3.0, "one copy per coding, none per hit"),
        Backend::Postgres => assert!((3.0..=6.0).contains(&made), "{made} copies"),
    }

    // A write drops the entry with its copies: the next reader gets the new body, compressed.
    let patch = TestRequest::patch()
        .uri(path)
        .insert_header(("Authorization", format!("Bearer {}", app.editor())))
        .set_json(serde_json::json!({"title": "Sleep Better"}));
    app.send(patch).await.expect(200);
    let fresh = app.send(get(path, Some("br"), None)).await.expect(200);
    let body: serde_json::Value =
        serde_json::from_slice(&decoded(&fresh, "br")).expect("JSON after brotli");
    assert_eq!(body["title"], "Sleep Better");
}

#[actix_web::test]
async fn a_hit_answers_if_none_match_with_a_304_and_no_body() {
    let app = spawn().await;
    seeded(&app).await;
    let path = "/api/v1/articles/sleep-basics";
    let first = app.send(get(path, Some("gzip"), None)).await.expect(200);
    let tag = first.header("etag").to_owned();
    for _ in 0..2 {
        let again = app.send(get(path, Some("gzip"), Some(&tag))).await;
        assert_eq!(again.status.as_u16(), 304);
        assert_eq!(again.header("content-encoding"), "");
        assert!(again.raw.is_empty());
    }
}

/// A `304` only for the representation the request selects (RFC 9110 §13.1.2): a tag of another
/// coding's representation is not the client's copy of this one. A shared cache revalidating
/// with every variant's tag learns which one to send.
#[actix_web::test]
async fn a_304_is_given_only_for_the_selected_representations_own_tag() {
    let app = spawn().await;
    seeded(&app).await;
    for path in READS {
        let identity = app.send(get(path, None, None)).await.expect(200);
        let plain = identity.header("etag").to_owned();
        let gzip = format!("{}-gzip\"", &plain[..plain.len() - 1]);
        let br = format!("{}-br\"", &plain[..plain.len() - 1]);
        // A client that takes no coding holds only a gzip copy: it gets the identity body.
        let fresh = app.send(get(path, None, Some(&gzip))).await.expect(200);
        assert_eq!(fresh.header("etag"), plain, "{path}");
        assert_eq!(fresh.raw, identity.raw, "{path}");
        // Several variants named: the 304 carries the one this request selects.
        let all = format!("{plain}, {br}, {gzip}");
        for (accept, selected) in [(None, &plain), (Some("gzip"), &gzip), (Some("br"), &br)] {
            let again = app.send(get(path, accept, Some(&all))).await;
            assert_eq!(again.status.as_u16(), 304, "{path} {accept:?}");
            assert_eq!(again.header("etag"), selected.as_str(), "{path} {accept:?}");
        }
        // A br copy does not answer for a client that asks for gzip.
        let other = app
            .send(get(path, Some("gzip"), Some(&br)))
            .await
            .expect(200);
        assert_eq!(other.header("content-encoding"), "gzip", "{path}");
    }
}

/// An answer too big for the response cache is compressed by `Compress` on every request,
/// and no copy is counted for it.
#[actix_web::test]
async fn an_answer_the_cache_does_not_keep_makes_no_copy() {
    let app = crate::common::spawn_with(|config| config.response_cache_bytes = 2_000).await;
    seeded(&app).await;
    let path = "/api/v1/articles/sleep-basics";
    let before = encodings_made(&app).await;
    let identity = app.send(get(path, None, None)).await.expect(200);
    assert!(identity.raw.len() > 200, "bigger than a tenth of the cache");
    for _ in 0..3 {
        let reply = app.send(get(path, Some("gzip"), None)).await.expect(200);
        assert_eq!(reply.header("content-encoding"), "gzip");
        assert_eq!(decoded(&reply, "gzip"), identity.raw);
    }
    assert_eq!(encodings_made(&app).await, before);
}

/// A request that refuses every coding the server has gets a `406` problem that still says it
/// varies on `Accept-Encoding`.
#[actix_web::test]
async fn refusing_every_coding_is_a_406_problem_that_varies_on_accept_encoding() {
    let app = spawn().await;
    seeded(&app).await;
    for path in READS {
        let reply = app
            .send(get(path, Some("identity;q=0"), None))
            .await
            .expect_problem(406, "not_acceptable");
        assert!(varies_on_accept_encoding(&reply), "{path}");
    }
}

/// `x-gzip` is gzip, and `*` stands for every coding the header does not name (RFC 9110
/// §8.4.1.3 and §12.5.3), on cached and uncached answers alike.
#[actix_web::test]
async fn x_gzip_is_gzip_and_a_star_reaches_the_codings_it_does_not_name() {
    let app = spawn().await;
    seeded(&app).await;
    let cases = [
        ("x-gzip", "gzip"),
        ("identity;q=0, *", "br"),
        ("br;q=0, *", "gzip"),
        ("br;q=0, gzip;q=0, *;q=0.5", "deflate"),
    ];
    for path in READS {
        let identity = app.send(get(path, None, None)).await.expect(200);
        for (accept, coding) in cases {
            // Twice: the first answer may fill the response cache, the second comes from it.
            for _ in 0..2 {
                let reply = app.send(get(path, Some(accept), None)).await.expect(200);
                assert_eq!(reply.header("content-encoding"), coding, "{path} {accept}");
                assert_eq!(decoded(&reply, coding), identity.raw, "{path} {accept}");
            }
        }
        // A `*` refused with q=0, or one that every coding and identity refused by name leave
        // nothing to stand for: still a 406.
        for refused in [
            "identity;q=0, *;q=0",
            "identity;q=0, br;q=0, gzip;q=0, deflate;q=0, *",
            "*, x-gzip;q=0, br;q=0, deflate;q=0, identity;q=0",
        ] {
            app.send(get(path, Some(refused), None))
                .await
                .expect_problem(406, "not_acceptable");
        }
    }
}
