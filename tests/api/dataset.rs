//! Tests: `healthhub import` / `export` — round trips, idempotent re-imports, all-or-nothing
//! failures, skipping bad records, and a search index that stays in sync.

use chrono::Utc;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use healthhub::dataset::export::export;
use healthhub::dataset::import::{import, ImportOptions};
use healthhub::db::Database;
use std::path::{Path, PathBuf};

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/dataset-20.json"
);

fn fresh(dir: &Path, name: &str) -> Database {
    let url = dir.join(name).to_string_lossy().into_owned();
    Database::open(&url, 1).expect("open").0
}

fn run_import(
    db: &Database,
    path: &Path,
    continue_on_error: bool,
) -> anyhow::Result<healthhub::dataset::import::ImportSummary> {
    import(
        db,
        path,
        ImportOptions {
            continue_on_error,
            ..ImportOptions::default()
        },
        Utc::now().naive_utc(),
    )
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn count(db: &Database, sql: &str, word: Option<&str>) -> i64 {
    let sql = sql.to_owned();
    let word = word.map(str::to_owned);
    db.read_blocking(move |conn| {
        let query = diesel::sql_query(sql);
        Ok(match word {
            Some(word) => query.bind::<Text, _>(word).get_result::<Count>(conn)?.n,
            None => query.get_result::<Count>(conn)?.n,
        })
    })
    .expect("count")
}

fn write_file(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path
}

#[test]
fn import_then_export_then_import_round_trips_to_an_identical_file() {
    let dir = tempfile::tempdir().unwrap();
    let first = fresh(dir.path(), "first.db");
    let summary = run_import(&first, Path::new(FIXTURE), false).unwrap();
    assert_eq!(
        (summary.categories, summary.articles, summary.sections),
        (30, 20, 60)
    );
    for layout in ["json", "ndjson"] {
        let exported = dir.path().join(format!("export.{layout}"));
        export(&first, &exported).unwrap();
        let second = fresh(dir.path(), &format!("second-{layout}.db"));
        run_import(&second, &exported, false).unwrap();
        let again = dir.path().join(format!("again.{layout}"));
        export(&second, &again).unwrap();
        assert_eq!(
            std::fs::read(&exported).unwrap(),
            std::fs::read(&again).unwrap(),
            "{layout} export → import → export differs"
        );
    }
}

/// The generator's set with every part the format has beyond it (people with avatars, tags,
/// references, bylines, tags on articles, SEO fields with social images, feature images, ends of
/// publication): written by `tests/fixtures/enrich_dataset.py`.
const FULL_FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/dataset-20-full.json"
);

/// A new database holding media items named by the SHA-256s the enriched set uses
/// (`MEDIA` in `tests/fixtures/enrich_dataset.py`): a data set names media, it carries no file.
fn fresh_with_media(dir: &Path, name: &str) -> Database {
    let db = fresh(dir, name);
    let url = dir.join(name).to_string_lossy().into_owned();
    let mut conn = SqliteConnection::establish(&url).expect("connect");
    for letter in "abcdef".chars() {
        let sha = letter.to_string().repeat(64);
        conn.batch_execute(&format!(
            "INSERT INTO media (sha256, media_type, byte_size, width, height, alt, caption, \
             credit, created_at, updated_at) VALUES ('{sha}', 'image/jpeg', 100, 40, 30, \
             'Picture {letter}', '', '', '2025-01-01 00:00:00', '2025-01-01 00:00:00')"
        ))
        .expect("a media item");
    }
    db
}

