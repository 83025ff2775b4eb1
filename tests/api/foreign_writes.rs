//! Tests: a write another process makes to the SQLite file (a command-line import beside the
//! server) is noticed through the changes log: the server's response cache is emptied and
//! `Last-Modified` moves; the server's own writes never count as foreign.

use crate::common::spawn;
use chrono::Utc;
use healthhub::dataset::import::{import, ImportOptions};
use healthhub::db::Database;
use healthhub::jobs::foreign_writes::check;
use serde_json::json;

/// Imports, in a process of its own (another `Database` on the file), a data set in which the
/// article `sleep` of category `health` is titled `title`.
fn import_elsewhere(url: &str, dir: &std::path::Path, title: &str) {
    let other = Database::open(url, 1).expect("open the file again").0;
    let data = json!({
        "categories": [{"name": "Health", "slug": "health", "description": "", "parent_slug": null, "position": 0}],
        "articles": [{"title": title, "slug": "sleep", "subtitle": "", "excerpt": "", "status": "published",
                      "published_at": "2025-01-01T00:00:00Z", "category_slug": "health",
                      "sections": [{"position": 1, "heading": "Why", "body": "Rest."}]}],
    });
    let path = dir.join(format!("{title}.json"));
    std::fs::write(&path, data.to_string()).unwrap();
    import(
        &other,
        &path,
        ImportOptions::default(),
        Utc::now().naive_utc(),
    )
    .expect("import");
}

#[actix_web::test]
async fn another_processs_import_empties_the_cache_and_the_servers_own_writes_do_not_count() {
    if crate::test_db::sqlite_only("other processes writing the same SQLite file") {
        return;
    }
    let app = spawn().await;
    let url = app.state.config.database_url.clone();
    import_elsewhere(&url, app.dir.path(), "Sleep");
    assert!(
        check(&app.state).await,
        "a write before any of the server's own"
    );
    let category = app.category("Food", None).await["id"].as_i64().unwrap();
    app.article("Oats", category, json!({"status": "published"}))
        .await;
    assert!(
        !check(&app.state).await,
        "the server's own writes are not foreign"
    );

    let first = app.get("/api/v1/articles/sleep").await.expect(200);
    assert_eq!(first.body["title"], "Sleep");
    app.set_now(app.now() + chrono::TimeDelta::seconds(2));
    let listed = app.get("/api/v1/articles").await.expect(200);
    import_elsewhere(&url, app.dir.path(), "Sleep well");
    let cached = app.get("/api/v1/articles/sleep").await.expect(200);
    assert_eq!(
        cached.body["title"], "Sleep",
        "until the check, the cache still answers"
    );
    assert!(check(&app.state).await);
    app.set_now(app.now() + chrono::TimeDelta::seconds(2));
    let fresh = app.get("/api/v1/articles/sleep").await.expect(200);
    assert_eq!(fresh.body["title"], "Sleep well");
    let relisted = app.get("/api/v1/articles").await.expect(200);
    assert!(!listed.header("last-modified").is_empty());
    assert_ne!(
        relisted.header("last-modified"),
        listed.header("last-modified"),
        "Last-Modified moves"
    );
    assert!(!check(&app.state).await, "each foreign write counts once");

    import_elsewhere(&url, app.dir.path(), "Sleep better");
    app.category("Sleep", None).await;
    assert!(
        check(&app.state).await,
        "a foreign write noticed by a write of the server's own"
    );
    let now = app.get("/api/v1/articles/sleep").await.expect(200);
    assert_eq!(now.body["title"], "Sleep better");
}
