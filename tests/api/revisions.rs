//! Tests: revisions — one per content change, newest first, whole snapshots, restore under
//! If-Match and the rules of every write (scopes, 409s from the stored state), its own log
//! entry and revision, and the per-article retention.

use crate::common::{bearer, spawn, spawn_with};
use actix_web::test::TestRequest;
use healthhub::auth::Scope;
use serde_json::json;

#[actix_web::test]
async fn every_content_write_stores_a_revision_listed_newest_first() {
    let app = spawn().await;
    let token = app.editor();
    let category = app.category("Health", None).await;
    let article = app
        .article(
            "Sleep Basics",
            category["id"].as_i64().unwrap(),
            json!({"sections": [{"heading": "Why", "body": "Because."}]}),
        )
        .await;
    let id = article["id"].as_i64().unwrap();
    let path = format!("/api/v1/articles/{id}");
    app.patch(&token, &path, json!({"title": "Sleep Better"}))
        .await
        .expect(200);
    app.patch(&token, &path, json!({"title": "Sleep Better"}))
        .await
        .expect(200);
    app.post(
        &token,
        &format!("{path}/sections"),
        json!({"heading": "How", "body": "Slowly."}),
    )
    .await
    .expect(201);
    let list = app
        .get_as(&token, &format!("{path}/revisions"))
        .await
        .expect(200);
    let versions: Vec<i64> = list.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, [3, 2, 1]);
    assert_eq!(list.body["meta"]["current_version"], 3);
    assert_eq!(list.body["data"][0]["section_count"], 2);
    assert_eq!(list.body["data"][1]["title"], "Sleep Better");
    assert_eq!(list.body["data"][2]["title"], "Sleep Basics");
    assert_eq!(list.body["data"][2]["subject"], "test-script");

    let first = app
        .get_as(&token, &format!("{path}/revisions/1"))
        .await
        .expect(200);
    assert_eq!(first.body["article"]["title"], "Sleep Basics");
    assert_eq!(
        first.body["article"]["sections"],
        json!([{"heading": "Why", "body": "Because."}])
    );
    // Unknown or malformed versions name no revision; anonymous and writer-only callers are refused.
    for missing in ["9", "0", "x", "99999999999"] {
        app.get_as(&token, &format!("{path}/revisions/{missing}"))
            .await
            .expect_problem(404, "not_found");
    }
    app.get(&format!("{path}/revisions")).await.expect(401);
    app.get_as(&app.token(&[Scope::Write]), &format!("{path}/revisions"))
        .await
        .expect(403);
}

#[actix_web::test]
async fn restore_writes_the_snapshot_back_as_a_new_logged_version() {
    let app = spawn().await;
    let token = app.editor();
    let category = app.category("Health", None).await;
    let article = app
        .article(
            "Original",
            category["id"].as_i64().unwrap(),
            json!({"sections": [{"heading": "One", "body": "First."}]}),
        )
        .await;
    let id = article["id"].as_i64().unwrap();
    let path = format!("/api/v1/articles/{id}");
    app.patch(
        &token,
        &path,
        json!({"title": "Changed", "slug": "changed"}),
    )
    .await
    .expect(200);
    app.put(
        &token,
        &format!("{path}/sections"),
        json!({"sections": [{"heading": "Other", "body": "Else."}]}),
    )
    .await
    .expect(200);
    // A stale If-Match is a 412 and changes nothing.
    app.send(
        TestRequest::post()
            .uri(&format!("{path}/revisions/1/restore"))
            .insert_header(bearer(&token))
            .insert_header(("If-Match", "\"2\"")),
    )
    .await
    .expect_problem(412, "precondition_failed");
    let restored = app
        .send(
            TestRequest::post()
                .uri(&format!("{path}/revisions/1/restore"))
                .insert_header(bearer(&token))
                .insert_header(("If-Match", "\"3\"")),
        )
        .await
        .expect(200);
    assert_eq!(restored.header("etag"), "\"4\"");
    assert_eq!(restored.body["title"], "Original");
    assert_eq!(restored.body["slug"], "original");
    assert_eq!(restored.body["sections"][0]["heading"], "One");
    assert_eq!(restored.body["sections"].as_array().unwrap().len(), 1);
    // The renamed-away slug still finds the article.
    app.get_as(&token, "/api/v1/articles/changed")
        .await
        .expect(308);
    // Logged as an update with the rename, and stored as revision 4.
    let feed = app
        .get_as(&app.token(&[Scope::Read]), "/api/v1/changes?after=0")
        .await
        .expect(200);
    let last = feed.body["data"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["event"], "article.updated");
    assert_eq!(last["version"], 4);
    assert_eq!(last["old_slug"], "changed");
    let four = app
        .get_as(&token, &format!("{path}/revisions/4"))
        .await
        .expect(200);
    let one = app
        .get_as(&token, &format!("{path}/revisions/1"))
        .await
        .expect(200);
    assert_eq!(four.body["article"], one.body["article"]);
    // Restoring what is current writes nothing.
    let again = app
        .post(&token, &format!("{path}/revisions/4/restore"), json!(null))
        .await
        .expect(200);
    assert_eq!(again.header("etag"), "\"4\"");
}

