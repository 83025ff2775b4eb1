//! Bulk writes: during an import the search index is rebuilt once per article instead of once
//! per section, by suspending the per-section triggers inside the import's transaction.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};

/// The section triggers that were dropped, with the statements that recreate them.
#[derive(Debug)]
pub struct SuspendedTriggers(Vec<String>);

#[derive(QueryableByName)]
struct TriggerSql {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    sql: String,
}

/// Drops the search-index triggers on `sections` (inside the caller's transaction, so a failed
/// import rolls this back too) and returns what recreates them.
pub fn suspend_section_triggers(conn: &mut SqliteConnection) -> QueryResult<SuspendedTriggers> {
    let triggers: Vec<TriggerSql> = diesel::sql_query(
        "SELECT name, sql FROM sqlite_master \
         WHERE type = 'trigger' AND tbl_name = 'sections' AND name LIKE 'article_search_%'",
    )
    .load(conn)?;
    for trigger in &triggers {
        conn.batch_execute(&format!("DROP TRIGGER \"{}\";", trigger.name))?;
    }
    Ok(SuspendedTriggers(
        triggers.into_iter().map(|t| t.sql).collect(),
    ))
}

/// Recreates the triggers [`suspend_section_triggers`] dropped.
pub fn restore_section_triggers(
    conn: &mut SqliteConnection,
    suspended: SuspendedTriggers,
) -> QueryResult<()> {
    for sql in suspended.0 {
        conn.batch_execute(&format!("{sql};"))?;
    }
    Ok(())
}

/// Rebuilds the search row of article `id` from its current text and sections (through the
/// article's own update trigger, so the rebuild is written in one place: the migration).
pub fn reindex_article(conn: &mut SqliteConnection, id: i32) -> QueryResult<()> {
    diesel::sql_query("UPDATE articles SET title = title WHERE id = ?")
        .bind::<Integer, _>(id)
        .execute(conn)?;
    Ok(())
}
