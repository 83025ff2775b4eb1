//! Tests: several nodes over one PostgreSQL database (issue 13) — each node's response cache and
//! `Last-Modified` follow the other nodes' writes, and the rules a single writer enforced
//! (`If-Match`, unique slugs) hold across nodes. On SQLite (one process per file) they skip.

use crate::common::{bearer, spawn, spawn_with, Reply};
use crate::test_db::postgres_only;
use actix_web::test::TestRequest;
use healthhub::db::notifications::LISTENER_NAME;
use serde_json::json;
use std::time::{Duration, Instant};

/// How long a node may take to hear of another's write before a test fails. The proofs measure
/// the real delay (milliseconds); this only bounds a hung test.
pub const PATIENCE: Duration = Duration::from_secs(5);

/// Polls `read` until `done` says its reply is the one expected, or [`PATIENCE`] runs out.
pub async fn eventually<F, Fut>(mut read: F, done: impl Fn(&Reply) -> bool) -> Reply
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Reply>,
{
    let started = Instant::now();
    loop {
        let reply = read().await;
        if done(&reply) || started.elapsed() > PATIENCE {
            return reply;
        }
        actix_web::rt::time::sleep(Duration::from_millis(2)).await;
    }
}

#[actix_web::test]
async fn a_write_on_one_node_reaches_the_other_nodes_cache_and_last_modified() {
    if postgres_only("several nodes sharing a database") {
        return;
    }
    let a = spawn().await;
    let b = a.peer().await;
    let health = a.category("Health", None).await["id"].as_i64().unwrap();
    a.article(
        "Sleep well",
        health,
        json!({"status": "published", "published_at": "2026-01-01T00:00:00Z"}),
    )
    .await;
    let path = "/api/v1/articles/sleep-well";
    let list = "/api/v1/articles";
    let first = eventually(|| b.get(path), |reply| reply.status.as_u16() == 200).await;
    // Last-Modified is only given once the second of the last write has ended.
    a.set_now(a.now() + chrono::TimeDelta::seconds(2));
    b.get(path).await.expect(200);
    let listed = b.get(list).await.expect(200);
    b.get(list).await.expect(200);
    assert!(
        b.state.responses.usage().0 > 0,
        "the second reads filled B's cache"
    );
    let etag = first.header("etag").to_owned();
    let last_modified = listed.header("last-modified").to_owned();
    assert!(!last_modified.is_empty(), "a list carries Last-Modified");

    // A moves on by more than a second, so that the change shows in an HTTP date.
    a.set_now(a.now() + chrono::TimeDelta::seconds(5));
    a.send(
        TestRequest::patch()
            .uri(path)
            .insert_header(bearer(&a.editor()))
            .set_json(json!({"title": "Sleep better"})),
    )
    .await
    .expect(200);

    let fresh = eventually(
        || b.get(path),
        |reply| reply.body["title"] == "Sleep better",
    )
    .await;
    assert_eq!(
        fresh.body["title"], "Sleep better",
        "B still serves its copy"
    );
    let revalidated = b
        .send(
            TestRequest::get()
                .uri(path)
                .insert_header(("If-None-Match", etag.as_str())),
        )
        .await;
    assert_eq!(
        revalidated.status.as_u16(),
        200,
        "the old ETag no longer matches on B"
    );
    let since = b
        .send(
            TestRequest::get()
                .uri(list)
                .insert_header(("If-Modified-Since", last_modified.as_str())),
        )
        .await;
    assert_eq!(
        since.status.as_u16(),
        200,
        "B's Last-Modified moved past A's write"
    );
    assert_eq!(since.body["data"][0]["title"], "Sleep better");
    assert_ne!(since.header("last-modified"), last_modified);
}

