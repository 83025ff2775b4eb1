//! Tests: SQLite's WAL is checkpointed by the server's background job, never by a commit (issue
//! 16, writes without stalls): commits leave every frame in the WAL, a passive checkpoint copies
//! them all when no reader is in the way, and the next write starts the WAL over.

use crate::common::spawn;
use serde_json::json;

/// Commits well past SQLite's automatic checkpoint threshold (1 000 pages): 24 articles of five
/// 40 000-character sections.
const ARTICLES: usize = 24;

#[actix_web::test]
async fn commits_leave_the_wal_to_the_checkpoints_which_copy_it_all_and_start_it_over() {
    if crate::test_db::sqlite_only("SQLite's WAL checkpoints") {
        return;
    }
    let app = spawn().await;
    let category = app.category("Health", None).await["id"].as_i64().unwrap();
    let body = "Sleep well and rest. ".repeat(2_000);
    let sections: Vec<_> = (1..=5)
        .map(|i| json!({"heading": format!("Part {i}"), "body": body}))
        .collect();
    for i in 0..ARTICLES {
        app.article(
            &format!("Long read {i}"),
            category,
            json!({"sections": sections}),
        )
        .await;
    }
    let db = &app.state.db;
    let first = db.checkpoint().await.unwrap().expect("SQLite checkpoints");
    assert!(
        first.frames > 1_000,
        "no commit checkpointed: the WAL holds every frame ({first:?})"
    );
    assert_eq!(
        (first.busy, first.checkpointed),
        (0, first.frames),
        "with no reader in the way, a passive checkpoint copies every frame"
    );

    app.category("Sleep", None).await;
    let next = db.checkpoint().await.unwrap().unwrap();
    assert!(
        next.frames < 100,
        "the write after a complete checkpoint starts the WAL over ({next:?})"
    );
}
