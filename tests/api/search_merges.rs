//! Tests: the SQLite search index merges its segments in bounded background steps, never inside
//! the write that adds one (issue 16, writes without stalls): FTS5's automatic merging is off,
//! each step reports whether it merged anything, steps run to the end leave fewer segments and an
//! index that passes FTS5's integrity check and still finds every article.
//! The job rests while no content write has happened since its last step found nothing to do.

use crate::common::spawn;
use serde_json::json;

#[actix_web::test]
async fn the_search_index_is_merged_by_background_steps_and_stays_whole() {
    if crate::test_db::sqlite_only("FTS5's segment merges") {
        return;
    }
    let app = spawn().await;
    assert_eq!(
        app.count("article_search_config WHERE k = 'automerge' AND v = 0"),
        1,
        "writes do not merge segments themselves"
    );
    let category = app.category("Health", None).await["id"].as_i64().unwrap();
    let words = [
        "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
    ];
    for round in 0..5 {
        for word in words {
            app.article(
                &format!("{word} {round}"),
                category,
                json!({"status": "published", "sections": [{"heading": word, "body": format!("All about {word}.")}]}),
            )
            .await;
        }
    }
    let unmerged = app.count("article_search_data");
    let mut steps = 0;
    while app.state.db.merge_search_index().await.unwrap() {
        steps += 1;
        assert!(steps < 1_000, "the merge steps end");
    }
    assert!(steps > 0, "40 one-article segments leave merge work");
    assert!(
        app.count("article_search_data") < unmerged,
        "merged segments take fewer rows ({unmerged} before)"
    );
    assert!(
        !app.state.db.merge_search_index().await.unwrap(),
        "nothing is left to merge"
    );
    app.execute("INSERT INTO article_search (article_search) VALUES ('integrity-check')");
    for word in words {
        let found = app
            .get(&format!("/api/v1/search?q={word}"))
            .await
            .expect(200)
            .body;
        assert_eq!(
            found["data"].as_array().unwrap().len(),
            5,
            "{word}: {found}"
        );
    }
}

/// The merge job rests while `content_writes` stands still: content writes move it, the merge
/// steps (bookkeeping) do not.
#[actix_web::test]
async fn content_writes_move_the_counter_the_merge_job_waits_on_and_merges_do_not() {
    let app = spawn().await;
    let db = &app.state.db;
    let start = db.content_writes();
    let category = app.category("Health", None).await["id"].as_i64().unwrap();
    app.article("Counted write", category, json!({"status": "published"}))
        .await;
    let after_writes = db.content_writes();
    assert!(after_writes >= start + 2, "{start} → {after_writes}");
    while db.merge_search_index().await.unwrap() {}
    assert_eq!(db.content_writes(), after_writes, "merges are bookkeeping");
}