#[actix_web::test]
async fn a_category_renamed_on_one_node_shows_in_the_other_nodes_article_pages() {
    if postgres_only("several nodes sharing a database") {
        return;
    }
    let a = spawn().await;
    let b = a.peer().await;
    let health = a.category("Health", None).await["id"].as_i64().unwrap();
    let sleep = a.category("Sleep", Some(health)).await["id"]
        .as_i64()
        .unwrap();
    a.article(
        "Naps",
        sleep,
        json!({"status": "published", "published_at": "2026-01-01T00:00:00Z"}),
    )
    .await;
    // With a token: never from the response cache, so only the category tree B keeps between
    // reads could be stale.
    let token = a.editor();
    let path = "/api/v1/articles/naps";
    let first = eventually(
        || b.get_as(&token, path),
        |reply| reply.status.as_u16() == 200,
    )
    .await;
    assert_eq!(first.body["breadcrumbs"][0]["name"], "Health");
    b.get(path).await.expect(200);
    assert!(
        b.state.category_links.snapshot().links.is_some(),
        "an anonymous miss filled B's category tree"
    );

    a.send(
        TestRequest::patch()
            .uri("/api/v1/categories/health")
            .insert_header(bearer(&token))
            .set_json(json!({"name": "Wellbeing"})),
    )
    .await
    .expect(200);
    let renamed = eventually(
        || b.get_as(&token, path),
        |reply| reply.body["breadcrumbs"][0]["name"] == "Wellbeing",
    )
    .await;
    assert_eq!(
        renamed.body["breadcrumbs"][0]["name"], "Wellbeing",
        "B kept the old category tree"
    );
}

#[actix_web::test]
async fn a_list_cached_on_one_node_shows_an_article_created_on_another() {
    if postgres_only("several nodes sharing a database") {
        return;
    }
    let a = spawn().await;
    let b = a.peer().await;
    let health = a.category("Health", None).await["id"].as_i64().unwrap();
    let list = "/api/v1/articles";
    b.get(list).await.expect(200);
    assert_eq!(b.get(list).await.expect(200).body["data"], json!([]));
    a.article(
        "Fresh news",
        health,
        json!({"status": "published", "published_at": "2026-01-01T00:00:00Z"}),
    )
    .await;
    let seen = eventually(|| b.get(list), |reply| reply.body["data"] != json!([])).await;
    assert_eq!(seen.body["data"][0]["slug"], "fresh-news");
}

#[actix_web::test]
async fn two_nodes_racing_on_one_version_give_one_200_and_one_412() {
    if postgres_only("several nodes sharing a database") {
        return;
    }
    let a = spawn().await;
    let b = a.peer().await;
    let health = a.category("Health", None).await["id"].as_i64().unwrap();
    let created = a.article("Contested", health, json!({})).await;
    let etag = format!("\"{}\"", created["version"]);
    let token = a.editor();
    let patch = |title: &str| {
        TestRequest::patch()
            .uri("/api/v1/articles/contested")
            .insert_header(bearer(&token))
            .insert_header(("If-Match", etag.as_str()))
            .set_json(json!({"title": title}))
    };
    let (on_a, on_b) = futures_util::join!(a.send(patch("From A")), b.send(patch("From B")));
    let mut statuses = [on_a.status.as_u16(), on_b.status.as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 412], "A: {} B: {}", on_a.body, on_b.body);
}

#[actix_web::test]
async fn two_nodes_creating_one_title_at_once_get_two_slugs() {
    if postgres_only("several nodes sharing a database") {
        return;
    }
    let a = spawn().await;
    let b = a.peer().await;
    let health = a.category("Health", None).await["id"].as_i64().unwrap();
    let token = a.editor();
    let create = || {
        TestRequest::post()
            .uri("/api/v1/articles")
            .insert_header(bearer(&token))
            .set_json(json!({"title": "Same title", "category_id": health}))
    };
    let (on_a, on_b) = futures_util::join!(a.send(create()), b.send(create()));
    let mut slugs = [
        on_a.expect(201).body["slug"].as_str().unwrap().to_owned(),
        on_b.expect(201).body["slug"].as_str().unwrap().to_owned(),
    ];
    slugs.sort();
    assert_eq!(slugs, ["same-title", "same-title-2"]);
}

