//! Article lists (model layer): one SQL statement per page — filters, search, keyset or offset
//! paging — plus one count when a total is wanted.

use super::model::ArticleRow;
use super::query::cursor::{effective_keys, Cursor, KeyValue};
use super::query::{FilterField, ListQuery, Op, Paging, SortField, SortKey, Value};
use super::status::{published_sql, state_sql, Audience};
use crate::articles::search_sql::Search;
use crate::categories::model as categories_model;
use crate::db::sql::{Bind, Sql};
use crate::db::{Backend, DbConn};
use crate::error::{ApiError, ApiResult};
use crate::people::model as people_model;
use crate::support::key::Key;
use crate::tags::model as tags_model;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Text};

#[cfg(test)]
mod plans;
pub mod ranked;

/// An article on a list page, with its search rank and highlighted snippet when searching.
#[derive(Debug, QueryableByName)]
pub struct ListedArticle {
    #[diesel(embed)]
    pub article: ArticleRow,
    #[diesel(sql_type = Double)]
    pub rank: f64,
    #[diesel(sql_type = Text)]
    pub snippet: String,
}

/// One page of a list.
#[derive(Debug)]
pub struct Listing {
    pub items: Vec<ListedArticle>,
    /// Items matching over all pages, when computed.
    pub total: Option<i64>,
    /// Where the next page starts, when there is one (cursor paging).
    pub next: Option<Cursor>,
    /// True when another page follows.
    pub has_more: bool,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// The largest total for which a page filtered by `contains`/`starts_with` is read from the
/// trigram index's candidates ([`from_trigram_candidates`]). Walking the articles in date order
/// reads about `20 × visible / total` of them before a page is full, the candidates about
/// `total` plus a sort: past about `√(20 × visible)` matches (1 400 at 100 000 articles) the
/// walk costs less.
const CANDIDATES_FIRST_MAX: i64 = 1_000;

/// Runs `query` for `audience` at `now`.
pub fn run(
    conn: &mut DbConn,
    query: &ListQuery,
    audience: Audience,
    now: NaiveDateTime,
) -> ApiResult<Listing> {
    let backend = conn.backend();
    let search = match &query.q {
        Some(q) => match Search::parse(backend, q) {
            Some(search) => Some(search),
            // Nothing searchable (only punctuation): nothing matches.
            None => {
                let counted = query.count || matches!(query.paging, Paging::Pages { .. });
                return Ok(Listing {
                    items: Vec::new(),
                    total: counted.then_some(0),
                    next: None,
                    has_more: false,
                });
            }
        },
        None => None,
    };
    let mut from = Sql::default();
    let mut conditions: Vec<Sql> = Vec::new();
    if let Some(search) = &search {
        let (search_from, condition) = search.from_and_condition();
        from.append(&search_from);
        conditions.push(condition);
    } else {
        from.push(" FROM articles a");
    }
    let keys = effective_keys(&query.sort);
    // A narrow filter finds its few matches through its own index, and the page sorts them.
    let narrow = match audience {
        Audience::Public(now) if backend == Backend::Sqlite && search.is_none() => {
            has_few_matches(conn, query, now)?
        }
        _ => false,
    };
    // Where the visibility test is among the conditions: the total takes it as written here,
    // the page in the form `page_visibility` gives.
    let mut visibility_at = None;
    if let Audience::Public(now) = audience {
        visibility_at = Some(conditions.len());
        conditions.push(if narrow {
            published_sql(now, "+a.status", "+a.published_at")
        } else {
            published_sql(now, "a.status", "a.published_at")
        });
    }
    if let Some(category) = &query.category {
        let root = categories_model::get(conn, &Key::parse(category))?;
        let ids = if query.include_descendants {
            categories_model::subtree_ids(conn, root.id)?
        } else {
            vec![root.id]
        };
        let mut condition = Sql::new("a.category_id IN (");
        condition
            .bind_list(ids.into_iter().map(|id| Bind::Int(id.into())))
            .push(")");
        conditions.push(condition);
    }
    if let Some(author) = &query.author {
        let person = people_model::get(conn, &Key::parse(author))?;
        let mut condition =
            Sql::new("a.id IN (SELECT article_id FROM article_authors WHERE person_id = ");
        condition.bind(Bind::Int(person.id.into())).push(")");
        conditions.push(condition);
    }
    if let Some(tag) = &query.tag {
        let tag = tags_model::get(conn, &Key::parse(tag))?;
        conditions.push(carries_sql(false, &[tag.id]));
    }
    if let Some(reviewer) = &query.reviewer {
        let person = people_model::get(conn, &Key::parse(reviewer))?;
        let mut condition =
            Sql::new("a.id IN (SELECT article_id FROM article_reviews WHERE reviewer_id = ");
        condition.bind(Bind::Int(person.id.into())).push(")");
        conditions.push(condition);
    }
    // SQLite: the trigram index's candidates for the first filter it can answer (see below),
    // and the conditions without that filter's own look-up in the index (`lean`).
    let candidates = (backend == Backend::Sqlite && search.is_none())
        .then(|| from_trigram_candidates(query))
        .flatten();
    let mut lean = conditions.clone();
    for (i, filter) in query.filters.iter().enumerate() {
        let (field, op, values) = (filter.field, filter.op, &filter.values);
        let condition = filter_sql(conn, field, op, values, now, true)?;
        lean.push(match &candidates {
            Some((driver, _)) if *driver == i => filter_sql(conn, field, op, values, now, false)?,
            _ => condition.clone(),
        });
        conditions.push(condition);
    }
    let total = match (&query.paging, query.count) {
        (Paging::Pages { .. }, _) | (_, true) => {
            // Counted over the candidates: otherwise SQLite walks every visible article's
            // index entry to test it against them.
            let mut count = Sql::new("SELECT COUNT(*) AS n");
            match &candidates {
                Some((_, from_candidates)) => {
                    count.append(from_candidates).append(&where_clause(&lean))
                }
                None => count.append(&from).append(&where_clause(&conditions)),
            };
            Some(count.query(conn).get_result::<Count>(conn)?.n)
        }
        _ => None,
    };
    // The page: a small known total is read from the candidates (rather than by walking the
    // visibility index in date order until enough of them turn up: all of it, for a word no
    // title holds); a large one by that walk, which soon fills a page, testing each article's
    // text as it goes (looking every candidate up first would cost more); an unknown one (a
    // cursor page without `count`) by the walk, tested against the candidates.
    let (select_from, mut conditions) = match (candidates, total) {
        (Some((_, from_candidates)), Some(total)) if total <= CANDIDATES_FIRST_MAX => {
            (from_candidates, lean)
        }
        (Some(_), Some(_)) => (from, lean),
        _ => (from, conditions),
    };
    if let (Some(at), Audience::Public(now)) = (visibility_at, audience) {
        conditions[at] = page_visibility(query, &keys, backend, now, narrow);
    }

    let rank = search
        .as_ref()
        .map_or(unranked_sql(backend), Search::rank_sql);
    if let Paging::Cursor {
        after: Some(cursor),
        ..
    } = &query.paging
    {
        // First, so that its bound on the first sort key is the one SQLite uses for the index range.
        let nulls_possible = !matches!(audience, Audience::Public(_));
        conditions.insert(0, keyset_condition(&keys, cursor, nulls_possible, rank));
    }
    let mut select = Sql::new("SELECT a.*, ");
    select.push(rank);
    select.push(" AS rank, '' AS snippet");
    select
        .append(&select_from)
        .append(&where_clause(&conditions));
    select.push(" ORDER BY ");
    for (i, key) in keys.iter().enumerate() {
        if i > 0 {
            select.push(", ");
        }
        if narrow {
            // An expression, not a column: no index can give this order, so none walks it.
            select.push("+");
        }
        select.push(sort_expression(key.field, rank));
        select.push(if key.descending { " DESC" } else { " ASC" });
        if backend == Backend::Postgres && key.field == SortField::PublishedAt {
            // SQLite's order of NULLs (the lowest value), which the cursors assume.
            select.push(if key.descending {
                " NULLS LAST"
            } else {
                " NULLS FIRST"
            });
        }
    }
    let limit = query.paging.limit();
    select.push(" LIMIT ").bind(Bind::Int(limit + 1));
    if let Paging::Pages { page, per_page } = query.paging {
        select
            .push(" OFFSET ")
            .bind(Bind::Int((page - 1).saturating_mul(per_page)));
    }
    let mut items: Vec<ListedArticle> = select.query(conn).load(conn)?;
    let has_more = items.len() as i64 > limit;
    items.truncate(usize::try_from(limit).unwrap_or(0));
    if let Some(search) = &search {
        highlight_page(conn, search, &mut items)?;
    }
    let next = match (&query.paging, has_more, items.last()) {
        (Paging::Cursor { .. }, true, Some(last)) => Some(cursor_after(&keys, last)),
        _ => None,
    };
    Ok(Listing {
        items,
        total,
        next,
        has_more,
    })
}

/// The rank of every row of a list without a search: 0 (PostgreSQL refuses a bare constant in
/// ORDER BY, so it is typed there).
fn unranked_sql(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "0.0",
        Backend::Postgres => "CAST(0.0 AS DOUBLE PRECISION)",
    }
}

