//! SQLite's plans for list pages, checked rather than guessed: every statement [`run`] sends is
//! captured and explained (`EXPLAIN QUERY PLAN`) on a database whose planner statistics are
//! those of 100 000 generated articles, both as the server's own `PRAGMA optimize` samples them
//! and as a full `ANALYZE` counts them.

use super::run;
use crate::articles::query::{self, SortField, LIST};
use crate::articles::status::Audience;
use crate::db::{Database, DbConn};
use chrono::NaiveDateTime;
use diesel::connection::{Connection, InstrumentationEvent, SimpleConnection};
use diesel::RunQueryDsl;
use std::sync::{Arc, Mutex};

/// `sqlite_stat1` rows for `articles` as the server wrote them over 100 000 generated articles
/// (`PRAGMA analysis_limit = 1000; PRAGMA optimize`): a sample that takes the first thousand
/// entries of each index for the whole, so it believes `status = 'published'` picks 1 % of
/// the articles (it picks 90 %).
const SAMPLED: &[(&str, &str)] = &[
    ("articles_view_count_order", "79453 1001 1"),
    ("articles_updated_order", "103356 1001 1"),
    ("articles_title_order", "108290 22 1"),
    ("articles_category_visibility", "243552 1001 501 2 2"),
    ("articles_unpublish", "96188 1001 1001"),
    ("articles_visibility", "270144 1001 2 1 1"),
    ("articles_category_published", "97216 1001 1 1"),
    ("articles_published", "87000 1 1"),
    ("sqlite_autoindex_articles_1", "115200 1"),
];

/// The same articles counted by a full `ANALYZE`.
const COUNTED: &[(&str, &str)] = &[
    ("articles_view_count_order", "100000 80 1"),
    ("articles_updated_order", "100000 1 1"),
    ("articles_title_order", "100000 3 1"),
    ("articles_category_visibility", "100000 3334 1667 2 2"),
    ("articles_unpublish", "100000 50000 50000"),
    ("articles_visibility", "100000 50000 2 1 1"),
    ("articles_category_published", "100000 3334 2 1"),
    ("articles_published", "100000 2 1"),
    ("sqlite_autoindex_articles_1", "100000 1"),
];

fn now() -> NaiveDateTime {
    chrono::DateTime::from_timestamp(1_800_000_000, 0)
        .expect("a valid instant")
        .naive_utc()
}

/// A migrated, empty database file whose planner statistics for `articles` are `stats`.
fn database(dir: &tempfile::TempDir, stats: &[(&str, &str)]) -> DbConn {
    let url = dir.path().join("plans.db").display().to_string();
    drop(Database::open(&url, 1).expect("open and migrate"));
    let mut conn = DbConn::open(&url).expect("connect");
    conn.batch_execute("ANALYZE; DELETE FROM sqlite_stat1 WHERE tbl = 'articles';")
        .expect("statistics table");
    for (index, stat) in stats {
        diesel::sql_query("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('articles', ?, ?)")
            .bind::<diesel::sql_types::Text, _>(*index)
            .bind::<diesel::sql_types::Text, _>(*stat)
            .execute(&mut conn)
            .expect("statistics row");
    }
    // Loads the rows just written into the planner.
    conn.batch_execute("ANALYZE sqlite_schema;")
        .expect("reload statistics");
    conn
}

/// The SQL text of every statement `raw_query`'s page sends for anonymous readers, with the
/// plan SQLite chooses for each (its `detail` lines joined by newlines).
fn plans(conn: &mut DbConn, raw_query: &str) -> Vec<(String, String)> {
    let sent = Arc::new(Mutex::new(Vec::<String>::new()));
    let log = Arc::clone(&sent);
    conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::StartQuery { query, .. } = event {
            let text = query.to_string();
            let sql = text
                .rsplit_once(" -- binds: ")
                .map_or(text.as_str(), |(sql, _)| sql);
            log.lock().expect("statement log").push(sql.to_owned());
        }
    });
    let query = query::parse(raw_query, LIST).expect("a valid list query");
    run(conn, &query, Audience::Public(now()), now()).expect("the list runs");
    conn.set_instrumentation(|_: InstrumentationEvent<'_>| {});
    let statements = sent.lock().expect("statement log").clone();
    #[derive(diesel::QueryableByName)]
    struct Step {
        #[diesel(sql_type = diesel::sql_types::Text)]
        detail: String,
    }
    statements
        .into_iter()
        .filter(|sql| sql.starts_with("SELECT"))
        .map(|sql| {
            // Unbound parameters are NULL; without STAT4 a plan does not depend on them.
            let plan = diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}"))
                .load::<Step>(conn)
                .expect("explain")
                .into_iter()
                .map(|step| step.detail)
                .collect::<Vec<_>>()
                .join("\n");
            (sql, plan)
        })
        .collect()
}

/// The plan of the statement that reads the page's rows (the one with `LIMIT`).
fn page_plan(conn: &mut DbConn, raw_query: &str) -> String {
    plans(conn, raw_query)
        .into_iter()
        .find(|(sql, _)| sql.contains(" LIMIT "))
        .map(|(_, plan)| plan)
        .unwrap_or_else(|| panic!("no page statement for {raw_query}"))
}

fn sortable() -> impl Iterator<Item = SortField> {
    SortField::ALL
        .into_iter()
        .filter(|field| *field != SortField::Rank)
}

