//! Bulk writes: an import leaves the search index alone while it writes rows, then rebuilds the
//! search rows of the articles it wrote in one statement, all inside the import's transaction.
//!
//! Indexing article by article is slow in FTS5: every statement that opens a savepoint (any
//! write with a statement journal) makes FTS5 flush its pending terms to disk as a new segment,
//! so a per-article trigger leaves one tiny segment per article and merges them over and over.

use chrono::NaiveDateTime;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{Text, Timestamp};

/// The search-index triggers that were dropped, with the statements that recreate them.
#[derive(Debug)]
pub struct SuspendedTriggers(Vec<String>);

#[derive(QueryableByName)]
struct TriggerSql {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    sql: String,
}

/// Drops the search-index triggers on `articles` and `sections` (inside the caller's
/// transaction, so a failed import rolls this back too) and returns what recreates them.
pub fn suspend_search_triggers(conn: &mut SqliteConnection) -> QueryResult<SuspendedTriggers> {
    let triggers: Vec<TriggerSql> = diesel::sql_query(
        "SELECT name, sql FROM sqlite_master \
         WHERE type = 'trigger' AND tbl_name IN ('articles', 'sections') \
         AND name LIKE 'article_search_%'",
    )
    .load(conn)?;
    for trigger in &triggers {
        conn.batch_execute(&format!("DROP TRIGGER \"{}\";", trigger.name))?;
    }
    Ok(SuspendedTriggers(
        triggers.into_iter().map(|t| t.sql).collect(),
    ))
}

/// Recreates the triggers [`suspend_search_triggers`] dropped.
pub fn restore_search_triggers(
    conn: &mut SqliteConnection,
    suspended: SuspendedTriggers,
) -> QueryResult<()> {
    for sql in suspended.0 {
        conn.batch_execute(&format!("{sql};"))?;
    }
    Ok(())
}

/// Rebuilds, from `article_search_source` (the same view the triggers read), the search rows of
/// every article last written at `now`: an import stamps each article it creates or changes with
/// its own `now`, so these are the articles it wrote. Rebuilding a row that was already in sync
/// (an article written at the same instant before) rewrites the same text.
pub fn reindex_written_at(conn: &mut SqliteConnection, now: NaiveDateTime) -> QueryResult<()> {
    diesel::sql_query(
        "DELETE FROM article_search WHERE rowid IN (SELECT id FROM articles WHERE updated_at = ?)",
    )
    .bind::<Timestamp, _>(now)
    .execute(conn)?;
    diesel::sql_query(
        "INSERT INTO article_search (rowid, title, subtitle, excerpt, headings, bodies) \
         SELECT * FROM article_search_source \
         WHERE id IN (SELECT id FROM articles WHERE updated_at = ?) ORDER BY id",
    )
    .bind::<Timestamp, _>(now)
    .execute(conn)?;
    Ok(())
}
