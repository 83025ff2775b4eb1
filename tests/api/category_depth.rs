//! Tests: the tree rule at any depth (issue 11, kind 4). A category never becomes its own
//! ancestor however long the chain, and the tree has at most `MAX_DEPTH` levels, enforced with a
//! 409 (the stored tree refuses a well-formed parent) on create, on move and on import, so that paths, breadcrumbs, the tree and the export
//! order always see every level.

use crate::common::spawn;
use healthhub::categories::model::MAX_DEPTH;
use healthhub::dataset::export::export;
use healthhub::dataset::import::{import, ImportOptions};
use healthhub::db::Database;
use serde_json::{json, Value};

#[actix_web::test]
async fn a_chain_as_deep_as_allowed_keeps_every_level_and_no_move_makes_a_cycle() {
    let app = spawn().await;
    let token = app.editor();
    let mut chain: Vec<Value> = Vec::new();
    for level in 1..=MAX_DEPTH {
        let parent = chain.last().map(|c| c["id"].as_i64().unwrap());
        chain.push(app.category(&format!("Level {level}"), parent).await);
    }
    let first = &chain[0];
    let last = &chain[MAX_DEPTH - 1];

    // One level more is refused on create.
    let before = app.count("categories");
    app.post(
        &token,
        "/api/v1/categories",
        json!({"name": "Too deep", "parent_id": last["id"]}),
    )
    .await
    .expect_problem(409, "state_conflict");
    assert_eq!(app.count("categories"), before);

    // The example (then 66 long): moving the first under the last would be a cycle.
    for below in [last, &chain[1], &chain[MAX_DEPTH / 2]] {
        let reply = app
            .patch(
                &token,
                &format!("/api/v1/categories/{}", first["id"]),
                json!({"parent_id": below["id"]}),
            )
            .await
            .expect_problem(409, "state_conflict");
        assert_eq!(reply.error_fields(), vec!["parent_id"]);
    }
    // A category under itself, directly.
    app.patch(
        &token,
        &format!("/api/v1/categories/{}", first["id"]),
        json!({"parent_id": first["id"]}),
    )
    .await
    .expect_problem(409, "state_conflict");

    // Moving a two-level subtree under a category on the last-but-one level makes it too deep.
    let side = app.category("Side", None).await;
    app.category("Side child", side["id"].as_i64()).await;
    app.patch(
        &token,
        &format!("/api/v1/categories/{}", side["id"]),
        json!({"parent_id": chain[MAX_DEPTH - 2]["id"]}),
    )
    .await
    .expect_problem(409, "state_conflict");
    // Under the level before that, it fits exactly.
    app.patch(
        &token,
        &format!("/api/v1/categories/{}", side["id"]),
        json!({"parent_id": chain[MAX_DEPTH - 3]["id"]}),
    )
    .await
    .expect(200);

    // Every level is seen: breadcrumbs, path and the tree.
    let deepest = app
        .get(&format!("/api/v1/categories/{}", last["id"]))
        .await
        .expect(200);
    assert_eq!(
        deepest.body["breadcrumbs"].as_array().unwrap().len(),
        MAX_DEPTH,
        "{}",
        deepest.body
    );
    assert_eq!(
        deepest.body["path"].as_str().unwrap().split('/').count(),
        MAX_DEPTH
    );
    let tree = app.get("/api/v1/categories/tree").await.expect(200);
    let mut node = &tree.body["data"][0];
    let mut levels = 1;
    while let Some(child) = node["children"].as_array().and_then(|c| c.first()) {
        node = child;
        levels += 1;
    }
    assert_eq!(levels, MAX_DEPTH);

    // Export writes a file that import takes back whole, in a fresh database.
    let file = app.dir.path().join("deep.json");
    let db = Database::open(&app.state.config.database_url, 1).unwrap().0;
    let summary = export(&db, &file).expect("export");
    assert_eq!(summary.categories, MAX_DEPTH + 2);
    let other = Database::open(&app.dir.path().join("other.db").to_string_lossy(), 1)
        .unwrap()
        .0;
    let imported = import(
        &other,
        &file,
        ImportOptions::default(),
        app.now().naive_utc(),
    )
    .expect("import");
    assert_eq!(imported.categories, MAX_DEPTH + 2);
}

#[actix_web::test]
async fn an_import_deeper_than_the_limit_is_refused_whole() {
    let app = spawn().await;
    let categories: Vec<Value> = (0..=MAX_DEPTH)
        .map(|i| {
            json!({
                "name": format!("Level {i}"),
                "slug": format!("level-{i}"),
                "parent_slug": if i == 0 { Value::Null } else { json!(format!("level-{}", i - 1)) },
            })
        })
        .collect();
    let file = app.dir.path().join("too-deep.json");
    std::fs::write(
        &file,
        json!({"categories": categories, "articles": []}).to_string(),
    )
    .unwrap();
    let error = import(
        &app.state.db,
        &file,
        ImportOptions::default(),
        app.now().naive_utc(),
    )
    .expect_err("one level too deep");
    assert!(format!("{error:#}").contains("levels"), "{error:#}");
    assert_eq!(app.count("categories"), 0);
}