#[derive(QueryableByName)]
struct Highlighted {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    id: i32,
    #[diesel(sql_type = Text)]
    marked: String,
}

/// Fills the `snippet` of each item of a page with its highlighted columns
/// ([`search::HIGHLIGHT_SQL`]), in one statement for the page only: the text of every column is
/// never carried through the sort of all matches.
fn highlight_page(
    conn: &mut DbConn,
    search: &Search,
    items: &mut [ListedArticle],
) -> ApiResult<()> {
    if items.is_empty() {
        return Ok(());
    }
    let select = search.highlight_sql(items.iter().map(|item| item.article.id));
    let mut marked: std::collections::HashMap<i32, String> = select
        .query(conn)
        .load::<Highlighted>(conn)?
        .into_iter()
        .map(|row| (row.id, search.restore(row.marked)))
        .collect();
    for item in items {
        item.snippet = marked.remove(&item.article.id).unwrap_or_default();
    }
    Ok(())
}

/// The visibility test of a page for anonymous callers. On SQLite, `+` (see [`published_sql`])
/// steers the planner where its statistics would not:
/// - after a cursor, on `published_at`: given `published_at <= now` and the cursor's bound on
///   the same column, SQLite took the looser one and walked every entry above the cursor;
/// - sorted by anything but the publication date (without a search), on `status` and
///   `published_at` both: otherwise SQLite reads every visible article through the visibility
///   index and sorts them all (about 100 ms at 100 000 articles) rather than walking the sort
///   field's index and stopping after a page, as nine in ten articles are visible. Another
///   filter's index stays usable, and the planner weighs it against the walk;
/// - when a filter is `narrow` ([`has_few_matches`]), on both, whatever the order.
///
/// PostgreSQL has no unary `+` on times and plans from real statistics: the plain test.
fn page_visibility(
    query: &ListQuery,
    keys: &[SortKey],
    backend: Backend,
    now: NaiveDateTime,
    narrow: bool,
) -> Sql {
    let by_date = keys.first().map(|key| key.field) == Some(SortField::PublishedAt);
    let after_cursor = matches!(query.paging, Paging::Cursor { after: Some(_), .. });
    match backend {
        Backend::Sqlite if narrow || (!by_date && query.q.is_none()) => {
            published_sql(now, "+a.status", "+a.published_at")
        }
        Backend::Sqlite if after_cursor => published_sql(now, "a.status", "+a.published_at"),
        _ => published_sql(now, "a.status", "a.published_at"),
    }
}

