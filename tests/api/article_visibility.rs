//! Tests: every encoding of "who may see an article at time t" (`articles::status`) gives the same answer, on a real database, for a grid of rows around several instants.
//!
//! The reference is `ArticleState::of`; the grid is status × published_at (null, past, now,
//! future) × unpublish_at (null, past, future), read at instants that fall on the grid's own
//! boundaries too.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use diesel::sql_types::{Integer, Timestamp};
use healthhub::articles::model::visible_in_category;
use healthhub::articles::status::{
    public_at, published_sql, schedule_around, state_sql, ArticleState, Audience, PUBLIC_SQL,
};
use healthhub::db::schema::{articles, categories};
use healthhub::db::Database;
use std::collections::BTreeSet;

/// One row of the grid, as stored.
#[derive(Debug, Clone)]
struct Row {
    id: i32,
    status: &'static str,
    published_at: Option<NaiveDateTime>,
    unpublish_at: Option<NaiveDateTime>,
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = Integer)]
    id: i32,
}

fn base() -> NaiveDateTime {
    chrono::DateTime::from_timestamp(1_780_000_000, 0)
        .unwrap()
        .naive_utc()
}

/// The grid around `base()`, inserted into a fresh database.
fn grid(db: &Database) -> (i32, Vec<Row>) {
    let t = base();
    let published = [
        None,
        Some(t - TimeDelta::hours(1)),
        Some(t),
        Some(t + TimeDelta::hours(1)),
    ];
    let unpublish = [
        None,
        Some(t - TimeDelta::minutes(30)),
        Some(t + TimeDelta::hours(2)),
    ];
    db.write_blocking(|conn| {
        let category: i32 = diesel::insert_into(categories::table)
            .values((
                categories::slug.eq("grid"),
                categories::name.eq("Grid"),
                categories::created_at.eq(t),
                categories::updated_at.eq(t),
            ))
            .returning(categories::id)
            .get_result(conn)?;
        let mut rows = Vec::new();
        for status in ["draft", "published"] {
            for published_at in published {
                for unpublish_at in unpublish {
                    let n = rows.len();
                    let id: i32 = diesel::insert_into(articles::table)
                        .values((
                            articles::slug.eq(format!("row-{n}")),
                            articles::title.eq(format!("Row {n}")),
                            articles::status.eq(status),
                            articles::published_at.eq(published_at),
                            articles::unpublish_at.eq(unpublish_at),
                            articles::category_id.eq(category),
                            articles::created_at.eq(t),
                            articles::updated_at.eq(t),
                        ))
                        .returning(articles::id)
                        .get_result(conn)?;
                    rows.push(Row {
                        id,
                        status,
                        published_at,
                        unpublish_at,
                    });
                }
            }
        }
        Ok((category, rows))
    })
    .expect("insert the grid")
}

/// The instants the grid is read at: its centre, and every boundary of its rows, and a
/// microsecond on each side of them.
fn instants(rows: &[Row]) -> Vec<NaiveDateTime> {
    let mut all: BTreeSet<NaiveDateTime> = [base()].into();
    for row in rows {
        for at in [row.published_at, row.unpublish_at].into_iter().flatten() {
            all.extend([
                at - TimeDelta::microseconds(1),
                at,
                at + TimeDelta::microseconds(1),
            ]);
        }
    }
    all.into_iter().collect()
}

fn state(row: &Row, now: NaiveDateTime) -> ArticleState {
    ArticleState::of(row.status, row.published_at, row.unpublish_at, now)
}

fn ids(rows: &[Row], keep: impl Fn(&Row) -> bool) -> BTreeSet<i32> {
    rows.iter()
        .filter(|row| keep(row))
        .map(|row| row.id)
        .collect()
}

fn select(db: &Database, condition: healthhub::db::sql::Sql) -> BTreeSet<i32> {
    let mut sql = healthhub::db::sql::Sql::new("SELECT a.id FROM articles a WHERE ");
    sql.append(&condition);
    db.read_blocking(move |conn| Ok(sql.query(conn).load::<Id>(conn)?))
        .expect("run the SQL")
        .into_iter()
        .map(|row| row.id)
        .collect()
}

fn describe(rows: &[Row], differing: &BTreeSet<i32>) -> Vec<String> {
    rows.iter()
        .filter(|row| differing.contains(&row.id))
        .map(|row| format!("{row:?}"))
        .collect()
}

/// Asserts `got` selects the ids `expected` does, naming the rows that differ.
fn agree(
    encoding: &str,
    now: NaiveDateTime,
    rows: &[Row],
    expected: &BTreeSet<i32>,
    got: &BTreeSet<i32>,
) {
    let differing: BTreeSet<i32> = expected.symmetric_difference(got).copied().collect();
    assert!(
        differing.is_empty(),
        "{encoding} disagrees with ArticleState::of at {now} on {:#?}",
        describe(rows, &differing)
    );
}

