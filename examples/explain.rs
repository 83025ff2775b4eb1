//! The query plan of an SQL statement as the server's own (bundled) SQLite chooses it, which can
//! differ from the `sqlite3` command line tool's older SQLite.
//!
//! `cargo run --example explain -- target/bench/bench-100000.db "SELECT … FROM articles …"`

use diesel::sql_types::{Integer, Text};
use diesel::{Connection, QueryableByName, RunQueryDsl, SqliteConnection};
use std::process::ExitCode;

#[derive(QueryableByName)]
struct PlanStep {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Integer)]
    parent: i32,
    #[diesel(sql_type = Text)]
    detail: String,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [database, sql] = args.as_slice() else {
        eprintln!("usage: explain DATABASE SQL");
        return ExitCode::from(2);
    };
    let plan = SqliteConnection::establish(database).and_then(|mut conn| {
        diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}"))
            .load::<PlanStep>(&mut conn)
            .map_err(|e| diesel::ConnectionError::BadConnection(e.to_string()))
    });
    match plan {
        Ok(steps) => {
            let mut depth = std::collections::HashMap::new();
            for step in steps {
                let level = depth.get(&step.parent).map_or(0, |d| d + 1);
                depth.insert(step.id, level);
                println!("{}{}", "  ".repeat(level), step.detail);
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("explain: {error}");
            ExitCode::FAILURE
        }
    }
}
