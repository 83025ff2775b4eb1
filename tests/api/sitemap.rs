//! Tests: `GET /sitemap.xml` — every public article, category, person and tag page with its `lastmod`, exactly while public, split into an index of files past the configured size, cached, validated and dropped by the writes that change it.

use crate::common::{spawn, spawn_with, TestApp};
use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::TestRequest;
use chrono::TimeDelta;
use quick_xml::events::Event;
use serde_json::json;

const BASE: &str = "http://localhost:3000";

/// A parsed sitemap document: its root element and each entry's `loc` and `lastmod`.
#[derive(Debug)]
struct Sitemap {
    root: String,
    entries: Vec<(String, Option<String>)>,
}

impl Sitemap {
    fn locs(&self) -> Vec<&str> {
        self.entries.iter().map(|(loc, _)| loc.as_str()).collect()
    }

    fn lastmod(&self, loc: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(l, _)| l == loc)
            .and_then(|(_, at)| at.as_deref())
    }
}

/// The sitemap at `path`: a `200` of `application/xml` in the protocol's namespace, parsed.
async fn sitemap<S, B>(app: &TestApp<S>, path: &str) -> Sitemap
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let reply = app.get(path).await.expect(200);
    assert_eq!(
        reply.header("content-type"),
        "application/xml; charset=utf-8"
    );
    let text = String::from_utf8(reply.raw).expect("UTF-8");
    let mut reader = quick_xml::Reader::from_str(&text);
    let (mut root, mut entries, mut open) = (None, Vec::new(), String::new());
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(start) => {
                let name = String::from_utf8(start.name().as_ref().to_vec()).unwrap();
                if root.is_none() {
                    let xmlns = start.try_get_attribute("xmlns").unwrap().map(|a| {
                        a.decoded_and_normalized_value(
                            quick_xml::XmlVersion::Explicit1_0,
                            reader.decoder(),
                        )
                        .unwrap()
                        .into_owned()
                    });
                    assert_eq!(
                        xmlns.as_deref(),
                        Some("http://www.sitemaps.org/schemas/sitemap/0.9")
                    );
                    root = Some(name.clone());
                }
                if name == "url" || name == "sitemap" {
                    entries.push((String::new(), None));
                }
                open = name;
            }
            // Text arrives in pieces: runs of characters and entity references (`&amp;`).
            Event::Text(text) => push(&mut entries, &open, &text.decode().unwrap()),
            Event::GeneralRef(reference) => {
                let name = reference.decode().unwrap();
                let resolved = match reference.resolve_char_ref().unwrap() {
                    Some(c) => c.to_string(),
                    None => quick_xml::escape::resolve_predefined_entity(&name)
                        .expect("a predefined entity")
                        .to_owned(),
                };
                push(&mut entries, &open, &resolved);
            }
            Event::End(_) => open.clear(),
            Event::Eof => break,
            _ => {}
        }
    }
    Sitemap {
        root: root.expect("a root element"),
        entries,
    }
}

/// Appends `text` to the `loc` or `lastmod` (per `open`) of the last entry.
fn push(entries: &mut [(String, Option<String>)], open: &str, text: &str) {
    match (open, entries.last_mut()) {
        ("loc", Some(entry)) => entry.0.push_str(text),
        ("lastmod", Some(entry)) => entry.1.get_or_insert_with(String::new).push_str(text),
        _ => {}
    }
}

/// A category, a person, a tag and three articles (published, scheduled in an hour, draft).
async fn seeded<S, B>(app: &TestApp<S>)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let health = app.category("Health", None).await["id"].as_i64().unwrap();
    app.post(&app.editor(), "/api/v1/people", json!({"name": "Jane Doe"}))
        .await
        .expect(201);
    app.post(&app.editor(), "/api/v1/tags", json!({"name": "Calm"}))
        .await
        .expect(201);
    let soon = (app.now() + TimeDelta::hours(1)).to_rfc3339();
    for (title, extra) in [
        (
            "Live",
            json!({"status": "published", "published_at": "2025-01-01T00:00:00Z"}),
        ),
        ("Soon", json!({"status": "published", "published_at": soon})),
        ("Draft", json!({})),
    ] {
        app.article(title, health, extra).await;
    }
}

