//! Tests: `filter[title|slug][contains|starts_with]` answer by their rule whatever path the
//! database takes (on SQLite, a trigram index finds the candidates for three or more
//! characters), the index follows renames and deletions, and it is the index that answers.

use crate::common::{spawn, TestApp};
use crate::listing::{published, slugs};
use crate::test_db::{backend, sqlite_only};
use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use healthhub::db::Backend;
use std::collections::BTreeSet;

/// Titles with case, accents, wildcard characters and repeats to tell the rules apart.
const TITLES: [&str; 10] = [
    "Sleep Basics",
    "SLEEPLESS Nights",
    "Why We Fall Asleep",
    "Éclair Sleep",
    "éclairs and Naps",
    "100% Natural Sleep",
    "snake_case Tips",
    "Stress and Sleep Cycles",
    "Ab Workouts",
    "Naps for Stress",
];

/// Needles of every length class: under three characters (no index), three and more, mixed
/// case, non-ASCII, wildcard characters, and ones that match nothing.
const NEEDLES: [&str; 14] = [
    "sl", "ab", "sle", "SLEEP", "leep", "sleep b", "éclair", "ÉCLAIR", "100%", "e_c", "naps",
    "stress", "zzz", "p c",
];

/// The titles' slugs that `field` `op` `needle` selects, with `fold` as the case folding.
fn selected(
    created: &[(String, String)],
    field: &str,
    op: &str,
    needle: &str,
    fold: fn(&str) -> String,
) -> BTreeSet<String> {
    created
        .iter()
        .filter(|(title, slug)| {
            let value = fold(if field == "title" { title } else { slug });
            let needle = fold(needle);
            match op {
                "contains" => value.contains(&needle),
                _ => value.starts_with(&needle),
            }
        })
        .map(|(_, slug)| slug.clone())
        .collect()
}

/// The slugs (sorted) a list answers with `query` in page mode (`per_page=100`) and its total,
/// or in cursor mode (`cursor`: `limit=100`, sorted by title; no total, so `None`).
async fn listed_as<S, B>(
    app: &TestApp<S>,
    query: &str,
    cursor: bool,
) -> (BTreeSet<String>, Option<i64>)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let paging = if cursor {
        "limit=100&sort=title"
    } else {
        "per_page=100"
    };
    let reply = app
        .get(&format!("/api/v1/articles?{query}&{paging}"))
        .await
        .expect(200);
    let total = reply.header("x-total-count").parse().ok();
    let found = slugs(&reply.body).into_iter().map(str::to_owned).collect();
    (found, total)
}

/// The slugs (sorted) and the total a list answers in page mode.
async fn listed<S, B>(app: &TestApp<S>, query: &str) -> (BTreeSet<String>, i64)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let (found, total) = listed_as(app, query, false).await;
    (found, total.expect("a total in page mode"))
}

fn encoded(needle: &str) -> String {
    needle
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[actix_web::test]
async fn contains_and_starts_with_answer_by_their_rule_for_every_kind_of_needle() {
    let app = spawn().await;
    let category = app.category("Health", None).await["id"].as_i64().unwrap();
    let mut created = Vec::new();
    for title in TITLES {
        let article = app
            .article(title, category, published("2025-01-01T00:00:00Z"))
            .await;
        created.push((
            title.to_owned(),
            article["slug"].as_str().unwrap().to_owned(),
        ));
    }
    for needle in NEEDLES {
        for (field, op) in [
            ("title", "contains"),
            ("title", "starts_with"),
            ("slug", "contains"),
            ("slug", "starts_with"),
        ] {
            // SQLite's LIKE folds the case of ASCII letters only; PostgreSQL's ILIKE folds
            // other letters too where the database's LC_CTYPE knows them (not in the C locale).
            let ascii = selected(&created, field, op, needle, |t| t.to_ascii_lowercase());
            let every = selected(&created, field, op, needle, str::to_lowercase);
            let query = format!("filter[{field}][{op}]={}", encoded(needle));
            let (found, total) = listed(&app, &query).await;
            match backend() {
                Backend::Sqlite => assert_eq!(found, ascii, "{query}"),
                Backend::Postgres => {
                    assert!(found == ascii || found == every, "{query}: {found:?}")
                }
            }
            assert_eq!(total, found.len() as i64, "{query}: the total");
            assert_eq!(
                listed_as(&app, &query, true).await.0,
                found,
                "{query}: cursor mode, another plan"
            );
        }
    }
}

#[actix_web::test]
async fn renamed_and_deleted_articles_are_found_by_what_they_are_now() {
    let app = spawn().await;
    let category = app.category("Health", None).await["id"].as_i64().unwrap();
    app.article(
        "Insomnia Guide",
        category,
        published("2025-01-01T00:00:00Z"),
    )
    .await;
    app.article(
        "Insomnia Myths",
        category,
        published("2025-01-02T00:00:00Z"),
    )
    .await;
    let editor = app.editor();
    app.patch(
        &editor,
        "/api/v1/articles/insomnia-guide",
        serde_json::json!({"title": "Restful Nights", "slug": "restful-nights"}),
    )
    .await
    .expect(200);
    app.delete(&editor, "/api/v1/articles/insomnia-myths")
        .await
        .expect(204);
    for (query, expected) in [
        ("filter[title][contains]=somni", vec![]),
        ("filter[slug][starts_with]=insom", vec![]),
        ("filter[title][contains]=restful", vec!["restful-nights"]),
        ("filter[slug][contains]=ful-nig", vec!["restful-nights"]),
    ] {
        let (found, total) = listed(&app, query).await;
        let expected: BTreeSet<String> = expected.into_iter().map(str::to_owned).collect();
        assert_eq!(found, expected, "{query}");
        assert_eq!(total, expected.len() as i64, "{query}");
    }
}

/// The trigram index, not a scan, answers needles of three characters and more: an article
/// taken out of the index alone is no longer found by them, and still is by a shorter needle.
#[actix_web::test]
async fn the_trigram_index_answers_needles_of_three_characters_and_more() {
    if sqlite_only("FTS5's trigram index") {
        return;
    }
    let app = spawn().await;
    let category = app.category("Health", None).await["id"].as_i64().unwrap();
    let article = app
        .article(
            "Melatonin Facts",
            category,
            published("2025-01-01T00:00:00Z"),
        )
        .await;
    let id = article["id"].as_i64().unwrap();
    assert_eq!(listed(&app, "filter[title][contains]=latonin").await.1, 1);
    // (Other needles below: the response cache holds the answer above.)
    app.execute(&format!(
        "INSERT INTO article_trigrams (article_trigrams, rowid, title, slug) \
         VALUES ('delete', {id}, 'Melatonin Facts', 'melatonin-facts')"
    ));
    assert_eq!(listed(&app, "filter[title][contains]=tonin").await.1, 0);
    assert_eq!(listed(&app, "filter[slug][starts_with]=mela").await.1, 0);
    assert_eq!(listed(&app, "filter[title][contains]=to").await.1, 1);
}
