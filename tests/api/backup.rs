//! Tests: online backups taken during concurrent writes are consistent; restores check the backup and refuse doubtful ones.

use crate::common::spawn;
use crate::write_load::{start_writers, SECTIONS};
use actix_web::web;
use diesel::connection::SimpleConnection;
use diesel::migration::MigrationSource;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text};
use healthhub::db::backup::{self, BackupInfo};
use healthhub::db::{Database, SQLITE_MIGRATIONS};
use serde_json::json;
use std::path::Path;
use std::rc::Rc;
use std::time::Duration;

fn connect(path: &Path) -> SqliteConnection {
    SqliteConnection::establish(path.to_str().expect("UTF-8 path")).expect("open the copy")
}

fn integrity(conn: &mut SqliteConnection) -> Vec<String> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        integrity_check: String,
    }
    diesel::sql_query("PRAGMA integrity_check")
        .load::<Row>(conn)
        .expect("integrity_check")
        .into_iter()
        .map(|row| row.integrity_check)
        .collect()
}

/// Every article's section positions, in order: `(article id, positions)`.
fn positions(conn: &mut SqliteConnection) -> Vec<(i32, Vec<i32>)> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Integer)]
        article_id: i32,
        #[diesel(sql_type = Integer)]
        position: i32,
    }
    let ids: Vec<i32> = {
        #[derive(QueryableByName)]
        struct Id {
            #[diesel(sql_type = Integer)]
            id: i32,
        }
        diesel::sql_query("SELECT id FROM articles ORDER BY id")
            .load::<Id>(conn)
            .expect("articles")
            .into_iter()
            .map(|row| row.id)
            .collect()
    };
    let rows = diesel::sql_query(
        "SELECT article_id, position FROM sections ORDER BY article_id, position",
    )
    .load::<Row>(conn)
    .expect("sections");
    ids.into_iter()
        .map(|id| {
            let positions = rows
                .iter()
                .filter(|row| row.article_id == id)
                .map(|row| row.position)
                .collect();
            (id, positions)
        })
        .collect()
}

fn count(conn: &mut SqliteConnection, table: &str) -> i64 {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}"))
        .get_result::<Count>(conn)
        .expect("count")
        .n
}

fn known_migrations() -> usize {
    MigrationSource::<diesel::sqlite::Sqlite>::migrations(&SQLITE_MIGRATIONS)
        .expect("migrations")
        .len()
}

#[actix_web::test]
async fn a_backup_taken_during_concurrent_writes_is_consistent() {
    if crate::test_db::sqlite_only("the online backup (VACUUM INTO) and restore of a file") {
        return;
    }
    let app = Rc::new(spawn().await);
    let category = app.category("Health", None).await["id"].as_i64().unwrap();
    let token = app.editor();
    let writers = start_writers(&app, &token, category, 12);

    while app.count("articles") < 8 {
        actix_web::rt::time::sleep(Duration::from_millis(2)).await;
    }
    let copy = app.dir.path().join("mid-way.db");
    let url = app.state.config.database_url.clone();
    let target = copy.clone();
    let bytes = web::block(move || backup::backup(&url, &target))
        .await
        .expect("backup task")
        .expect("backup");
    for writer in writers {
        writer.await.expect("writer");
    }

    assert_eq!(std::fs::metadata(&copy).unwrap().len(), bytes);
    assert!(
        !copy.with_extension("db-wal").exists(),
        "the copy is a single file"
    );
    let mut conn = connect(&copy);
    assert_eq!(integrity(&mut conn), ["ok"]);
    let articles = positions(&mut conn);
    assert!(articles.len() >= 8, "{} articles", articles.len());
    assert!(articles.len() as i64 <= app.count("articles"));
    for (id, positions) in &articles {
        let expected: Vec<i32> = (1..=positions.len() as i32).collect();
        assert_eq!(positions, &expected, "article {id}");
        assert!(
            positions.len() == SECTIONS || positions.len() == SECTIONS + 1,
            "article {id} has {} sections: a write was torn",
            positions.len()
        );
    }
    assert_eq!(
        backup::verify(&copy).unwrap(),
        BackupInfo {
            bytes,
            migrations: known_migrations()
        }
    );

    // The copy is a working database for this binary.
    drop(conn);
    let (restored, fresh) = Database::open(copy.to_str().unwrap(), 1).expect("open the copy");
    assert!(!fresh);
    drop(restored);
}

#[actix_web::test]
async fn a_backup_never_overwrites_a_file() {
    if crate::test_db::sqlite_only("the online backup (VACUUM INTO) and restore of a file") {
        return;
    }
    let app = spawn().await;
    let target = app.dir.path().join("existing.db");
    std::fs::write(&target, b"keep me").unwrap();
    let error = backup::backup(&app.state.config.database_url, &target).unwrap_err();
    assert!(error.to_string().contains("already exists"), "{error:#}");
    assert_eq!(std::fs::read(&target).unwrap(), b"keep me");

    let missing = app.dir.path().join("no-such.db");
    let error = backup::backup(missing.to_str().unwrap(), &app.dir.path().join("b.db"));
    assert!(error.is_err());
    assert!(
        !missing.exists(),
        "backing up a missing database does not create it"
    );
}

#[actix_web::test]
async fn a_backup_file_name_is_data_not_sql() {
    if crate::test_db::sqlite_only("the online backup (VACUUM INTO) and restore of a file") {
        return;
    }
    let app = spawn().await;
    let target = app
        .dir
        .path()
        .join("it's a \"backup\"; DROP TABLE articles;.db");
    backup::backup(&app.state.config.database_url, &target).expect("backup");
    assert_eq!(integrity(&mut connect(&target)), ["ok"]);
    assert_eq!(app.count("articles"), 0);
}