/// The most matches [`has_few_matches`] calls few.
const FEW_MATCHES_MAX: i64 = 1_000;

/// True when a filter on `view_count` or `updated_at` that their own index answers (equal to, in
/// a list, or a range) matches at most [`FEW_MATCHES_MAX`] articles, drafts included: counted
/// in that index, stopping after one more. SQLite (built without STAT4, see
/// `.cargo/config.toml`) cannot know a range's size and prices it at a quarter of the table, so
/// it reads a filtered list through the visibility index and looks every visible article up to
/// test the filter (`view_count > 5000`: 358 matches, 100 ms for the total alone at 100 000
/// articles). When the filter is known to be narrow, the caller writes the visibility test
/// with `+` on both the total and the page, and the page's order as expressions (`+a.title`),
/// so that the filter's index finds them and they are sorted: walking another index in order
/// would test about `20 × articles / matches` of them before the page is full.
fn has_few_matches(conn: &mut DbConn, query: &ListQuery, now: NaiveDateTime) -> ApiResult<bool> {
    for filter in &query.filters {
        let indexed = matches!(
            filter.field,
            FilterField::ViewCount | FilterField::UpdatedAt
        );
        let ranged = matches!(
            filter.op,
            Op::Eq | Op::In | Op::Lt | Op::Lte | Op::Gt | Op::Gte
        );
        if !(indexed && ranged) {
            continue;
        }
        let condition = filter_sql(conn, filter.field, filter.op, &filter.values, now, false)?;
        let mut probe = Sql::new("SELECT COUNT(*) AS n FROM (SELECT 1 FROM articles a WHERE ");
        probe
            .append(&condition)
            .push(" LIMIT ")
            .bind(Bind::Int(FEW_MATCHES_MAX + 1))
            .push(")");
        if probe.query(conn).get_result::<Count>(conn)?.n <= FEW_MATCHES_MAX {
            return Ok(true);
        }
    }
    Ok(false)
}

