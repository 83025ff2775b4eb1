//! Tests: a write that cannot get the write lock in time (another writer holds it past
//! `HEALTHHUB_DB_LOCK_TIMEOUT`) is a 503 to retry, never a 500, and changes nothing.

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
