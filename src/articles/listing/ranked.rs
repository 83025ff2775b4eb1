//! A plain ranked search (`q`, sorted by relevance, no other filter) read through the
//! ranked-search index ([`crate::articles::ranked_index`]): the index picks the page's article
//! ids in rank order and counts the matches; the database reads those articles and their text,
//! whose hits are marked as the index matched them. Any other list goes to SQL ([`super::run`]).

use super::{cursor_after, unranked_sql, ListedArticle, Listing};
use crate::articles::query::cursor::{effective_keys, KeyValue};
use crate::articles::query::{ListQuery, Paging, SortField};
use crate::articles::ranked_index::query::After;
use crate::articles::ranked_index::query::Slice;
use crate::articles::ranked_index::{source, RankedIndex};
use crate::articles::search;
use crate::articles::status::{published_sql, Audience};
use crate::db::sql::{Bind, Sql};
use crate::db::DbConn;
use crate::error::ApiResult;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use std::collections::HashMap;

/// The page of `query` for `audience` at `now` from `index`, or `None` when the query is not a
/// plain ranked search or the index cannot answer now (not built yet, or failing: logged), and
/// SQL must.
pub fn page(
    conn: &mut DbConn,
    index: &RankedIndex,
    query: &ListQuery,
    audience: Audience,
    now: NaiveDateTime,
) -> ApiResult<Option<Listing>> {
    let Some(q) = &query.q else {
        return Ok(None);
    };
    let words = search::words(q);
    if words.is_empty() || !is_plain_ranked(query) {
        return Ok(None);
    }
    match index.catch_up(conn) {
        Ok(true) => {}
        Ok(false) => return Ok(None),
        Err(error) => {
            tracing::warn!(%error, "the ranked-search index could not catch up; SQL ranks this search");
            return Ok(None);
        }
    }
    let slice = match &query.paging {
        Paging::Pages { page, per_page } => Slice {
            offset: to_usize((page - 1).saturating_mul(*per_page)),
            limit: to_usize(*per_page),
            after: None,
        },
        Paging::Cursor { limit, after } => Slice {
            offset: 0,
            after: match after.as_ref().map(|cursor| cursor.values.as_slice()) {
                None => None,
                Some([KeyValue::Float(rank), KeyValue::Int(id)]) => Some(After {
                    rank: *rank,
                    id: i32::try_from(*id).unwrap_or(i32::MAX),
                }),
                // A cursor of this sort always holds a rank and an id (`Cursor::decode`).
                Some(_) => return Ok(None),
            },
            limit: to_usize(*limit),
        },
    };
    let visible_at = match audience {
        Audience::Public(at) => Some(at.and_utc().timestamp_micros()),
        Audience::Editors => None,
    };
    let with_total = query.count || matches!(query.paging, Paging::Pages { .. });
    let ranked = match index.search(&words, visible_at, slice, with_total) {
        Ok(ranked) => ranked,
        Err(error) => {
            tracing::warn!(%error, "the ranked-search index failed; SQL ranks this search");
            return Ok(None);
        }
    };
    let mut items = articles_in_order(conn, &ranked.hits, audience, now)?;
    mark_hits(conn, index, &words, &mut items)?;
    let keys = effective_keys(&query.sort);
    let next = match (&query.paging, ranked.has_more, items.last()) {
        (Paging::Cursor { .. }, true, Some(last)) => Some(cursor_after(&keys, last)),
        _ => None,
    };
    Ok(Some(Listing {
        items,
        total: ranked.total,
        next,
        has_more: ranked.has_more,
    }))
}

/// True for a search sorted by relevance alone, with no filter but the search.
fn is_plain_ranked(query: &ListQuery) -> bool {
    let by_rank =
        matches!(query.sort.as_slice(), [key] if key.field == SortField::Rank && !key.descending);
    by_rank
        && query.filters.is_empty()
        && query.category.is_none()
        && query.author.is_none()
        && query.tag.is_none()
        && query.reviewer.is_none()
}

/// The articles of `hits` in their order, each with its hit's rank; an article gone since (or
/// no longer visible to `audience`) is left out.
fn articles_in_order(
    conn: &mut DbConn,
    hits: &[crate::articles::ranked_index::query::Hit],
    audience: Audience,
    now: NaiveDateTime,
) -> ApiResult<Vec<ListedArticle>> {
    if hits.is_empty() {
        return Ok(Vec::new());
    }
    let mut select = Sql::new("SELECT a.*, ");
    select
        .push(unranked_sql(conn.backend()))
        .push(" AS rank, '' AS snippet FROM articles a WHERE a.id IN (")
        .bind_list(hits.iter().map(|hit| Bind::Int(hit.id.into())))
        .push(")");
    if let Audience::Public(_) = audience {
        select
            .push(" AND ")
            .append(&published_sql(now, "a.status", "a.published_at"));
    }
    let mut by_id: HashMap<i32, ListedArticle> = select
        .query(conn)
        .load::<ListedArticle>(conn)?
        .into_iter()
        .map(|item| (item.article.id, item))
        .collect();
    Ok(hits
        .iter()
        .filter_map(|hit| {
            let mut item = by_id.remove(&hit.id)?;
            item.rank = hit.rank();
            Some(item)
        })
        .collect())
}

/// Fills each item's `snippet` with its columns, hits marked as the index matched them
/// ([`crate::articles::ranked_index::marks`]), read for the page's articles only.
fn mark_hits(
    conn: &mut DbConn,
    index: &RankedIndex,
    words: &[String],
    items: &mut [ListedArticle],
) -> ApiResult<()> {
    let Some(mut marker) = index.marker(words) else {
        return Ok(());
    };
    let ids: Vec<i32> = items.iter().map(|item| item.article.id).collect();
    let mut marked: HashMap<i32, String> = source::by_ids(conn, &ids)?
        .into_iter()
        .map(|row| (row.id, marker.mark(row.columns())))
        .collect();
    for item in items {
        item.snippet = marked.remove(&item.article.id).unwrap_or_default();
    }
    Ok(())
}

fn to_usize(n: i64) -> usize {
    usize::try_from(n).unwrap_or(0)
}
