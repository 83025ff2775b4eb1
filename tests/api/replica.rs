//! Tests: anonymous reads from a PostgreSQL streaming replica — used when it has replayed every
//! change the node knows of, never when it is behind: a writer reads its own writes, and no node
//! answers (or re-fills its cache) from a replica that has not replayed the change that emptied
//! it. Needs `HEALTHHUB_TEST_REPLICA_URL` (`.ci/run` starts a replica); skipped otherwise.

use crate::common::{bearer, spawn_with};
use crate::test_db::{replica_of, replica_only};
use actix_web::test::TestRequest;
use diesel::connection::SimpleConnection;
use healthhub::db::DbConn;
use serde_json::json;
use std::time::{Duration, Instant};

#[actix_web::test]
async fn anonymous_reads_use_the_replica_only_once_it_has_replayed_what_the_node_knows() {
    if replica_only("a streaming replica") {
        return;
    }
    let a = spawn_with(|config| config.replica_url = replica_of(&config.database_url)).await;
    let b = a.peer().await;
    let health = a.category("Health", None).await["id"].as_i64().unwrap();
    a.article(
        "Replicated",
        health,
        json!({"status": "published", "published_at": "2026-01-01T00:00:00Z"}),
    )
    .await;
    let path = "/api/v1/articles/replicated";
    let served = |app: &healthhub::state::AppState| app.db.replica_reads.served.get();
    let fell_back = |app: &healthhub::state::AppState| app.db.replica_reads.fell_back.get();

    // Caught up: an anonymous read is the replica's.
    let deadline = Instant::now() + Duration::from_secs(10);
    let before = served(&a.state);
    while served(&a.state) == before {
        assert!(Instant::now() < deadline, "the replica never answered");
        a.state
            .responses
            .changed(&healthhub::caching::store::Change::Everything);
        a.get(path).await.expect(200);
    }

    // The replica stops replaying: the next change stays on the primary.
    let mut replica = DbConn::open(a.state.config.replica_url.as_deref().unwrap()).unwrap();
    replica
        .batch_execute("SELECT pg_wal_replay_pause()")
        .unwrap();
    let token = a.editor();
    a.send(
        TestRequest::patch()
            .uri(path)
            .insert_header(bearer(&token))
            .set_json(json!({"title": "Only on the primary"})),
    )
    .await
    .expect(200);
    // The writer reads its write, with its token or without, on its node...
    assert_eq!(
        a.get_as(&token, path).await.body["title"],
        "Only on the primary"
    );
    let fallbacks = fell_back(&a.state);
    assert_eq!(a.get(path).await.body["title"], "Only on the primary");
    assert!(
        fell_back(&a.state) > fallbacks,
        "the stale replica was skipped"
    );
    // ...and the other node, once it has heard of the change, never answers from the replica
    // (nor keeps what it answered before).
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let title = b.get(path).await.body["title"].clone();
        if title == "Only on the primary" {
            break;
        }
        assert!(Instant::now() < deadline, "B kept answering {title}");
        actix_web::rt::time::sleep(Duration::from_millis(2)).await;
    }
    for _ in 0..3 {
        assert_eq!(b.get(path).await.body["title"], "Only on the primary");
    }

    // Replay resumes: the replica answers again.
    replica
        .batch_execute("SELECT pg_wal_replay_resume()")
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let before = served(&a.state);
    while served(&a.state) == before {
        assert!(Instant::now() < deadline, "the replica never caught up");
        a.state
            .responses
            .changed(&healthhub::caching::store::Change::Everything);
        assert_eq!(a.get(path).await.body["title"], "Only on the primary");
    }
}

#[actix_web::test]
async fn readiness_asks_the_primary_not_the_replica() {
    if replica_only("a streaming replica") {
        return;
    }
    let app = spawn_with(|config| config.replica_url = replica_of(&config.database_url)).await;
    let reads = &app.state.db.replica_reads;
    let asked = || reads.served.get() + reads.fell_back.get();
    let before = asked();
    for _ in 0..5 {
        app.get("/readyz").await.expect(200);
    }
    assert_eq!(
        asked(),
        before,
        "/readyz is an anonymous GET, but a replica that answers says nothing about the primary"
    );
}

#[actix_web::test]
async fn a_key_the_replica_does_not_know_is_looked_up_on_the_primary_before_a_404() {
    if replica_only("a streaming replica") {
        return;
    }
    let app = spawn_with(|config| config.replica_url = replica_of(&config.database_url)).await;
    app.category("Health", None).await;
    let served = || app.state.db.replica_reads.served.get();
    let fell_back = || app.state.db.replica_reads.fell_back.get();
    // The replica answers: it has replayed everything this node knows of.
    let deadline = Instant::now() + Duration::from_secs(10);
    let before = served();
    while served() == before {
        assert!(Instant::now() < deadline, "the replica never answered");
        app.state
            .responses
            .changed(&healthhub::caching::store::Change::Everything);
        app.get("/api/v1/categories/health").await.expect(200);
    }
    let mut replica = DbConn::open(app.state.config.replica_url.as_deref().unwrap()).unwrap();
    replica
        .batch_execute("SELECT pg_wal_replay_pause()")
        .unwrap();
    // Another writer's category that this node has not been told of (its triggers, which
    // announce changes, are off for this session): what a node sees between another node's
    // commit and the notification of it.
    let mut primary = DbConn::open(&app.state.config.database_url).unwrap();
    primary
        .batch_execute(
            "SET session_replication_role = replica;
             INSERT INTO categories (slug, name, description, parent_id, position, created_at,
                                     updated_at, version)
             VALUES ('unannounced', 'Unannounced', '', NULL, 9, now(), now(), 1);",
        )
        .unwrap();
    let fallbacks = fell_back();
    let found = app.get("/api/v1/categories/unannounced").await;
    let missing = app.get("/api/v1/categories/never-created").await;
    replica
        .batch_execute("SELECT pg_wal_replay_resume()")
        .unwrap();
    assert_eq!(found.expect(200).body["name"], "Unannounced");
    missing.expect(404);
    assert_eq!(
        fell_back(),
        fallbacks + 2,
        "both keys the replica did not know were asked of the primary"
    );
}