fn both_statistics() -> [(&'static str, &'static [(&'static str, &'static str)]); 2] {
    [("sampled", SAMPLED), ("counted", COUNTED)]
}

#[test]
fn every_sort_field_walks_an_index_instead_of_sorting_every_article() {
    for (name, stats) in both_statistics() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut conn = database(&dir, stats);
        for field in sortable() {
            for descending in [false, true] {
                let sort = format!("{}{}", if descending { "-" } else { "" }, field.name());
                for paging in ["per_page=20", "per_page=20&page=7", "limit=20"] {
                    let raw = format!("sort={sort}&{paging}");
                    let plan = page_plan(&mut conn, &raw);
                    assert!(
                        !plan.contains("TEMP B-TREE"),
                        "{name} statistics, {raw}: the page sorts every match:\n{plan}"
                    );
                }
            }
        }
    }
}

#[test]
fn a_cursor_page_starts_at_its_cursor_in_the_sort_index() {
    for (name, stats) in both_statistics() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut conn = database(&dir, stats);
        for field in sortable() {
            let sort = vec![query::SortKey {
                field,
                descending: true,
            }];
            let keys = query::cursor::effective_keys(&sort);
            let values = keys
                .iter()
                .map(|key| match key.field {
                    SortField::PublishedAt | SortField::UpdatedAt => {
                        query::cursor::KeyValue::Time(now())
                    }
                    SortField::Title | SortField::Slug => query::cursor::KeyValue::Text("m".into()),
                    _ => query::cursor::KeyValue::Int(500),
                })
                .collect();
            let after = query::cursor::Cursor { values }.encode(&sort);
            let raw = format!("sort=-{}&limit=20&after={after}", field.name());
            let plan = page_plan(&mut conn, &raw);
            assert!(
                !plan.contains("TEMP B-TREE") && !plan.starts_with("SCAN a\n"),
                "{name} statistics, {raw}: the page does not start at the cursor:\n{plan}"
            );
        }
    }
}

#[test]
fn totals_of_visible_articles_read_one_covering_index() {
    for (name, stats) in both_statistics() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut conn = database(&dir, stats);
        for field in sortable() {
            let raw = format!("sort={}&per_page=20", field.name());
            let (_, count) = plans(&mut conn, &raw)
                .into_iter()
                .find(|(sql, _)| sql.starts_with("SELECT COUNT(*)"))
                .expect("a count statement");
            assert!(
                count.contains("COVERING INDEX"),
                "{name} statistics, {raw}: the total reads the table:\n{count}"
            );
        }
    }
}

/// Counted statistics only: with the sampled ones SQLite reads an `in` list of view counts
/// through the visibility index, which it believes picks 1 % of the articles.
#[test]
fn equality_filters_on_indexed_fields_are_found_through_their_index() {
    for (name, stats) in [("counted", COUNTED)] {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut conn = database(&dir, stats);
        for (raw, index) in [
            (
                "filter[title][eq]=Sleep&per_page=20",
                "articles_title_order",
            ),
            (
                "filter[slug][eq]=sleep&per_page=20",
                "sqlite_autoindex_articles_1",
            ),
            (
                "filter[view_count][in]=1,2,3&per_page=20",
                "articles_view_count_order",
            ),
        ] {
            for (sql, plan) in plans(&mut conn, raw) {
                assert!(
                    plan.contains(index),
                    "{name} statistics, {raw}: not through {index}:\n{sql}\n{plan}"
                );
            }
        }
    }
}

/// A filter on `view_count` or `updated_at` that few articles match is found through its own
/// index, for the total and the page; one that many match is left to the visibility index
/// (`has_few_matches` counts them first).
#[test]
fn narrow_range_filters_are_found_through_their_index() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut conn = database(&dir, COUNTED);
    conn.batch_execute(
        "INSERT INTO categories (slug, name, created_at, updated_at) \
         VALUES ('c', 'C', '2020-01-01 00:00:00', '2020-01-01 00:00:00'); \
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1200) \
         INSERT INTO articles (slug, title, status, published_at, category_id, view_count, \
                               created_at, updated_at) \
         SELECT 'a-' || i, 'A ' || i, 'published', '2020-01-01 00:00:00', \
                (SELECT id FROM categories), i, '2020-01-01 00:00:00', '2020-01-01 00:00:00' \
         FROM n;",
    )
    .expect("1 200 articles");
    for (raw, index) in [
        (
            "filter[view_count][gt]=1100&per_page=20",
            "articles_view_count_order",
        ),
        (
            "filter[view_count][in]=5,6&per_page=20",
            "articles_view_count_order",
        ),
        (
            "filter[updated_at][gt]=2021-01-01&per_page=20",
            "articles_updated_order",
        ),
        (
            "filter[view_count][lt]=50&sort=title&per_page=20",
            "articles_view_count_order",
        ),
    ] {
        for (sql, plan) in plans(&mut conn, raw) {
            assert!(
                plan.contains(index),
                "{raw}: not through {index}:\n{sql}\n{plan}"
            );
        }
    }
    let raw = "filter[view_count][gt]=10&per_page=20";
    let (sql, count) = plans(&mut conn, raw)
        .into_iter()
        .find(|(sql, _)| sql.starts_with("SELECT COUNT(*) AS n FROM articles"))
        .expect("a count statement");
    assert!(
        count.contains("articles_visibility"),
        "{raw} (1 190 matches): the total is not read through the visibility index:\n{sql}\n{count}"
    );
}