#[actix_web::test]
async fn restore_follows_the_rules_of_every_write() {
    let app = spawn().await;
    let token = app.editor();
    let health = app.category("Health", None).await;
    let sleep = app.category("Sleep", None).await;
    let article = app
        .article("Draft", health["id"].as_i64().unwrap(), json!({}))
        .await;
    let id = article["id"].as_i64().unwrap();
    let path = format!("/api/v1/articles/{id}");
    app.post(&token, &format!("{path}/publish"), json!({}))
        .await
        .expect(200);
    // Restoring the draft changes the status: content:publish is needed for that.
    let writer = app.token(&[Scope::Write, Scope::Read]);
    app.post(&writer, &format!("{path}/revisions/1/restore"), json!(null))
        .await
        .expect_problem(403, "forbidden");
    // Its slug is now another article's: 409, nothing written.
    app.patch(
        &token,
        &path,
        json!({"slug": "moved", "category_id": sleep["id"]}),
    )
    .await
    .expect(200);
    app.article(
        "Draft",
        health["id"].as_i64().unwrap(),
        json!({"slug": "draft"}),
    )
    .await;
    app.post(&token, &format!("{path}/revisions/2/restore"), json!(null))
        .await
        .expect(409);
    // Its category has been deleted: 409 naming category_id.
    app.patch(
        &token,
        &path,
        json!({"category_id": sleep["id"], "slug": "moved"}),
    )
    .await
    .expect(200);
    let other = app
        .get_as(&token, "/api/v1/articles/draft")
        .await
        .expect(200);
    app.delete(&token, &format!("/api/v1/articles/{}", other.body["id"]))
        .await
        .expect(204);
    app.delete(&token, &format!("/api/v1/categories/{}", health["id"]))
        .await
        .expect(204);
    let refused = app
        .post(&token, &format!("{path}/revisions/2/restore"), json!(null))
        .await
        .expect_problem(409, "state_conflict");
    assert_eq!(refused.error_fields(), ["category_id"]);
    let current = app.get_as(&token, &path).await.expect(200);
    assert_eq!(current.header("etag").split('-').next(), Some("\"3"));
}

#[actix_web::test]
async fn only_the_newest_revisions_are_kept_and_deleting_the_article_drops_them() {
    let app = spawn_with(|config| config.journal.revisions_per_article = 3).await;
    let token = app.editor();
    let category = app.category("Health", None).await;
    let article = app
        .article("V1", category["id"].as_i64().unwrap(), json!({}))
        .await;
    let path = format!("/api/v1/articles/{}", article["id"]);
    for n in 2..=6 {
        app.patch(&token, &path, json!({"title": format!("V{n}")}))
            .await
            .expect(200);
    }
    let list = app
        .get_as(&token, &format!("{path}/revisions"))
        .await
        .expect(200);
    let versions: Vec<i64> = list.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, [6, 5, 4]);
    app.get_as(&token, &format!("{path}/revisions/3"))
        .await
        .expect(404);
    app.delete(&token, &path).await.expect(204);
    assert_eq!(app.count("article_revisions"), 0);
}
