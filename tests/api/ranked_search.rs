//! Tests: the ranked-search index. A plain ranked search (`q`, relevance order, no other filter)
//! is answered from it; it must match exactly the articles SQL matches, for every audience, order
//! ties by id as SQL does, follow the database it serves (and no other), and leave search to SQL
//! when it cannot be opened.

use crate::common::{bearer, call, spawn, spawn_with, start_time, TestApp};
use crate::listing::{ids, published, slugs};
use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::TestRequest;
use chrono::TimeDelta;
use healthhub::config::SearchIndexPlace;
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// Creates the category "Health"; returns its id.
async fn health_category<S, B>(app: &TestApp<S>) -> i64
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let category = app.category("Health", None).await;
    category["id"].as_i64().expect("id")
}

/// Articles whose words fall in every column, in every state a reader can meet.
async fn corpus<S, B>(app: &TestApp<S>)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let health = health_category(app).await;
    let docs = [
        (
            "Therapy for Anxiety",
            "Talking it through",
            "",
            "Anxiety eases with therapy.",
            "published",
        ),
        (
            "Living with Worry",
            "",
            "Worry and sleep",
            "A therapist can help; so can walking.",
            "published",
        ),
        (
            "Sleep and Stress",
            "",
            "Sleep stress explained",
            "Stress keeps you awake.",
            "published",
        ),
        (
            "Café Culture",
            "Coffee and sleep",
            "",
            "Caffeine late in the day costs sleep.",
            "published",
        ),
        ("Draft on Sleep", "", "", "Sleep therapy notes.", "draft"),
        (
            "Future Sleep Guide",
            "",
            "",
            "Therapists on sleep.",
            "future",
        ),
        ("Withdrawn Sleep Piece", "", "", "Sleep myths.", "withdrawn"),
        (
            "Walking Groups",
            "",
            "",
            "Walks help stress and sleep.",
            "published",
        ),
    ];
    for (title, subtitle, excerpt, body, state) in docs {
        let mut fields = match state {
            "draft" => json!({"status": "draft"}),
            "future" => published("2999-01-01T00:00:00Z"),
            "withdrawn" => {
                let mut fields = published("2025-01-02T00:00:00Z");
                fields["unpublish_at"] = json!("2025-01-03T00:00:00Z");
                fields
            }
            _ => published("2025-01-02T00:00:00Z"),
        };
        fields["subtitle"] = json!(subtitle);
        fields["excerpt"] = json!(excerpt);
        fields["sections"] = json!([{"heading": "Part", "body": body}]);
        app.article(title, health, fields).await;
    }
}

/// The slugs and total of `path` (a search) as `token` sees it, or anonymously.
async fn matches<S, B>(app: &TestApp<S>, token: Option<&str>, path: &str) -> (BTreeSet<String>, i64)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let reply = match token {
        Some(token) => app.get_as(token, path).await,
        None => app.get(path).await,
    };
    let body: Value = reply.expect(200).body;
    let found = slugs(&body).into_iter().map(str::to_owned).collect();
    (found, body["meta"]["total"].as_i64().expect("total"))
}