#[actix_web::test]
async fn a_node_that_loses_its_notification_channel_stops_caching_until_it_is_back() {
    if postgres_only("the change notification channel") {
        return;
    }
    let a = spawn().await;
    let b = a.peer().await;
    let health = a.category("Health", None).await["id"].as_i64().unwrap();
    a.article(
        "Steady",
        health,
        json!({"status": "published", "published_at": "2026-01-01T00:00:00Z"}),
    )
    .await;
    let path = "/api/v1/articles/steady";
    eventually(|| b.get(path), |reply| reply.status.as_u16() == 200).await;
    b.get(path).await.expect(200);
    b.get("/readyz").await.expect(200);

    // Cut every listener's connection to this test's database, as a network fault would.
    a.execute(&format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE application_name = '{LISTENER_NAME}' AND datname = current_database()"
    ));
    let down = eventually(|| b.get("/readyz"), |reply| reply.status.as_u16() == 503).await;
    down.expect_problem(503, "unavailable");
    assert_eq!(b.state.responses.usage().0, 0, "nothing is kept while deaf");

    // A write B cannot hear of: B answers from the database, never from a copy.
    a.send(
        TestRequest::patch()
            .uri(path)
            .insert_header(bearer(&a.editor()))
            .set_json(json!({"title": "Changed while B was deaf"})),
    )
    .await
    .expect(200);
    assert_eq!(b.get(path).await.body["title"], "Changed while B was deaf");

    let back = eventually(|| b.get("/readyz"), |reply| reply.status.as_u16() == 200).await;
    back.expect(200);
    b.get(path).await.expect(200);
    assert_eq!(b.get(path).await.body["title"], "Changed while B was deaf");
}

#[actix_web::test]
async fn a_change_made_with_sql_by_another_tool_reaches_every_nodes_cache() {
    if postgres_only("change notifications from the database's triggers") {
        return;
    }
    let a = spawn().await;
    let health = a.category("Health", None).await["id"].as_i64().unwrap();
    a.article(
        "By hand",
        health,
        json!({"status": "published", "published_at": "2026-01-01T00:00:00Z"}),
    )
    .await;
    let path = "/api/v1/articles/by-hand";
    a.get(path).await.expect(200);
    a.get(path).await.expect(200);
    a.execute("UPDATE articles SET title = 'Fixed by hand' WHERE slug = 'by-hand'");
    let seen = eventually(
        || a.get(path),
        |reply| reply.body["title"] == "Fixed by hand",
    )
    .await;
    assert_eq!(seen.body["title"], "Fixed by hand");
}

#[actix_web::test]
async fn a_clients_read_quota_is_one_across_nodes() {
    if postgres_only("limits shared by several nodes") {
        return;
    }
    let a = spawn_with(|config| config.limits.reads_per_minute = 4).await;
    let b = a.peer().await;
    let client = std::net::SocketAddr::from(([192, 0, 2, 7], 40000));
    let read = || {
        TestRequest::get()
            .uri("/api/v1/categories")
            .peer_addr(client)
    };
    for _ in 0..2 {
        a.send(read()).await.expect(200);
        b.send(read()).await.expect(200);
    }
    b.send(read()).await.expect_problem(429, "rate_limited");
    a.send(read()).await.expect_problem(429, "rate_limited");
    // Another client has its own quota, on either node.
    let other = std::net::SocketAddr::from(([192, 0, 2, 8], 40000));
    b.send(
        TestRequest::get()
            .uri("/api/v1/categories")
            .peer_addr(other),
    )
    .await
    .expect(200);
}

#[actix_web::test]
async fn a_view_counted_on_one_node_is_not_counted_again_on_another() {
    if postgres_only("limits shared by several nodes") {
        return;
    }
    let a = spawn_with(|config| config.limits.view_window_seconds = 60).await;
    let b = a.peer().await;
    let health = a.category("Health", None).await["id"].as_i64().unwrap();
    a.article(
        "Counted",
        health,
        json!({"status": "published", "published_at": "2026-01-01T00:00:00Z"}),
    )
    .await;
    let client = std::net::SocketAddr::from(([192, 0, 2, 9], 40000));
    let view = || {
        TestRequest::post()
            .uri("/api/v1/articles/counted/views")
            .peer_addr(client)
    };
    a.send(view()).await.expect(200);
    b.send(view())
        .await
        .expect_problem(429, "view_already_counted");
    a.send(view())
        .await
        .expect_problem(429, "view_already_counted");
    healthhub::jobs::views::flush(&a.state).await.unwrap();
    healthhub::jobs::views::flush(&b.state).await.unwrap();
    let article = a
        .get_as(&a.editor(), "/api/v1/articles/counted")
        .await
        .expect(200);
    assert_eq!(article.body["view_count"], 1);
}

