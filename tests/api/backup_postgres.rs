//! Tests: PostgreSQL backups (`pg_dump`) taken during concurrent writes restore (`pg_restore`)
//! into a fresh database with the same content, and restores refuse doubtful archives and
//! non-empty databases without `--force`.

use crate::common::{spawn, spawn_in};
use crate::test_db::{postgres_only, TestDatabase};
use crate::write_load::{start_writers, SECTIONS};
use actix_web::web;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use healthhub::db::backup::{self, BackupInfo};
use healthhub::db::{known_versions, Backend};
use serde_json::{json, Value};
use std::path::Path;
use std::rc::Rc;
use std::time::Duration;

const WHY: &str = "pg_dump/pg_restore backups";

fn connect(url: &str) -> PgConnection {
    PgConnection::establish(url).expect("connect")
}

/// Everything a reader sees, one line per row: categories, articles, then every article's
/// sections in order.
fn content(url: &str) -> Vec<String> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        line: String,
    }
    let mut conn = connect(url);
    let mut lines = Vec::new();
    for sql in [
        "SELECT concat_ws('|', 'category', id, parent_id, slug, name, description, position, \
         version) AS line FROM categories ORDER BY id",
        "SELECT concat_ws('|', 'article', id, slug, title, subtitle, excerpt, status, \
         published_at, category_id, version, word_count) AS line FROM articles ORDER BY id",
        "SELECT concat_ws('|', 'section', article_id, position, id, heading, body, body_html, \
         body_text) AS line FROM sections ORDER BY article_id, position",
    ] {
        lines.extend(
            diesel::sql_query(sql)
                .load::<Row>(&mut conn)
                .expect("content")
                .into_iter()
                .map(|row| row.line),
        );
    }
    lines
}

/// Every article's section positions, in order.
fn positions(url: &str) -> Vec<(i64, Vec<i64>)> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(sql_type = Text)]
        positions: String,
    }
    diesel::sql_query(
        "SELECT a.id::bigint AS id, \
         coalesce(string_agg(s.position::text, ',' ORDER BY s.position), '') AS positions \
         FROM articles a LEFT JOIN sections s ON s.article_id = a.id GROUP BY a.id ORDER BY a.id",
    )
    .load::<Row>(&mut connect(url))
    .expect("positions")
    .into_iter()
    .map(|row| {
        let positions = row
            .positions
            .split(',')
            .filter(|p| !p.is_empty())
            .map(|p| p.parse().unwrap())
            .collect();
        (row.id, positions)
    })
    .collect()
}

/// Tables in the public schema of the database at `url`.
fn tables(url: &str) -> i64 {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    diesel::sql_query("SELECT COUNT(*) AS n FROM pg_tables WHERE schemaname = 'public'")
        .get_result::<Count>(&mut connect(url))
        .expect("tables")
        .n
}