#[test]
fn a_generated_set_using_every_part_of_the_format_round_trips_to_an_identical_file() {
    let dir = tempfile::tempdir().unwrap();
    let first = fresh_with_media(dir.path(), "first.db");
    let summary = run_import(&first, Path::new(FULL_FIXTURE), false).unwrap();
    assert_eq!(
        (summary.people, summary.tags, summary.articles),
        (4, 5, 20),
        "{summary}"
    );
    let parts = |sql: &str| count(&first, sql, None);
    assert!(parts("SELECT COUNT(*) AS n FROM article_references") > 20);
    assert!(parts("SELECT COUNT(*) AS n FROM article_authors") > 10);
    assert!(parts("SELECT COUNT(*) AS n FROM article_reviews") > 5);
    assert!(parts("SELECT COUNT(*) AS n FROM article_tags") > 20);
    assert!(parts("SELECT COUNT(*) AS n FROM article_seo") > 5);
    assert!(parts("SELECT COUNT(*) AS n FROM article_seo WHERE og_image_id IS NOT NULL") > 0);
    assert!(parts("SELECT COUNT(*) AS n FROM article_feature_images") > 5);
    assert!(parts("SELECT COUNT(*) AS n FROM person_avatars") > 0);
    for layout in ["json", "ndjson"] {
        let exported = dir.path().join(format!("full.{layout}"));
        export(&first, &exported).unwrap();
        let second = fresh_with_media(dir.path(), &format!("full-second-{layout}.db"));
        run_import(&second, &exported, false).unwrap();
        let again = dir.path().join(format!("full-again.{layout}"));
        export(&second, &again).unwrap();
        assert_eq!(
            std::fs::read(&exported).unwrap(),
            std::fs::read(&again).unwrap(),
            "{layout} export → import → export differs"
        );
    }
    // What was exported is what the file said, part for part.
    let exported: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("full.json")).unwrap()).unwrap();
    let given: serde_json::Value =
        serde_json::from_slice(&std::fs::read(FULL_FIXTURE).unwrap()).unwrap();
    for key in ["people", "tags"] {
        assert_eq!(exported[key], given[key], "{key}");
    }
    let by_slug = |data: &serde_json::Value, slug: &str| {
        data["articles"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["slug"] == slug)
            .cloned()
            .unwrap()
    };
    for article in given["articles"].as_array().unwrap() {
        let slug = article["slug"].as_str().unwrap();
        let out = by_slug(&exported, slug);
        for part in [
            "references",
            "author_slugs",
            "reviewer_slug",
            "reviewed_at",
            "tag_slugs",
            "seo",
            "feature_image",
            "unpublish_at",
        ] {
            assert_eq!(out.get(part), article.get(part), "{slug}: {part}");
        }
    }
}

#[test]
fn reimporting_the_same_file_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh(dir.path(), "db.db");
    run_import(&db, Path::new(FIXTURE), false).unwrap();
    let versions = count(&db, "SELECT SUM(version) AS n FROM articles", None);
    let again = run_import(&db, Path::new(FIXTURE), false).unwrap();
    assert_eq!((again.articles, again.unchanged), (0, 20));
    assert_eq!(
        count(&db, "SELECT SUM(version) AS n FROM articles", None),
        versions
    );
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM sections", None), 60);
}

#[test]
fn a_bad_record_stops_the_import_naming_it_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh(dir.path(), "db.db");
    let file = write_file(
        dir.path(),
        "bad.ndjson",
        concat!(
            r#"{"type":"category","name":"Health","slug":"health","parent_slug":null}"#,
            "\n",
            r#"{"type":"article","title":"Fine","slug":"fine","status":"draft","published_at":null,"category_slug":"health"}"#,
            "\n",
            r#"{"type":"article","title":"","slug":"empty-title","status":"draft","published_at":null,"category_slug":"health"}"#,
            "\n",
        ),
    );
    let error = format!("{:#}", run_import(&db, &file, false).unwrap_err());
    assert!(
        error.contains("line 3") && error.contains("title"),
        "{error}"
    );
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM categories", None), 0);
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM articles", None), 0);

    let skipped = run_import(&db, &file, true).unwrap();
    assert_eq!(skipped.articles, 1);
    assert_eq!(skipped.skipped.len(), 1);
    assert!(
        skipped.skipped[0].starts_with("line 3"),
        "{:?}",
        skipped.skipped
    );
}

#[test]
fn a_malformed_document_names_where_it_broke() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh(dir.path(), "db.db");
    let file = write_file(
        dir.path(),
        "bad.json",
        r#"{"categories": [{"name": "Health", "slug": "health", "parent_slug": null}], "articles": [{"title": "X", "slug": "x", "status": "live", "published_at": null, "category_slug": "health"}]}"#,
    );
    let error = format!("{:#}", run_import(&db, &file, false).unwrap_err());
    assert!(
        error.contains("articles[0]") && error.contains("live"),
        "{error}"
    );
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM categories", None), 0);
}