/// ` WHERE c1 AND c2 …`, or nothing without conditions.
fn where_clause(conditions: &[Sql]) -> Sql {
    let mut sql = Sql::default();
    for (i, condition) in conditions.iter().enumerate() {
        sql.push(if i == 0 { " WHERE " } else { " AND " });
        sql.append(condition);
    }
    sql
}

/// The SQL expression a sort field orders by. Without a search every article is equally
/// relevant: `rank` is the constant 0, and the next keys (at least the id) decide.
fn sort_expression(field: SortField, rank: &'static str) -> &'static str {
    match field {
        SortField::PublishedAt => "a.published_at",
        SortField::UpdatedAt => "a.updated_at",
        SortField::Title => "a.title",
        SortField::Slug => "a.slug",
        SortField::ViewCount => "a.view_count",
        SortField::Id => "a.id",
        SortField::Rank => rank,
    }
}

/// The cursor pointing just after `last`.
fn cursor_after(keys: &[SortKey], last: &ListedArticle) -> Cursor {
    let article = &last.article;
    let values = keys
        .iter()
        .map(|key| match key.field {
            SortField::PublishedAt => article.published_at.map_or(KeyValue::Null, KeyValue::Time),
            SortField::UpdatedAt => KeyValue::Time(article.updated_at),
            SortField::Title => KeyValue::Text(article.title.clone()),
            SortField::Slug => KeyValue::Text(article.slug.clone()),
            SortField::ViewCount => KeyValue::Int(article.view_count),
            SortField::Id => KeyValue::Int(article.id.into()),
            SortField::Rank => KeyValue::Float(last.rank),
        })
        .collect();
    Cursor { values }
}

/// Rows strictly after the cursor in the order of `keys`:
/// `k1 after v1 OR (k1 = v1 AND (k2 after v2 OR (k2 = v2 AND …)))`. SQLite sorts NULL lowest,
/// which is what the "after" of a NULL value follows. When no NULL can be in the result
/// (anonymous readers only see dated articles) the condition starts with a plain bound on the
/// first key (`k1 <= v1`), so the index range starts at the cursor: a deep page costs what the
/// first one does.
fn keyset_condition(
    keys: &[SortKey],
    cursor: &Cursor,
    nulls_possible: bool,
    rank: &'static str,
) -> Sql {
    let mut sql = Sql::new("(");
    if let (false, Some(first), Some(bind)) = (
        nulls_possible,
        keys.first(),
        cursor.values.first().and_then(to_bind),
    ) {
        let bound = if first.descending { "<=" } else { ">=" };
        sql.push(&format!("{} {bound} ", sort_expression(first.field, rank)))
            .bind(bind)
            .push(" AND (");
    } else {
        sql.push("(");
    }
    for (i, (key, value)) in keys.iter().zip(&cursor.values).enumerate() {
        if i > 0 {
            sql.push(" OR (");
            for (j, (earlier, earlier_value)) in keys.iter().zip(&cursor.values).take(i).enumerate()
            {
                if j > 0 {
                    sql.push(" AND ");
                }
                equal(
                    &mut sql,
                    sort_expression(earlier.field, rank),
                    earlier_value,
                );
            }
            sql.push(" AND ");
        }
        after(
            &mut sql,
            sort_expression(key.field, rank),
            key.descending,
            value,
            nulls_possible,
        );
        if i > 0 {
            sql.push(")");
        }
    }
    sql.push("))");
    sql
}

fn equal(sql: &mut Sql, expression: &str, value: &KeyValue) {
    match to_bind(value) {
        None => sql.push(&format!("{expression} IS NULL")),
        Some(bind) => sql.push(&format!("{expression} = ")).bind(bind),
    };
}

fn after(
    sql: &mut Sql,
    expression: &str,
    descending: bool,
    value: &KeyValue,
    nulls_possible: bool,
) {
    match (to_bind(value), descending) {
        (None, true) => sql.push("FALSE"),
        (None, false) => sql.push(&format!("{expression} IS NOT NULL")),
        (Some(bind), true) if nulls_possible => sql
            .push(&format!("({expression} < "))
            .bind(bind)
            .push(&format!(" OR {expression} IS NULL)")),
        (Some(bind), true) => sql.push(&format!("{expression} < ")).bind(bind),
        (Some(bind), false) => sql.push(&format!("{expression} > ")).bind(bind),
    };
}

fn to_bind(value: &KeyValue) -> Option<Bind> {
    match value {
        KeyValue::Null => None,
        KeyValue::Text(text) => Some(Bind::Text(text.clone())),
        KeyValue::Int(n) => Some(Bind::Int(*n)),
        KeyValue::Float(x) => Some(Bind::Float(*x)),
        KeyValue::Time(at) => Some(Bind::Time(*at)),
    }
}

/// The SQL condition of one filter.
/// The condition of a text filter whose value holds a NUL character, which no stored text does
/// (and PostgreSQL cannot even compare text with): worked out from what it means, never bound.
/// Equal to, starting with or containing it: nothing; different: everything; in a list: as the
/// list without it (text filters offer no ordering). `None` when no value holds a NUL.
fn nul_text_sql(column: &str, op: Op, values: &[Value]) -> Option<Sql> {
    let holds_nul = |value: &Value| matches!(value, Value::Text(text) if text.contains('\0'));
    if !values.iter().any(holds_nul) {
        return None;
    }
    let mut sql = Sql::new("(");
    match op {
        Op::In => {
            let storable: Vec<Bind> = values
                .iter()
                .filter(|value| !holds_nul(value))
                .filter_map(|value| match value {
                    Value::Text(text) => Some(Bind::Text(text.clone())),
                    _ => None,
                })
                .collect();
            if storable.is_empty() {
                sql.push("FALSE");
            } else {
                sql.push(&format!("{column} IN ("))
                    .bind_list(storable)
                    .push(")");
            }
        }
        Op::Ne => {
            sql.push("TRUE");
        }
        Op::Eq | Op::Contains | Op::StartsWith | Op::Null | Op::Lt | Op::Lte | Op::Gt | Op::Gte => {
            sql.push("FALSE");
        }
    }
    sql.push(")");
    Some(sql)
}

/// The column of the trigram index `article_trigrams` and the LIKE pattern it is asked for, when
/// it can answer a `contains` or `starts_with` filter on the title or slug: `text` has three
/// characters or more (with fewer FTS5 scans its whole index) and no LIKE wildcard, escape or
/// NUL character (FTS5's LIKE takes no `ESCAPE`). What it finds is a superset (it folds case
/// beyond ASCII) of what the filter's own LIKE keeps. SQLite only.
fn trigram_lookup(field: FilterField, op: Op, text: &str) -> Option<(&'static str, String)> {
    let indexed = match field {
        FilterField::Title => "title",
        FilterField::Slug => "slug",
        _ => return None,
    };
    let answerable = text.chars().count() >= 3 && !text.contains(['%', '_', '\\', '\0']);
    let pattern = match op {
        Op::Contains => format!("%{text}%"),
        Op::StartsWith => format!("{text}%"),
        _ => return None,
    };
    answerable.then_some((indexed, pattern))
}

/// SQLite: ` FROM` the candidates of the first filter the trigram index can answer
/// ([`trigram_lookup`]), each joined to its article (`CROSS JOIN` makes SQLite loop over the
/// candidates and look each article up by id): a plan whose cost is the number of candidates,
/// for a total, and for a page whose total is known to be small (its candidates are then
/// sorted). Also the filter's index among the query's filters. `None` without such a filter.
fn from_trigram_candidates(query: &ListQuery) -> Option<(usize, Sql)> {
    query.filters.iter().enumerate().find_map(|(i, filter)| {
        let Some(Value::Text(text)) = filter.values.first() else {
            return None;
        };
        let (indexed, pattern) = trigram_lookup(filter.field, filter.op, text)?;
        let mut from = Sql::new(&format!(
            " FROM (SELECT rowid AS id FROM article_trigrams WHERE {indexed} LIKE "
        ));
        from.bind(Bind::Text(pattern))
            .push(") AS t CROSS JOIN articles a ON a.id = t.id");
        Some((i, from))
    })
}

/// The condition of one filter. `trigram_in`: on SQLite, a `contains`/`starts_with` the trigram
/// index can answer also tests the article against the index's candidates (`a.id IN (…)`).
fn filter_sql(
    conn: &mut DbConn,
    field: FilterField,
    op: Op,
    values: &[Value],
    now: NaiveDateTime,
    trigram_in: bool,
) -> ApiResult<Sql> {
    let column = match field {
        FilterField::Status => return Ok(status_sql(op, values, now)),
        FilterField::Tag => return tag_filter_sql(conn, op, values),
        FilterField::PublishedAt => "a.published_at",
        FilterField::UpdatedAt => "a.updated_at",
        FilterField::Category => "a.category_id",
        FilterField::Slug => "a.slug",
        FilterField::Title => "a.title",
        FilterField::ViewCount => "a.view_count",
    };
    if let Some(sql) = nul_text_sql(column, op, values) {
        return Ok(sql);
    }
    let binds = values
        .iter()
        .map(|value| value_bind(conn, value))
        .collect::<ApiResult<Vec<_>>>()?;
    let mut sql = Sql::new("(");
    match op {
        Op::Null => {
            let is_null = values.first() == Some(&Value::Bool(true));
            sql.push(&format!(
                "{column} IS {}NULL",
                if is_null { "" } else { "NOT " }
            ));
        }
        Op::In => {
            sql.push(&format!("{column} IN ("))
                .bind_list(binds)
                .push(")");
        }
        Op::Contains | Op::StartsWith => {
            let text = match binds.into_iter().next() {
                Some(Bind::Text(text)) => text,
                _ => String::new(),
            };
            let escaped = text
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            let pattern = if op == Op::Contains {
                format!("%{escaped}%")
            } else {
                format!("{escaped}%")
            };
            // SQLite's LIKE ignores ASCII case; PostgreSQL's needs ILIKE for that (which also
            // folds the case of other letters).
            let like = match conn.backend() {
                Backend::Sqlite => "LIKE",
                Backend::Postgres => "ILIKE",
            };
            if trigram_in && conn.backend() == Backend::Sqlite {
                if let Some((indexed, pattern)) = trigram_lookup(field, op, &text) {
                    sql.push(&format!(
                        "a.id IN (SELECT rowid FROM article_trigrams WHERE {indexed} LIKE "
                    ))
                    .bind(Bind::Text(pattern))
                    .push(") AND ");
                }
            }
            sql.push(&format!("{column} {like} "))
                .bind(Bind::Text(pattern))
                .push(" ESCAPE '\\'");
        }
        Op::Ne => {
            sql.push(&format!("{column} IS DISTINCT FROM "))
                .bind_list(binds);
        }
        Op::Eq | Op::Lt | Op::Lte | Op::Gt | Op::Gte => {
            let operator = match op {
                Op::Eq => "=",
                Op::Lt => "<",
                Op::Lte => "<=",
                Op::Gt => ">",
                _ => ">=",
            };
            sql.push(&format!("{column} {operator} ")).bind_list(binds);
        }
    }
    sql.push(")");
    Ok(sql)
}

fn value_bind(conn: &mut DbConn, value: &Value) -> ApiResult<Bind> {
    Ok(match value {
        Value::Text(text) => Bind::Text(text.clone()),
        Value::Int(n) => Bind::Int(*n),
        Value::Time(at) => Bind::Time(*at),
        Value::Bool(flag) => Bind::Int(i64::from(*flag)),
        // States and tags are not compared with a column: `status_sql` and `tag_filter_sql`.
        Value::State(_) | Value::Tag(_) => Bind::Text(String::new()),
        Value::Category(key) => {
            // Like `category=`: a category that does not exist is a 404 naming it (a fact of
            // the data stored, not of the request's form).
            let category = match categories_model::get(conn, &Key::parse(key)) {
                Err(ApiError::NotFound(_)) => Err(ApiError::NotFound(format!(
                    "filter[category]: no category matches '{key}'"
                ))),
                found => found,
            }?;
            Bind::Int(category.id.into())
        }
    })
}

/// `filter[tag][eq|ne|in]`: the articles that carry (`ne`: do not carry) one of the tags. A tag
/// that does not exist is a 404 naming it, as for `tag=`.
fn tag_filter_sql(conn: &mut DbConn, op: Op, values: &[Value]) -> ApiResult<Sql> {
    let mut ids = Vec::with_capacity(values.len());
    for value in values {
        let Value::Tag(key) = value else { continue };
        let tag = match tags_model::get(conn, &Key::parse(key)) {
            Err(ApiError::NotFound(_)) => Err(ApiError::NotFound(format!(
                "filter[tag]: no tag matches '{key}'"
            ))),
            found => found,
        }?;
        ids.push(tag.id);
    }
    Ok(carries_sql(op == Op::Ne, &ids))
}

/// The articles that carry one of the tags `ids`, or (`negated`) none of them.
fn carries_sql(negated: bool, ids: &[i32]) -> Sql {
    let mut sql = Sql::new(if negated { "a.id NOT IN" } else { "a.id IN" });
    sql.push(" (SELECT article_id FROM article_tags WHERE tag_id IN (")
        .bind_list(ids.iter().map(|id| Bind::Int((*id).into())))
        .push("))");
    sql
}

fn status_sql(op: Op, values: &[Value], now: NaiveDateTime) -> Sql {
    let mut sql = Sql::new(if op == Op::Ne { "NOT (" } else { "(" });
    for (i, value) in values.iter().enumerate() {
        if i > 0 {
            sql.push(" OR ");
        }
        if let Value::State(state) = value {
            sql.append(&state_sql(*state, now));
        }
    }
    sql.push(")");
    sql
}
