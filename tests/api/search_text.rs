//! Tests: the search index holds the text a reader sees (no Markdown syntax, no link targets,
//! entities decoded) through every write path — create, PATCH, section writes, the section list,
//! import and the migration of existing rows — and snippets are well-formed HTML whatever the
//! content holds, cut between grapheme clusters.

use crate::common::{spawn, TestApp};
use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel_migrations::MigrationHarness;
use healthhub::db::Database;
use healthhub::support::search_text;
use serde_json::{json, Value};

/// The issue's example body.
const FISH: &str = "**Fish &amp; chips** are a [treat](https://example.org).";

/// Words that are markup, an entity's name or a link target in [`FISH`]: never found.
const NOT_TEXT: [&str; 4] = ["amp", "example", "https", "org"];

fn published() -> Value {
    json!({"status": "published", "published_at": "2020-01-01T00:00:00Z"})
}

/// The slugs `GET /search?q=` finds, with their snippets.
async fn found<S, B>(app: &TestApp<S>, q: &str) -> Vec<(String, String)>
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let q: String = form_urlencoded::byte_serialize(q.as_bytes()).collect();
    let reply = app.get(&format!("/api/v1/search?q={q}")).await.expect(200);
    reply.body["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|a| {
            (
                a["slug"].as_str().unwrap_or_default().to_owned(),
                a["snippet"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// Asserts that `q=chips` finds exactly `slug` with the reader's text in its snippet, and that
/// no word of the markup finds anything.
async fn only_reader_text_is_found<S, B>(app: &TestApp<S>, slug: &str, context: &str)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let hits = found(app, "chips").await;
    assert_eq!(hits.len(), 1, "{context}: {hits:?}");
    assert_eq!(hits[0].0, slug, "{context}");
    assert!(
        hits[0]
            .1
            .contains("Fish &amp; <mark>chips</mark> are a treat."),
        "{context}: {}",
        hits[0].1
    );
    for word in NOT_TEXT {
        assert!(found(app, word).await.is_empty(), "{context}: q={word}");
    }
}

#[actix_web::test]
async fn the_issue_example_is_searched_as_text() {
    let app = spawn().await;
    let health = app.category("Health", None).await["id"].as_i64().unwrap();
    let mut fields = published();
    fields["sections"] = json!([{"heading": "Food", "body": FISH}]);
    app.article("Dinner", health, fields).await;
    only_reader_text_is_found(&app, "dinner", "create").await;
    assert_eq!(
        found(&app, "chips").await[0].1,
        "Fish &amp; <mark>chips</mark> are a treat."
    );
    let hits = found(&app, "treat").await;
    assert_eq!(hits[0].1, "Fish &amp; chips are a <mark>treat</mark>.");
}

#[actix_web::test]
async fn every_section_write_indexes_the_text() {
    let app = spawn().await;
    let token = app.editor();
    let health = app.category("Health", None).await["id"].as_i64().unwrap();
    let mut fields = published();
    fields["sections"] = json!([{"heading": "First", "body": "plain words"}]);
    let article = app.article("Dinner", health, fields).await;
    let id = article["id"].as_i64().unwrap();

    // A section added.
    let section = app
        .post(
            &token,
            &format!("/api/v1/articles/{id}/sections"),
            json!({"heading": "Food", "body": FISH}),
        )
        .await
        .expect(201)
        .body;
    only_reader_text_is_found(&app, "dinner", "section POST").await;

    // A section edited: the old text leaves the index, the new one is text too.
    let section_id = section["id"].as_i64().unwrap();
    app.patch(
        &token,
        &format!("/api/v1/sections/{section_id}"),
        json!({"body": "nothing here"}),
    )
    .await
    .expect(200);
    assert!(found(&app, "chips").await.is_empty());
    app.patch(
        &token,
        &format!("/api/v1/sections/{section_id}"),
        json!({"body": FISH}),
    )
    .await
    .expect(200);
    only_reader_text_is_found(&app, "dinner", "section PATCH").await;

    // The whole list replaced.
    app.put(
        &token,
        &format!("/api/v1/articles/{id}/sections"),
        json!({"sections": [{"heading": "New", "body": "other words"}]}),
    )
    .await
    .expect(200);
    assert!(found(&app, "chips").await.is_empty());
    app.put(
        &token,
        &format!("/api/v1/articles/{id}/sections"),
        json!({"sections": [{"heading": "New", "body": FISH}]}),
    )
    .await
    .expect(200);
    only_reader_text_is_found(&app, "dinner", "section list PUT").await;

    // The article patched (its own fields reindex the row, sections included).
    app.patch(
        &token,
        &format!("/api/v1/articles/{id}"),
        json!({"title": "Supper", "excerpt": "An evening meal"}),
    )
    .await
    .expect(200);
    only_reader_text_is_found(&app, "dinner", "article PATCH").await;
    assert_eq!(found(&app, "supper").await.len(), 1);
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn matches(db: &Database, word: &str) -> i64 {
    let word = word.to_owned();
    db.read_blocking(move |conn| {
        Ok(diesel::sql_query(
            "SELECT COUNT(*) AS n FROM article_search WHERE article_search MATCH ?",
        )
        .bind::<Text, _>(word)
        .get_result::<Count>(conn)?
        .n)
    })
    .unwrap()
}

#[test]
fn an_import_indexes_the_text() {
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("db.db").to_string_lossy().into_owned();
    let (db, _) = Database::open(&url, 1).unwrap();
    let file = dir.path().join("set.json");
    let set = json!({
        "categories": [{"name": "Health", "slug": "health", "parent_slug": null}],
        "articles": [{
            "title": "Dinner", "slug": "dinner", "status": "published",
            "published_at": "2020-01-01T00:00:00Z", "category_slug": "health",
            "sections": [{"position": 1, "heading": "Food", "body": FISH}]
        }]
    });
    std::fs::write(&file, set.to_string()).unwrap();
    healthhub::dataset::import::import(
        &db,
        &file,
        healthhub::dataset::import::ImportOptions::default(),
        chrono::Utc::now().naive_utc(),
    )
    .unwrap();
    assert_eq!(matches(&db, "chips"), 1);
    for word in NOT_TEXT {
        assert_eq!(matches(&db, word), 0, "{word}");
    }
}

#[test]
fn the_migration_turns_existing_bodies_into_text() {
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("old.db").to_string_lossy().into_owned();
    Database::open(&url, 1).unwrap();
    let mut conn = healthhub::db::DbConn::open(&url).unwrap();
    healthhub::db::register_functions(&mut conn).unwrap();
    // Back to before the search-text migration (and whatever came after it).
    let search_text = |conn: &mut healthhub::db::DbConn| {
        conn.applied_migrations()
            .unwrap()
            .iter()
            .any(|version| version.to_string().contains("000011"))
    };
    while search_text(&mut conn) {
        conn.revert_last_migration(healthhub::db::SQLITE_MIGRATIONS)
            .unwrap();
    }
    // Rows written before the migration: the index held the Markdown.
    use diesel::connection::SimpleConnection;
    conn.batch_execute(&format!(
        "INSERT INTO categories (slug, name, description, parent_id, position, created_at, updated_at) \
             VALUES ('health', 'Health', '', NULL, 0, '2025-01-01 00:00:00', '2025-01-01 00:00:00'); \
         INSERT INTO articles (slug, title, subtitle, excerpt, status, published_at, category_id, \
                               view_count, version, created_at, updated_at) \
             VALUES ('dinner', 'Dinner', '', '', 'published', '2025-01-01 00:00:00', 1, 0, 1, \
                     '2025-01-01 00:00:00', '2025-01-01 00:00:00'); \
         INSERT INTO sections (article_id, position, heading, body, created_at, updated_at) \
             VALUES (1, 1, 'Food', '{}', '2025-01-01 00:00:00', '2025-01-01 00:00:00');",
        FISH.replace('\'', "''")
    ))
    .unwrap();
    drop(conn);
    let (db, _) = Database::open(&url, 1).unwrap();
    assert_eq!(matches(&db, "chips"), 1);
    for word in NOT_TEXT {
        assert_eq!(matches(&db, word), 0, "{word}");
    }
}

/// Checks that `snippet` is well-formed: only `<mark>` and `</mark>` as tags, balanced and not
/// nested, every `&` one of the escapes, no raw `>` or `"`; returns its text unescaped, with
/// the marks removed and the ellipses as `\n` (where text was left out).
fn parse_snippet(snippet: &str) -> String {
    let mut text = String::new();
    let mut open = false;
    let mut rest = snippet;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("<mark>") {
            assert!(!open, "nested <mark> in {snippet:?}");
            open = true;
            rest = after;
        } else if let Some(after) = rest.strip_prefix("</mark>") {
            assert!(open, "</mark> without <mark> in {snippet:?}");
            open = false;
            rest = after;
        } else if c == '&' {
            let (entity, decoded) = [
                ("&amp;", '&'),
                ("&lt;", '<'),
                ("&gt;", '>'),
                ("&quot;", '"'),
                ("&#x27;", '\''),
            ]
            .into_iter()
            .find(|(entity, _)| rest.starts_with(entity))
            .unwrap_or_else(|| panic!("a bare & in {snippet:?}"));
            text.push(decoded);
            rest = &rest[entity.len()..];
        } else {
            assert!(
                !matches!(c, '<' | '>' | '"' | '\'') && (!c.is_control() || c == '\n'),
                "raw {c:?} in {snippet:?}"
            );
            text.push(if c == '…' { '\n' } else { c });
            rest = &rest[c.len_utf8()..];
        }
    }
    assert!(!open, "unclosed <mark> in {snippet:?}");
    text
}

#[actix_web::test]
async fn snippets_are_well_formed_whatever_the_content() {
    let hostile = [
        "a < b && c > d, \"quoted\" and 'single' hit",
        "&amp; &lt;tag&gt; &#x27; &bogus; & hit &",
        "<b>unclosed hit **bold _em [link(",
        "hit \u{E000}marker\u{E001} \u{E002} \u{E001}close \u{E000}open",
        "emoji 🇬🇧🇫🇷 👨\u{200D}👩\u{200D}👧\u{200D}👦 hit e\u{301}te\u{301} \u{1100}\u{1161}\u{11A8} 👍🏽",
        "`code <hit>` and ``` fences",
    ];
    let long = format!(
        "{} hit {}",
        "🇬🇧 e\u{301}\u{301} 👨\u{200D}👩\u{200D}👧 & <x> ".repeat(60),
        "\u{1100}\u{1161}\u{11A8}🇫🇷&amp;\"q\" ".repeat(60)
    );
    let app = spawn().await;
    let health = app.category("Health", None).await["id"].as_i64().unwrap();
    let mut bodies: Vec<String> = hostile.iter().map(|s| s.to_string()).collect();
    bodies.push(long);
    for (i, body) in bodies.iter().enumerate() {
        let mut fields = published();
        fields["sections"] = json!([{"heading": "Part", "body": body}]);
        app.article(&format!("Article {i}"), health, fields).await;
    }
    let hits = found(&app, "hit").await;
    assert_eq!(hits.len(), bodies.len(), "{hits:?}");
    for (slug, snippet) in hits {
        let i: usize = slug.trim_start_matches("article-").parse().unwrap();
        let reader_text = search_text::of_markdown(&bodies[i]);
        assert!(snippet.contains("<mark>hit</mark>"), "{snippet}");
        for piece in parse_snippet(&snippet).split('\n') {
            let at = reader_text
                .find(piece)
                .unwrap_or_else(|| panic!("{piece:?} is not from {reader_text:?}"));
            for edge in [at, at + piece.len()] {
                assert_eq!(
                    healthhub::support::text::floor_boundary(&reader_text, edge),
                    edge,
                    "{snippet:?} cuts a character of {reader_text:?}"
                );
            }
        }
    }
}
