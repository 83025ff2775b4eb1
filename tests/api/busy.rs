//! Tests: a write that cannot get the write lock in time (another writer holds it past
//! `HEALTHHUB_DB_LOCK_TIMEOUT`) is a 503 to retry, never a 500, and changes nothing; a pooled
//! PostgreSQL connection the server dropped is a 503 at worst, and is replaced.

use crate::common::{bearer, spawn_with};
use crate::test_db;
use actix_web::test::TestRequest;
use diesel::connection::SimpleConnection;
use healthhub::db::transaction::WRITE_LOCK;
use healthhub::db::{Backend, DbConn};
use serde_json::json;
use std::time::Duration;

#[actix_web::test]
async fn a_write_waiting_past_the_lock_timeout_is_a_503_and_writes_nothing() {
    let app = spawn_with(|config| config.db_timeouts.lock = Duration::from_millis(200)).await;
    let health = app.category("Health", None).await["id"].as_i64().unwrap();
    let token = app.editor();
    // Another writer holds the write lock (on SQLite the database's, on PostgreSQL the
    // cluster-wide advisory lock) in an open transaction.
    let mut other = DbConn::open(app.database.url()).expect("connect");
    let hold = match test_db::backend() {
        Backend::Sqlite => "BEGIN IMMEDIATE".to_owned(),
        Backend::Postgres => format!("BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK})"),
    };
    other.batch_execute(&hold).expect("hold the write lock");
    let refused = app
        .send(
            TestRequest::post()
                .uri("/api/v1/articles")
                .insert_header(bearer(&token))
                .set_json(json!({"title": "Waiting", "category_id": health})),
        )
        .await;
    refused.expect_problem(503, "unavailable");
    other
        .batch_execute("ROLLBACK")
        .expect("release the write lock");
    assert_eq!(app.count("articles"), 0);
}

#[actix_web::test]
async fn pooled_connections_the_database_dropped_answer_503_at_worst_and_are_replaced() {
    if test_db::postgres_only("connections to a server") {
        return;
    }
    let app = spawn_with(|_| {}).await;
    let health = app.category("Health", None).await["id"].as_i64().unwrap();
    app.article(
        "Still here",
        health,
        json!({"status": "published", "published_at": "2026-01-01T00:00:00Z"}),
    )
    .await;
    let token = app.editor();
    // With a token the answer is private: never from the response cache, always a query.
    let path = "/api/v1/articles/still-here";
    app.get_as(&token, path).await.expect(200);

    // The server ends every other session of this database: the pool's (idle, unaware) and
    // the listener's.
    let mut admin = DbConn::open(app.database.url()).expect("connect");
    admin
        .batch_execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
        .expect("terminate the sessions");

    let mut statuses = Vec::new();
    for _ in 0..8 {
        let reply = app.get_as(&token, path).await;
        statuses.push(reply.status.as_u16());
        if reply.status.as_u16() == 503 {
            reply.expect_problem(503, "unavailable");
        }
    }
    assert!(
        statuses.iter().all(|status| [200, 503].contains(status)),
        "{statuses:?}"
    );
    // Each dropped connection fails at most one request, then leaves the pool (three here).
    assert!(
        statuses.iter().filter(|status| **status == 503).count() <= 3,
        "{statuses:?}"
    );
    assert_eq!(statuses.last(), Some(&200), "{statuses:?}");
}