#[actix_web::test]
async fn the_index_matches_exactly_what_sql_matches_for_every_audience() {
    let app = spawn().await;
    corpus(&app).await;
    let editor = app.editor();
    let inputs = [
        "sleep",
        "SLEEP",
        "sleeping",
        "therap",
        "therapist",
        "t",
        "anxiety therapy",
        "sleep stress",
        "stress sleep",
        "cafe",
        "café",
        "walk",
        "walking groups",
        "absent",
        "sleep absent",
        "\"sleep\" OR stress",
        "s*",
        "NEAR(sleep",
    ];
    let mut differences = Vec::new();
    for input in inputs {
        let q: String = form_urlencoded::byte_serialize(input.as_bytes()).collect();
        for token in [None, Some(editor.as_str())] {
            let by_index =
                matches(&app, token, &format!("/api/v1/search?q={q}&per_page=100")).await;
            let by_sql = matches(
                &app,
                token,
                &format!("/api/v1/search?q={q}&per_page=100&sort=rank,id"),
            )
            .await;
            if by_index != by_sql {
                differences.push(format!(
                    "q={input:?} as {}: the index found {by_index:?}, SQL {by_sql:?}",
                    if token.is_some() {
                        "an editor"
                    } else {
                        "anyone"
                    }
                ));
            }
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
    let index = app.state.ranked_search.as_ref().expect("the index is open");
    assert_eq!(
        index.applied_seq(),
        app.count("changes"),
        "the searches were answered by an index caught up with every write"
    );
}

#[actix_web::test]
async fn equal_scores_are_ordered_by_id_on_every_page_and_cursor() {
    let app = spawn().await;
    let health = health_category(&app).await;
    let mut created = Vec::new();
    for n in 0..23 {
        let mut fields = published("2025-01-02T00:00:00Z");
        fields["sections"] = json!([{"heading": "Part", "body": "Hydration for everyone."}]);
        created.push(app.article(&format!("Water {n}"), health, fields).await["id"].as_i64());
    }
    // Indexed once, then the first few re-indexed by an edit that leaves their text alone: the
    // index now holds them after the others, so its own order of equal scores is not the ids'.
    app.get("/api/v1/search?q=hydration").await.expect(200);
    let editor = app.editor();
    for id in created.iter().take(5).flatten() {
        app.patch(
            &editor,
            &format!("/api/v1/articles/{id}"),
            published("2025-01-03T00:00:00Z"),
        )
        .await
        .expect(200);
    }
    let all = ids(&app
        .get("/api/v1/search?q=hydration&per_page=100")
        .await
        .expect(200)
        .body);
    assert_eq!(all.len(), 23);
    assert!(
        all.windows(2).all(|pair| pair[0] < pair[1]),
        "ties by id: {all:?}"
    );
    for per_page in [1, 4, 7] {
        let mut paged = Vec::new();
        for page in 1.. {
            let body = app
                .get(&format!(
                    "/api/v1/search?q=hydration&per_page={per_page}&page={page}"
                ))
                .await
                .expect(200)
                .body;
            let found = ids(&body);
            if found.is_empty() {
                break;
            }
            paged.extend(found);
        }
        assert_eq!(paged, all, "pages of {per_page}");
        let mut walked = Vec::new();
        let mut path = format!("/api/v1/search?q=hydration&limit={per_page}");
        loop {
            let body = app.get(&path).await.expect(200).body;
            walked.extend(ids(&body));
            match body["meta"]["next_cursor"].as_str() {
                Some(cursor) => {
                    path = format!("/api/v1/search?q=hydration&limit={per_page}&after={cursor}")
                }
                None => break,
            }
        }
        assert_eq!(walked, all, "cursor pages of {per_page}");
    }
}

/// A search index directory inside `dir`.
fn index_in(dir: &tempfile::TempDir) -> SearchIndexPlace {
    SearchIndexPlace::Directory(dir.path().join("index"))
}

/// Files a published article titled `title` in a new category; returns the category's id.
async fn file_article<S, B>(app: &TestApp<S>, title: &str) -> i64
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let health = health_category(app).await;
    app.article(title, health, published("2025-01-02T00:00:00Z"))
        .await;
    health
}

#[actix_web::test]
async fn an_index_left_by_another_database_is_rebuilt_not_trusted() {
    let shared = tempfile::tempdir().expect("temp dir");
    let place = index_in(&shared);
    let first = spawn_with(|config| config.search_index = place.clone()).await;
    file_article(&first, "Alpha Waves").await;
    let (found, _) = matches(&first, None, "/api/v1/search?q=alpha").await;
    assert_eq!(found.len(), 1);
    let written = first.count("changes");
    drop(first);

    // Another database with as many log entries, written at other instants.
    let second = spawn_with(|config| config.search_index = place.clone()).await;
    second.set_now(start_time() + TimeDelta::days(1));
    file_article(&second, "Beta Blockers").await;
    assert_eq!(second.count("changes"), written);
    assert_eq!(matches(&second, None, "/api/v1/search?q=alpha").await.1, 0);
    let (found, total) = matches(&second, None, "/api/v1/search?q=beta").await;
    assert_eq!(
        (found.into_iter().collect::<Vec<_>>(), total),
        (vec!["beta-blockers".to_owned()], 1)
    );
}

#[actix_web::test]
async fn a_reopened_index_catches_up_with_what_was_written_meanwhile() {
    let shared = tempfile::tempdir().expect("temp dir");
    let place = index_in(&shared);
    let app = spawn_with(|config| config.search_index = place.clone()).await;
    let health = file_article(&app, "Gamma Rays").await;
    assert_eq!(matches(&app, None, "/api/v1/search?q=gamma").await.1, 1);
    let editor = app.editor();
    // A second server over the same database cannot take the index while the first holds it:
    // its searches are ranked by SQL, and its writes reach the log.
    let peer = app.uncached().await;
    let delta = json!({"title": "Delta Rhythm", "category_id": health, "status": "published",
        "published_at": "2025-01-02T00:00:00Z"});
    call(
        &peer,
        TestRequest::post()
            .uri("/api/v1/articles")
            .insert_header(bearer(&editor))
            .set_json(&delta),
    )
    .await
    .expect(201);
    assert_eq!(matches(&app, None, "/api/v1/search?q=delta").await.1, 1);
    assert_eq!(matches(&app, None, "/api/v1/search?q=gamma").await.1, 1);
}

#[actix_web::test]
async fn an_index_that_cannot_be_opened_leaves_search_to_the_database() {
    let shared = tempfile::tempdir().expect("temp dir");
    let not_a_directory = shared.path().join("file");
    std::fs::write(&not_a_directory, b"not an index").expect("write");
    let app = spawn_with(|config| {
        config.search_index = SearchIndexPlace::Directory(not_a_directory.clone())
    })
    .await;
    assert!(app.state.ranked_search.is_none());
    corpus(&app).await;
    let (found, total) = matches(&app, None, "/api/v1/search?q=therapy").await;
    assert_eq!(total, 2, "{found:?}");
}

#[actix_web::test]
async fn a_short_prefix_matches_every_word_it_begins_however_many() {
    let app = spawn().await;
    let health = health_category(&app).await;
    let many: Vec<String> = (0..40).map(|n| format!("zq{n:02}x")).collect();
    for (title, body) in [
        ("Many Words", many.join(" ")),
        ("Last Word", "zqzzx".to_owned()),
    ] {
        let mut fields = published("2025-01-02T00:00:00Z");
        fields["sections"] = json!([{"heading": "Part", "body": body}]);
        app.article(title, health, fields).await;
    }
    for q in ["zq", "z", "zqz"] {
        let by_index = matches(&app, None, &format!("/api/v1/search?q={q}")).await;
        let by_sql = matches(&app, None, &format!("/api/v1/search?q={q}&sort=rank,id")).await;
        assert_eq!(by_index, by_sql, "q={q}");
    }
    assert_eq!(matches(&app, None, "/api/v1/search?q=zq").await.1, 2);
}

#[actix_web::test]
async fn drafts_that_outrank_every_visible_article_never_crowd_them_out() {
    let app = spawn().await;
    let health = health_category(&app).await;
    for n in 0..30 {
        let fields = json!({"status": "draft", "subtitle": "Zebra zebra"});
        app.article(&format!("Zebra Draft {n}"), health, fields)
            .await;
    }
    for n in 0..3 {
        let mut fields = published("2025-01-02T00:00:00Z");
        fields["sections"] = json!([{"heading": "Part", "body": "A zebra crossing."}]);
        app.article(&format!("Crossings {n}"), health, fields).await;
    }
    let body = app
        .get("/api/v1/search?q=zebra&per_page=2")
        .await
        .expect(200)
        .body;
    assert_eq!(body["meta"]["total"], 3);
    assert_eq!(slugs(&body), ["crossings-0", "crossings-1"]);
    let (found, total) = matches(
        &app,
        Some(&app.editor()),
        "/api/v1/search?q=zebra&per_page=100",
    )
    .await;
    assert_eq!((found.len(), total), (33, 33));
}