#[test]
fn imported_articles_are_searchable_and_the_index_keeps_following_edits() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh(dir.path(), "db.db");
    run_import(&db, Path::new(FIXTURE), false).unwrap();
    let matching = "SELECT COUNT(*) AS n FROM article_search WHERE article_search MATCH ?";
    assert_eq!(
        count(&db, "SELECT COUNT(*) AS n FROM article_search", None),
        20
    );
    assert!(count(&db, matching, Some("caffeine")) > 0);
    assert_eq!(count(&db, matching, Some("zyxwvut")), 0);
    db.write_blocking(|conn| {
        diesel::sql_query(
            "UPDATE sections SET body = 'zyxwvut', body_text = 'zyxwvut' WHERE position = 1",
        )
        .execute(conn)?;
        Ok(())
    })
    .unwrap();
    assert_eq!(count(&db, matching, Some("zyxwvut")), 20);
}

#[test]
fn reimporting_a_changed_article_replaces_its_search_row() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh(dir.path(), "db.db");
    let record = |body: &str| {
        format!(
            "{}\n{}\n",
            r#"{"type":"category","name":"Health","slug":"health","parent_slug":null}"#,
            serde_json::json!({
                "type": "article", "title": "Tea", "slug": "tea", "status": "draft",
                "published_at": null, "category_slug": "health",
                "sections": [{"position": 1, "heading": "Brewing", "body": body}],
            })
        )
    };
    let first = write_file(dir.path(), "first.ndjson", &record("alphaword steeps"));
    run_import(&db, &first, false).unwrap();
    let second = write_file(dir.path(), "second.ndjson", &record("betaword steeps"));
    let summary = run_import(&db, &second, false).unwrap();
    assert_eq!(summary.articles, 1);
    let matching = "SELECT COUNT(*) AS n FROM article_search WHERE article_search MATCH ?";
    assert_eq!(count(&db, matching, Some("alphaword")), 0);
    assert_eq!(count(&db, matching, Some("betaword")), 1);
    assert_eq!(
        count(&db, "SELECT COUNT(*) AS n FROM article_search", None),
        1
    );
    assert_eq!(count(&db, "SELECT word_count AS n FROM articles", None), 3);
}

/// An import into a database nobody else has open runs with a rollback journal (no WAL the size
/// of the data set) and leaves the database in WAL, as the server expects; with another
/// connection open it stays in WAL throughout and still imports.
#[test]
fn an_import_leaves_the_database_in_wal() {
    #[derive(QueryableByName)]
    struct Mode {
        #[diesel(sql_type = Text)]
        journal_mode: String,
    }
    let journal_mode = |db: &Database| {
        db.on_writer(|conn| diesel::sql_query("PRAGMA journal_mode").get_result::<Mode>(conn))
            .unwrap()
            .journal_mode
    };
    let dir = tempfile::tempdir().unwrap();
    let db = fresh(dir.path(), "db.db");
    run_import(&db, Path::new(FIXTURE), false).unwrap();
    assert_eq!(journal_mode(&db), "wal");
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM articles", None), 20);

    let other = fresh(dir.path(), "other.db");
    let mut reader =
        healthhub::db::DbConn::open(dir.path().join("other.db").to_str().unwrap()).unwrap();
    diesel::sql_query("SELECT 1").execute(&mut reader).unwrap();
    run_import(&other, Path::new(FIXTURE), false).unwrap();
    assert_eq!(journal_mode(&other), "wal");
    assert_eq!(
        count(&other, "SELECT COUNT(*) AS n FROM articles", None),
        20
    );
}

/// An import leaves no merge work in the search indexes: the server's background merge steps,
/// which make writes wait, find nothing to do after it, however many segments the import's one
/// transaction wrote (here one per KiB of terms: FTS5's `hashsize` set to 1 024 bytes).
#[actix_web::test]
async fn an_import_leaves_the_search_indexes_merged() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh(dir.path(), "db.db");
    db.on_writer(|conn| {
        conn.batch_execute(
            "INSERT INTO article_search (article_search, rank) VALUES ('hashsize', 1024); \
             INSERT INTO article_trigrams (article_trigrams, rank) VALUES ('hashsize', 1024);",
        )
    })
    .unwrap();
    run_import(&db, Path::new(FIXTURE), false).unwrap();
    assert!(
        count(
            &db,
            "SELECT COUNT(*) AS n FROM article_search WHERE article_search MATCH 'sleep'",
            None
        ) > 0,
        "the imported articles are searchable"
    );
    assert!(
        !db.merge_search_index().await.unwrap(),
        "a background merge step found work the import left"
    );
}