#[test]
fn every_encoding_of_visibility_agrees_with_the_article_state() {
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("grid.db").to_string_lossy().into_owned();
    let (db, _) = Database::open(&url, 1).unwrap();
    let (category, rows) = grid(&db);
    assert_eq!(rows.len(), 24);
    let instants = instants(&rows);
    assert!(instants.len() > 10, "{instants:?}");

    let mut seen: Vec<ArticleState> = Vec::new();
    for now in instants {
        let public = ids(&rows, |row| state(row, now) == ArticleState::Published);
        for row in &rows {
            if !seen.contains(&state(row, now)) {
                seen.push(state(row, now));
            }
        }

        let sees = ids(&rows, |row| {
            Audience::Public(now).sees(row.status, row.published_at, row.unpublish_at)
        });
        agree("Audience::Public.sees", now, &rows, &public, &sees);
        assert!(rows.iter().all(|row| Audience::Editors.sees(
            row.status,
            row.published_at,
            row.unpublish_at
        )));

        let raw = db
            .read_blocking(move |conn| {
                Ok(
                    diesel::sql_query(format!("SELECT a.id FROM articles a WHERE {PUBLIC_SQL}"))
                        .bind::<Timestamp, _>(now)
                        .bind::<Timestamp, _>(now)
                        .load::<Id>(conn)?,
                )
            })
            .unwrap()
            .into_iter()
            .map(|row| row.id)
            .collect();
        agree("PUBLIC_SQL", now, &rows, &public, &raw);

        for (status, published_at) in [
            ("a.status", "a.published_at"),
            ("a.status", "+a.published_at"),
            ("+a.status", "+a.published_at"),
        ] {
            let got = select(&db, published_sql(now, status, published_at));
            agree(
                &format!("published_sql({status}, {published_at})"),
                now,
                &rows,
                &public,
                &got,
            );
        }

        for wanted in ArticleState::ALL {
            let expected = ids(&rows, |row| state(row, now) == wanted);
            let got = select(&db, state_sql(wanted, now));
            agree(
                &format!("state_sql({wanted:?})"),
                now,
                &rows,
                &expected,
                &got,
            );
        }

        let diesel_filter: BTreeSet<i32> = db
            .read_blocking(move |conn| {
                Ok(articles::table
                    .filter(public_at(now))
                    .select(articles::id)
                    .load::<i32>(conn)?)
            })
            .unwrap()
            .into_iter()
            .collect();
        agree("status::public_at", now, &rows, &public, &diesel_filter);

        let in_category: BTreeSet<i32> = db
            .read_blocking(move |conn| Ok(visible_in_category(conn, category, &[], 1000, now)?))
            .unwrap()
            .into_iter()
            .map(|row| row.id)
            .collect();
        agree("visible_in_category", now, &rows, &public, &in_category);
    }
    assert_eq!(
        seen.len(),
        ArticleState::ALL.len(),
        "the grid puts rows in every state: {seen:?}"
    );
}

/// The schedule query names the last and the next instant at which the clock alone changes
/// what the public sees, and nothing changes strictly between them.
#[test]
fn the_schedule_query_never_misses_a_change_of_the_public_set() {
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("grid.db").to_string_lossy().into_owned();
    let (db, _) = Database::open(&url, 1).unwrap();
    let (_, rows) = grid(&db);
    let public_at_instant =
        |at: NaiveDateTime| ids(&rows, |row| state(row, at) == ArticleState::Published);
    let flips: BTreeSet<NaiveDateTime> = rows
        .iter()
        .filter(|row| row.status == "published")
        .flat_map(|row| [row.published_at, row.unpublish_at])
        .flatten()
        .collect();

    for now in instants(&rows) {
        let (last, next) = db
            .read_blocking(move |conn| Ok(schedule_around(conn, now)?))
            .unwrap();
        assert_eq!(
            last,
            flips.range(..=now).next_back().copied(),
            "last at {now}"
        );
        assert_eq!(
            next,
            flips
                .range((std::ops::Bound::Excluded(now), std::ops::Bound::Unbounded))
                .next()
                .copied(),
            "next at {now}"
        );
        let at_now = public_at_instant(now);
        let until = next.unwrap_or(now + TimeDelta::days(365));
        for probe in [now + (until - now) / 2, until - TimeDelta::microseconds(1)] {
            if probe >= now {
                assert_eq!(
                    public_at_instant(probe),
                    at_now,
                    "the public set changed at {probe}, between {now} and the next scheduled change {next:?}"
                );
            }
        }
        if let Some(next) = next {
            let changes = public_at_instant(next) != at_now
                || rows.iter().any(|row| {
                    row.status == "published"
                        && (row.published_at == Some(next) || row.unpublish_at == Some(next))
                });
            assert!(
                changes,
                "{next} is named as a change but no row flips there"
            );
        }
    }
}