#[actix_web::test]
async fn a_change_to_a_person_a_tag_or_an_articles_parts_reaches_the_other_nodes_cache() {
    if postgres_only("several nodes sharing a database") {
        return;
    }
    let a = spawn().await;
    let b = a.peer().await;
    let token = a.editor();
    let person = a
        .post(
            &token,
            "/api/v1/people",
            json!({"name": "Jane Doe", "credentials": "MD"}),
        )
        .await
        .expect(201);
    let person_id = person.body["id"].as_i64().unwrap();
    let tag = a
        .post(&token, "/api/v1/tags", json!({"name": "Calm"}))
        .await
        .expect(201)
        .body["id"]
        .as_i64()
        .unwrap();
    let health = a.category("Health", None).await["id"].as_i64().unwrap();
    let article = a
        .article(
            "Sleep well",
            health,
            json!({"status": "published", "published_at": "2026-01-01T00:00:00Z",
                   "authors": [person_id], "tags": [tag]}),
        )
        .await;
    let article_id = article["id"].as_i64().unwrap();
    let draft = a
        .article("Rest more", health, json!({"authors": [person_id]}))
        .await;
    let picture = crate::media::picture(8, 8, image::ImageFormat::Png);
    let medium = crate::media::upload(&a, &token, picture, "image/png", "")
        .await
        .expect(201)
        .body;
    let page = "/api/v1/articles/sleep-well";
    let profile = "/api/v1/people/jane-doe";
    for path in [page, profile, page, profile] {
        eventually(|| b.get(path), |reply| reply.status.as_u16() == 200)
            .await
            .expect(200);
    }
    assert!(b.state.responses.usage().0 > 0, "B cached both");

    // Through the API on A: the person's credentials (no slug moves, no article version).
    a.patch(&token, profile, json!({"credentials": "MD, PhD"}))
        .await
        .expect(200);
    let credited = eventually(
        || b.get(page),
        |reply| reply.body["authors"][0]["credentials"] == "MD, PhD",
    )
    .await;
    assert_eq!(credited.body["authors"][0]["credentials"], "MD, PhD");
    let shown = eventually(
        || b.get(profile),
        |reply| reply.body["credentials"] == "MD, PhD",
    )
    .await;
    assert_eq!(
        shown.body["credentials"], "MD, PhD",
        "B kept the old profile"
    );

    // A tag's new name, likewise.
    a.patch(&token, "/api/v1/tags/calm", json!({"name": "Calm & quiet"}))
        .await
        .expect(200);
    let renamed = eventually(
        || b.get(page),
        |reply| reply.body["tags"][0]["name"] == "Calm & quiet",
    )
    .await;
    assert_eq!(renamed.body["tags"][0]["name"], "Calm & quiet");

    // Another writer (SQL) adds a reference without touching the article row.
    a.execute(&format!(
        "INSERT INTO article_references (article_id, position, title, url, publisher, year, doi, pubmed_id) \
         VALUES ({article_id}, 0, 'Sleep and memory', 'https://example.org/sleep', '', NULL, NULL, NULL)"
    ));
    let cited = eventually(
        || b.get(page),
        |reply| {
            reply.body["references"]
                .as_array()
                .is_some_and(|r| r.len() == 1)
        },
    )
    .await;
    assert_eq!(cited.body["references"][0]["title"], "Sleep and memory");

    // Another writer (SQL) gives the person an avatar without touching their row.
    a.execute(&format!(
        "INSERT INTO person_avatars (person_id, media_id, alt) VALUES ({person_id}, {}, 'Jane')",
        medium["id"]
    ));
    let pictured = |reply: &Reply| reply.body["avatar"]["media_id"] == medium["id"];
    assert!(pictured(&eventually(|| b.get(profile), pictured).await));
    let credited = eventually(
        || b.get(page),
        |reply| reply.body["authors"][0]["avatar"]["media_id"] == medium["id"],
    )
    .await;
    assert_eq!(credited.body["authors"][0]["avatar"]["alt"], "Jane");

    // An article of theirs published on A enters their page on B.
    a.post(
        &token,
        &format!("/api/v1/articles/{}/publish", draft["id"]),
        json!({}),
    )
    .await
    .expect(200);
    let listed = eventually(
        || b.get(profile),
        |reply| reply.body["articles"]["data"].as_array().map(Vec::len) == Some(2),
    )
    .await;
    assert_eq!(listed.body["articles"]["data"][0]["title"], "Rest more");
}