#[actix_web::test]
async fn restore_installs_a_good_backup_and_needs_force_to_replace() {
    if crate::test_db::sqlite_only("the online backup (VACUUM INTO) and restore of a file") {
        return;
    }
    let app = spawn().await;
    let category = app.category("Health", None).await["id"].as_i64().unwrap();
    app.article(
        "Sleep",
        category,
        json!({"sections": [{"heading": "A", "body": "a"}]}),
    )
    .await;
    let copy = app.dir.path().join("backup.db");
    backup::backup(&app.state.config.database_url, &copy).expect("backup");

    let target = app.dir.path().join("restored.db");
    let url = target.to_str().unwrap();
    let restored = backup::restore(&copy, url, false).expect("restore into a new file");
    assert!(!restored.replaced);
    assert_eq!(restored.info.migrations, known_migrations());
    assert_eq!(count(&mut connect(&target), "articles"), 1);
    assert!(copy.exists(), "the backup itself is kept");

    let error = backup::restore(&copy, url, false).unwrap_err();
    assert!(error.to_string().contains("--force"), "{error:#}");

    // A stale shared-memory index of the old database must not survive the swap.
    std::fs::write(target.with_extension("db-shm"), vec![0u8; 32768]).unwrap();
    let restored = backup::restore(&copy, url, true).expect("forced restore");
    assert!(restored.replaced);
    assert!(!target.with_extension("db-shm").exists());
    let (db, fresh) = Database::open(url, 1).expect("open the restored database");
    assert!(!fresh);
    drop(db);
    assert_eq!(count(&mut connect(&target), "sections"), 1);
    let leftovers: Vec<_> = std::fs::read_dir(app.dir.path())
        .unwrap()
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains(".restore-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[actix_web::test]
async fn restore_refuses_a_database_in_use() {
    if crate::test_db::sqlite_only("the online backup (VACUUM INTO) and restore of a file") {
        return;
    }
    let app = spawn().await;
    app.category("Health", None).await;
    let copy = app.dir.path().join("backup.db");
    backup::backup(&app.state.config.database_url, &copy).expect("backup");
    app.category("Sleep", None).await;

    let url = &app.state.config.database_url;
    let wal = Path::new(url).with_extension("db-wal");
    assert!(std::fs::metadata(&wal).unwrap().len() > 0);
    let error = backup::restore(&copy, url, true).unwrap_err();
    assert!(error.to_string().contains("stop the server"), "{error:#}");

    // With the log folded in and emptied, the open connections still give the server away.
    connect(Path::new(url))
        .batch_execute("PRAGMA wal_checkpoint(TRUNCATE);")
        .unwrap();
    assert_eq!(std::fs::metadata(&wal).unwrap().len(), 0);
    let error = backup::restore(&copy, url, true).unwrap_err();
    assert!(error.to_string().contains("is in use"), "{error:#}");

    assert_eq!(app.count("categories"), 2, "the live database is untouched");
    app.category("Nutrition", None).await;
}

#[actix_web::test]
async fn restore_refuses_damaged_and_foreign_files() {
    if crate::test_db::sqlite_only("the online backup (VACUUM INTO) and restore of a file") {
        return;
    }
    let app = spawn().await;
    let category = app.category("Health", None).await["id"].as_i64().unwrap();
    for n in 0..20 {
        app.article(&format!("Article {n}"), category, json!({}))
            .await;
    }
    let good = app.dir.path().join("good.db");
    backup::backup(&app.state.config.database_url, &good).expect("backup");
    let target = app.dir.path().join("target.db");
    backup::restore(&good, target.to_str().unwrap(), false).expect("restore");
    let before = std::fs::read(&target).unwrap();

    let not_sqlite = app.dir.path().join("notes.txt");
    std::fs::write(&not_sqlite, "this is not a database".repeat(100)).unwrap();

    let damaged = app.dir.path().join("damaged.db");
    let mut bytes = std::fs::read(&good).unwrap();
    let page = 4096;
    assert!(bytes.len() > 4 * page);
    let end = bytes.len() - page;
    for byte in &mut bytes[2 * page + 100..end] {
        *byte = 0x5a;
    }
    std::fs::write(&damaged, bytes).unwrap();

    // Readable, but an index no longer matches its table: only integrity_check notices.
    let inconsistent = app.dir.path().join("inconsistent.db");
    std::fs::copy(&good, &inconsistent).unwrap();
    connect(&inconsistent)
        .batch_execute(
            "PRAGMA writable_schema = ON; \
             UPDATE sqlite_master SET sql = 'CREATE INDEX articles_published ON articles (title)' \
             WHERE name = 'articles_published';",
        )
        .unwrap();

    let newer = app.dir.path().join("newer.db");
    std::fs::copy(&good, &newer).unwrap();
    diesel::sql_query("INSERT INTO __diesel_schema_migrations (version) VALUES ('29991231000000')")
        .execute(&mut connect(&newer))
        .unwrap();

    let empty = app.dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();

    for (file, why) in [
        (&not_sqlite, "not an SQLite database"),
        (&damaged, "damaged"),
        (&inconsistent, "missing from index"),
        (&newer, "newer"),
        (&empty, "empty"),
    ] {
        let error = backup::restore(file, target.to_str().unwrap(), true).unwrap_err();
        let message = format!("{error:#}");
        assert!(
            message.contains(why) && message.contains(&*file.to_string_lossy()),
            "{}: {message}",
            file.display()
        );
        assert_eq!(
            std::fs::read(&target).unwrap(),
            before,
            "{}",
            file.display()
        );
    }
}