#[actix_web::test]
async fn the_sitemap_lists_every_public_page_with_its_last_change() {
    let app = spawn().await;
    seeded(&app).await;
    let map = sitemap(&app, "/sitemap.xml").await;
    assert_eq!(map.root, "urlset");
    assert_eq!(
        map.locs(),
        [
            format!("{BASE}/articles/live"),
            format!("{BASE}/categories/health"),
            format!("{BASE}/people/jane-doe"),
            format!("{BASE}/tags/calm"),
        ]
    );
    let written = "2026-06-01T12:00:00Z";
    assert_eq!(map.lastmod(&format!("{BASE}/articles/live")), Some(written));
    assert_eq!(
        map.lastmod(&format!("{BASE}/people/jane-doe")),
        Some(written)
    );
    assert_eq!(map.lastmod(&format!("{BASE}/tags/calm")), Some(written));

    // The scheduled article is listed from its publication on, dated by it.
    let go_live = app.now() + TimeDelta::hours(1);
    app.set_now(go_live - TimeDelta::seconds(1));
    assert_eq!(sitemap(&app, "/sitemap.xml").await.locs().len(), 4);
    app.set_now(go_live);
    let map = sitemap(&app, "/sitemap.xml").await;
    assert_eq!(map.locs().len(), 5);
    assert_eq!(
        map.lastmod(&format!("{BASE}/articles/soon")),
        Some("2026-06-01T13:00:00Z")
    );
    assert!(!map
        .locs()
        .contains(&format!("{BASE}/articles/draft").as_str()));
}

#[actix_web::test]
async fn past_the_configured_size_the_sitemap_is_an_index_of_files() {
    let app = spawn_with(|config| {
        config.site.sitemap_max_urls = 2;
        config.site.base_url = "https://www.example-health.com".to_owned();
        config.site.article_path = "/health/{slug}".to_owned();
    })
    .await;
    seeded(&app).await;
    app.category("Sleep", None).await;
    app.category("Mind", None).await;
    // 1 article + 3 categories + 1 person + 1 tag: 6 URLs, 3 files.
    let index = sitemap(&app, "/sitemap.xml").await;
    assert_eq!(index.root, "sitemapindex");
    let site = "https://www.example-health.com";
    assert_eq!(
        index.locs(),
        (1..=3)
            .map(|n| format!("{site}/sitemap.xml?page={n}"))
            .collect::<Vec<_>>()
    );
    assert!(index.entries.iter().all(|(_, lastmod)| lastmod.is_some()));
    let mut all = Vec::new();
    for n in 1..=3 {
        let file = sitemap(&app, &format!("/sitemap.xml?page={n}")).await;
        assert_eq!(file.root, "urlset");
        assert_eq!(file.entries.len(), 2);
        all.extend(file.entries);
    }
    let locs: Vec<&str> = all.iter().map(|(loc, _)| loc.as_str()).collect();
    assert_eq!(
        locs,
        [
            format!("{site}/health/live"),
            format!("{site}/categories/health"),
            format!("{site}/categories/sleep"),
            format!("{site}/categories/mind"),
            format!("{site}/people/jane-doe"),
            format!("{site}/tags/calm"),
        ]
    );
    app.get("/sitemap.xml?page=4")
        .await
        .expect_problem(404, "not_found");
    for path in [
        "/sitemap.xml?page=0",
        "/sitemap.xml?page=x",
        "/sitemap.xml?pages=1",
    ] {
        let reply = app.get(path).await;
        assert_eq!(reply.status, 400, "{path}");
        assert_eq!(reply.header("content-type"), "application/problem+json");
    }
}

#[actix_web::test]
async fn the_sitemap_is_validated_and_dropped_by_the_writes_that_change_it() {
    let app = spawn().await;
    seeded(&app).await;
    let first = app.get("/sitemap.xml").await.expect(200);
    let etag = first.header("etag").to_owned();
    assert!(first
        .header("cache-control")
        .starts_with("public, max-age="));
    app.send(
        TestRequest::get()
            .uri("/sitemap.xml")
            .insert_header(("If-None-Match", etag.clone())),
    )
    .await
    .expect(304);
    app.patch(
        &app.editor(),
        "/api/v1/categories/health",
        json!({"slug": "wellbeing"}),
    )
    .await
    .expect(200);
    let renamed = sitemap(&app, "/sitemap.xml").await;
    assert!(renamed
        .locs()
        .contains(&format!("{BASE}/categories/wellbeing").as_str()));
    app.patch(
        &app.editor(),
        "/api/v1/articles/live",
        json!({"slug": "alive"}),
    )
    .await
    .expect(200);
    assert!(sitemap(&app, "/sitemap.xml")
        .await
        .locs()
        .contains(&format!("{BASE}/articles/alive").as_str()));
    app.patch(&app.editor(), "/api/v1/tags/calm", json!({"slug": "quiet"}))
        .await
        .expect(200);
    assert!(sitemap(&app, "/sitemap.xml")
        .await
        .locs()
        .contains(&format!("{BASE}/tags/quiet").as_str()));
    let after = app.get("/sitemap.xml").await.expect(200);
    assert_ne!(after.header("etag"), etag);
}