fn slugs(results: &Value) -> Vec<String> {
    let mut slugs: Vec<String> = results["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|a| a["slug"].as_str().expect("slug").to_owned())
        .collect();
    slugs.sort();
    slugs
}

#[actix_web::test]
async fn a_backup_taken_during_writes_restores_into_a_fresh_database() {
    if postgres_only(WHY) {
        return;
    }
    let app = Rc::new(spawn().await);
    let category = app.category("Health", None).await["id"].as_i64().unwrap();
    app.category("Sleep", Some(category)).await;
    let token = app.editor();
    let writers = start_writers(&app, &token, category, 10);

    while app.count("articles") < 8 {
        actix_web::rt::time::sleep(Duration::from_millis(2)).await;
    }
    let dump = app.dir.path().join("mid-way.dump");
    let url = app.state.config.database_url.clone();
    let target = dump.clone();
    let bytes = web::block(move || backup::backup(&url, &target))
        .await
        .expect("backup task")
        .expect("backup");
    for writer in writers {
        writer.await.expect("writer");
    }
    assert_eq!(std::fs::metadata(&dump).unwrap().len(), bytes);
    let migrations = known_versions(Backend::Postgres).len();
    assert_eq!(
        backup::verify(&dump).unwrap(),
        BackupInfo { bytes, migrations }
    );

    // The snapshot: whole writes only, and no more than the source has now.
    let mid = TestDatabase::empty_postgres();
    let restored = backup::restore(&dump, mid.url(), false).expect("restore mid-way");
    assert!(!restored.replaced);
    assert_eq!(restored.info.migrations, migrations);
    let articles = positions(mid.url());
    assert!(articles.len() >= 8, "{} articles", articles.len());
    assert!(articles.len() as i64 <= app.count("articles"));
    for (id, positions) in &articles {
        let expected: Vec<i64> = (1..=positions.len() as i64).collect();
        assert_eq!(positions, &expected, "article {id}");
        assert!(
            positions.len() == SECTIONS || positions.len() == SECTIONS + 1,
            "article {id} has {} sections: a write was torn",
            positions.len()
        );
    }

    // Once the writes are over, a backup restores to exactly the same content.
    let source = app.state.config.database_url.clone();
    let done = app.dir.path().join("done.dump");
    backup::backup(&source, &done).expect("second backup");
    let fresh = TestDatabase::empty_postgres();
    backup::restore(&done, fresh.url(), false).expect("restore");
    let expected = content(&source);
    assert_eq!(expected.len(), 2 + 40 + 40 * (SECTIONS + 1));
    assert_eq!(content(fresh.url()), expected);

    // The restored database serves: search finds the same articles, and writes continue.
    let restored = spawn_in(tempfile::tempdir().unwrap(), fresh, |_| {}).await;
    for q in ["melatonin", "writer"] {
        let path = format!("/api/v1/search?q={q}&limit=100");
        let before = app.get(&path).await.expect(200).body;
        let after = restored.get(&path).await.expect(200).body;
        assert_eq!(slugs(&after).len(), 40, "{q}: {after}");
        assert_eq!(slugs(&after), slugs(&before), "{q}");
    }
    let added = restored
        .article("After the restore", category, json!({}))
        .await;
    assert!(
        added["id"].as_i64().unwrap() > 40,
        "the sequences were restored"
    );
}

#[actix_web::test]
async fn restoring_onto_a_database_with_content_needs_force() {
    if postgres_only(WHY) {
        return;
    }
    let source = spawn().await;
    let category = source.category("Health", None).await["id"]
        .as_i64()
        .unwrap();
    source
        .article(
            "Sleep",
            category,
            json!({"sections": [{"heading": "A", "body": "a"}, {"heading": "B", "body": "b"}]}),
        )
        .await;
    let dump = source.dir.path().join("source.dump");
    backup::backup(&source.state.config.database_url, &dump).expect("backup");

    let other = spawn().await;
    let category = other.category("Nutrition", None).await["id"]
        .as_i64()
        .unwrap();
    other.article("Fibre", category, json!({})).await;
    let url = other.state.config.database_url.clone();
    let before = content(&url);

    let error = backup::restore(&dump, &url, false).unwrap_err();
    let message = format!("{error:#}");
    assert!(message.contains("--force"), "{message}");
    assert_eq!(content(&url), before, "a refused restore changes nothing");

    // Even an empty but migrated database holds HealthHub's tables.
    let migrated = spawn().await;
    let error = backup::restore(&dump, &migrated.state.config.database_url, false).unwrap_err();
    assert!(error.to_string().contains("--force"), "{error:#}");

    // With force, the content is replaced, and servers listening are told.
    let mut listener = connect(&url);
    listener.batch_execute("LISTEN healthhub_changes").unwrap();
    let restored = backup::restore(&dump, &url, true).expect("forced restore");
    assert!(restored.replaced);
    assert!(
        !restored.database.contains("postgres@"),
        "no user or password in messages: {}",
        restored.database
    );
    assert_eq!(content(&url), content(&source.state.config.database_url));
    let notes: Vec<_> = listener
        .notifications_iter()
        .map(|note| note.expect("notification"))
        .collect();
    assert!(
        notes
            .iter()
            .any(|note| note.channel == "healthhub_changes" && note.payload == "all"),
        "{notes:?}"
    );
    // The server over that database keeps working (its cache aside, which listeners drop).
    other.category("Fitness", None).await;
}

#[actix_web::test]
async fn a_dump_from_a_newer_healthhub_is_refused_before_anything_changes() {
    if postgres_only(WHY) {
        return;
    }
    let source = spawn().await;
    source.category("Health", None).await;
    source.execute("INSERT INTO __diesel_schema_migrations (version) VALUES ('29991231000000')");
    let dump = source.dir.path().join("newer.dump");
    backup::backup(&source.state.config.database_url, &dump).expect("backup");

    let error = backup::verify(&dump).unwrap_err().to_string();
    assert!(
        error.contains("newer") && error.contains("29991231000000"),
        "{error}"
    );

    let empty = TestDatabase::empty_postgres();
    let error = format!(
        "{:#}",
        backup::restore(&dump, empty.url(), false).unwrap_err()
    );
    assert!(error.contains("newer"), "{error}");
    assert_eq!(tables(empty.url()), 0, "nothing was restored");

    let other = spawn().await;
    other.category("Nutrition", None).await;
    let url = other.state.config.database_url.clone();
    let before = content(&url);
    let error = format!("{:#}", backup::restore(&dump, &url, true).unwrap_err());
    assert!(error.contains("newer"), "{error}");
    assert_eq!(content(&url), before);
}

#[actix_web::test]
async fn doubtful_files_and_targets_are_refused_without_leaking_the_password() {
    if postgres_only(WHY) {
        return;
    }
    let app = spawn().await;
    let url = app.state.config.database_url.clone();
    let existing = app.dir.path().join("existing.dump");
    std::fs::write(&existing, b"keep me").unwrap();
    let error = backup::backup(&url, &existing).unwrap_err();
    assert!(error.to_string().contains("already exists"), "{error:#}");
    assert_eq!(std::fs::read(&existing).unwrap(), b"keep me");

    // An SQLite file, a damaged archive and an empty file.
    let sqlite = app.dir.path().join("backup.db");
    std::fs::write(&sqlite, b"SQLite format 3\0".repeat(64)).unwrap();
    let good = app.dir.path().join("good.dump");
    backup::backup(&url, &good).expect("backup");
    let damaged = app.dir.path().join("damaged.dump");
    let bytes = std::fs::read(&good).unwrap();
    std::fs::write(&damaged, &bytes[..bytes.len() / 3]).unwrap();
    let empty = app.dir.path().join("empty.dump");
    std::fs::write(&empty, b"").unwrap();
    let target = TestDatabase::empty_postgres();
    for (file, why) in [
        (&sqlite, "export"),
        (&damaged, "damaged"),
        (&empty, "empty"),
    ] {
        let error = format!(
            "{:#}",
            backup::restore(file, target.url(), true).unwrap_err()
        );
        assert!(
            error.contains(why) && error.contains(&*file.to_string_lossy()),
            "{}: {error}",
            file.display()
        );
        assert_eq!(tables(target.url()), 0, "{}", file.display());
    }
    // A PostgreSQL archive is not an SQLite backup.
    let sqlite_target = app.dir.path().join("target.db");
    let error = backup::restore(&good, sqlite_target.to_str().unwrap(), true).unwrap_err();
    assert!(error.to_string().contains("PostgreSQL backup"), "{error:#}");
    assert!(!sqlite_target.exists());

    // A server that refuses: the message names it without the password.
    let unreachable = "postgres://healthhub:s3cr3t-pw@127.0.0.1:1/healthhub";
    let missing = app.dir.path().join("never.dump");
    let error = format!("{:#}", backup::backup(unreachable, &missing).unwrap_err());
    assert!(error.contains("pg_dump failed"), "{error}");
    assert!(!error.contains("s3cr3t-pw"), "{error}");
    assert!(!missing.exists(), "a failed backup leaves no file");
    let error = format!(
        "{:#}",
        backup::restore(&good, unreachable, true).unwrap_err()
    );
    assert!(!error.contains("s3cr3t-pw"), "{error}");
    assert!(Path::new(&good).exists());
}
