//! Turning search words into a query of the ranked-search index, and reading its top hits.
//!
//! The rules are those of the SQL search ([`crate::articles::search::match_expression`]): every
//! word must match, the last one also as a prefix, and with two words or more the words side by
//! side, in order, add to the score. Scores are BM25 per column, weighted as the columns of
//! [`super::schema::COLUMNS`] and summed.

use super::schema::{Fields, COLUMNS, ID};
use super::visibility::{VisibleDocs, VisibleQuery};
use std::cmp::Reverse;
use std::sync::Arc;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    BooleanQuery, BoostQuery, Occur, PhrasePrefixQuery, Query, RegexQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocAddress, Score, Searcher, SegmentReader, Term};

/// The most index terms of the last word's prefix scored one by one, per column (the terms
/// nearest to it in byte order, itself first); the others match unscored.
const MAX_PREFIX_TERMS: usize = 32;

/// The most hits read with pruning before every match is scored instead (when few of the best
/// are visible).
const MAX_PRUNED_READ: usize = 4_096;

/// Extra hits read past a page so that a tie in score across its end is noticed: when the last
/// of them still scores as the page's last hit, the page is read again in full order.
const TIE_MARGIN: usize = 8;

/// One hit: the article id and its score (higher is more relevant).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    pub id: i32,
    pub score: Score,
}

impl Hit {
    /// The rank the lists order by: lower is more relevant, as with the SQL ranks.
    pub fn rank(&self) -> f64 {
        -f64::from(self.score)
    }
}

/// Where a cursor page starts: after the hit with this rank and id (ranks ascending, ids
/// ascending on ties).
#[derive(Debug, Clone, Copy)]
pub struct After {
    pub rank: f64,
    pub id: i32,
}

/// The query for `words` (at least one): `None` when a word has no token the index could hold,
/// so nothing can match. It matches every article, visible or not ([`only_visible`] narrows it).
/// One word is a plain union of terms, which tantivy's top-k collection prunes block by block
/// (block-max WAND).
pub fn build(
    searcher: &Searcher,
    fields: &Fields,
    analyzer: &mut TextAnalyzer,
    words: &[String],
) -> Option<Box<dyn Query>> {
    let stems: Vec<String> = words
        .iter()
        .map(|word| stem(analyzer, word))
        .collect::<Option<_>>()?;
    let (last, rest) = stems.split_last()?;
    let last_word = any_column(fields, |field, weight| {
        prefix_clauses(searcher, field, weight, last)
    });
    if rest.is_empty() {
        return Some(last_word);
    }
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = rest
        .iter()
        .map(|stem| {
            (
                Occur::Must,
                any_column(fields, |field, weight| {
                    scored_terms(vec![text_term(field, stem)], weight)
                }),
            )
        })
        .collect();
    clauses.push((Occur::Must, last_word));
    for (field, (_, weight)) in fields.columns.iter().zip(COLUMNS) {
        let terms = stems.iter().map(|stem| text_term(*field, stem)).collect();
        let phrase = PhrasePrefixQuery::new(terms);
        clauses.push((
            Occur::Should,
            Box::new(BoostQuery::new(Box::new(phrase), weight)),
        ));
    }
    Some(Box::new(BooleanQuery::new(clauses)))
}

/// `query` narrowed to the documents `visible` holds, when given (same scores).
pub fn only_visible(query: &dyn Query, visible: Option<&VisibleDocs>) -> Box<dyn Query> {
    match visible {
        None => query.box_clone(),
        Some(docs) => {
            let visible = Box::new(VisibleQuery(Arc::clone(docs)));
            Box::new(BooleanQuery::new(vec![
                (Occur::Must, query.box_clone()),
                (Occur::Must, Box::new(BoostQuery::new(visible, 0.0))),
            ]))
        }
    }
}

/// The number of articles `query` matches.
pub fn count(searcher: &Searcher, query: &dyn Query) -> tantivy::Result<usize> {
    searcher.search(query, &Count)
}

/// Which hits to read: `offset..offset + limit` in rank order, or, with `after`, the first
/// `limit` that follow it (`offset` 0).
#[derive(Debug, Clone, Copy)]
pub struct Slice {
    pub offset: usize,
    pub limit: usize,
    pub after: Option<After>,
}

/// The hits of `slice` in rank order (score descending, then id ascending) among the matches of
/// `query` that `visible` holds (all when `None`).
///
/// Without a cursor, the highest scores are read with pruning, the invisible ones dropped, more
/// read while too few remain; equal scores are then put in id order, and when equal scores may go
/// on past what was read, or a cursor is given, every visible match is scored instead.
pub fn top(
    searcher: &Searcher,
    query: &dyn Query,
    visible: Option<&VisibleDocs>,
    slice: Slice,
) -> tantivy::Result<Vec<Hit>> {
    if slice.after.is_none() {
        if let Some(hits) = top_pruned(searcher, query, visible, slice.offset + slice.limit)? {
            return Ok(hits
                .into_iter()
                .skip(slice.offset)
                .take(slice.limit)
                .collect());
        }
    }
    in_rank_order(searcher, only_visible(query, visible).as_ref(), slice)
}

/// The first `wanted` visible hits in rank order, read from the highest scores down; `None`
/// when that cannot be known without scoring every match (a tie across the end, or too few
/// visible among the first [`MAX_PRUNED_READ`]).
fn top_pruned(
    searcher: &Searcher,
    query: &dyn Query,
    visible: Option<&VisibleDocs>,
    wanted: usize,
) -> tantivy::Result<Option<Vec<Hit>>> {
    let segments = searcher.segment_readers();
    let mut read = wanted + TIE_MARGIN;
    loop {
        let found = searcher.search(query, &TopDocs::with_limit(read).order_by_score())?;
        let exhausted = found.len() < read;
        let lowest = found.last().map(|(score, _)| *score);
        let shown = found.into_iter().filter(|(_, address)| {
            visible.is_none_or(|docs| {
                segments
                    .get(address.segment_ord as usize)
                    .and_then(|segment| docs.get(&segment.segment_id()))
                    .is_some_and(|set| set.contains(address.doc_id))
            })
        });
        let mut hits = with_ids(searcher, shown.collect())?;
        if exhausted || hits.len() >= wanted + TIE_MARGIN {
            hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.id.cmp(&b.id)));
            let tie_past_end =
                !exhausted && wanted > 0 && hits.get(wanted - 1).map(|hit| hit.score) == lowest;
            return Ok((!tie_past_end).then_some(hits));
        }
        if read >= MAX_PRUNED_READ {
            return Ok(None);
        }
        read = (read * 4).min(MAX_PRUNED_READ);
    }
}

/// [`top`] by scoring every match with its id as the tie-breaker, skipping those not after
/// `slice.after`.
fn in_rank_order(
    searcher: &Searcher,
    query: &dyn Query,
    slice: Slice,
) -> tantivy::Result<Vec<Hit>> {
    let Slice {
        offset,
        limit,
        after,
    } = slice;
    let collector = TopDocs::with_limit(limit.max(1))
        .and_offset(offset)
        .tweak_score(move |segment: &SegmentReader| {
            let ids = id_column(segment);
            move |doc, score: Score| {
                let id = ids.as_ref().map_or(0, |ids| ids.get_val(doc));
                let hit = Hit {
                    id: i32::try_from(id).unwrap_or(i32::MAX),
                    score,
                };
                let follows = after.is_none_or(|after| {
                    hit.rank() > after.rank || (hit.rank() == after.rank && hit.id > after.id)
                });
                if follows {
                    (score, Reverse(id))
                } else {
                    (Score::NEG_INFINITY, Reverse(u64::MAX))
                }
            }
        });
    let found = searcher.search(query, &collector)?;
    Ok(found
        .into_iter()
        .filter(|((score, _), _)| *score != Score::NEG_INFINITY)
        .map(|((score, Reverse(id)), _)| Hit {
            id: i32::try_from(id).unwrap_or(i32::MAX),
            score,
        })
        .take(limit)
        .collect())
}

/// The ids of `found`'s documents.
fn with_ids(searcher: &Searcher, found: Vec<(Score, DocAddress)>) -> tantivy::Result<Vec<Hit>> {
    let columns: Vec<_> = searcher.segment_readers().iter().map(id_column).collect();
    Ok(found
        .into_iter()
        .filter_map(|(score, address)| {
            let ids = columns.get(address.segment_ord as usize)?.as_ref()?;
            let id = i32::try_from(ids.get_val(address.doc_id)).ok()?;
            Some(Hit { id, score })
        })
        .collect())
}

/// A segment's article ids by document (`None` for a segment without the column: empty).
fn id_column(
    segment: &SegmentReader,
) -> Option<std::sync::Arc<dyn tantivy::columnar::ColumnValues<u64>>> {
    let column = segment.fast_fields().u64(ID).ok()?;
    Some(column.first_or_default_col(0))
}

/// The index's token for one search word, if it has one.
pub fn stem(analyzer: &mut TextAnalyzer, word: &str) -> Option<String> {
    let mut stream = analyzer.token_stream(word);
    let mut token = None;
    stream.process(&mut |t| {
        token.get_or_insert_with(|| t.text.clone());
    });
    token
}

fn text_term(field: Field, text: &str) -> Term {
    Term::from_field_text(field, text)
}

/// The index terms `prefix` stands for in `field`: the term itself and up to
/// [`MAX_PREFIX_TERMS`] − 1 others that start with it, in byte order over every segment, and
/// whether more exist than were taken.
fn prefix_terms(searcher: &Searcher, field: Field, prefix: &str) -> (Vec<Term>, bool) {
    let mut found: Vec<String> = vec![prefix.to_owned()];
    let mut more = false;
    for segment in searcher.segment_readers() {
        let Ok(inverted) = segment.inverted_index(field) else {
            continue;
        };
        let Ok(mut stream) = inverted.terms().range().ge(prefix.as_bytes()).into_stream() else {
            continue;
        };
        while stream.advance() {
            let Ok(term) = std::str::from_utf8(stream.key()) else {
                continue;
            };
            if !term.starts_with(prefix) {
                break;
            }
            if found.len() >= MAX_PREFIX_TERMS {
                more = true;
                break;
            }
            if !found.iter().any(|known| known == term) {
                found.push(term.to_owned());
            }
        }
    }
    let terms = found.iter().map(|term| text_term(field, term)).collect();
    (terms, more)
}

/// The last word's clause in `field`: its [`prefix_terms`], each scored by BM25 with the
/// column's `weight`; when there are more than those, every other term with the prefix also
/// matches, unscored (a one-letter prefix matches what it matches in SQL, without thousands of
/// scorers).
fn prefix_clauses(
    searcher: &Searcher,
    field: Field,
    weight: Score,
    prefix: &str,
) -> Vec<(Occur, Box<dyn Query>)> {
    let (terms, more) = prefix_terms(searcher, field, prefix);
    let mut clauses = scored_terms(terms, weight);
    if more {
        // Folding can turn a letter into punctuation (`⑴` into `(1)`): escaped, every character
        // stands for itself.
        let escaped: String = prefix
            .chars()
            .flat_map(|c| {
                (!c.is_alphanumeric())
                    .then_some('\\')
                    .into_iter()
                    .chain([c])
            })
            .collect();
        if let Ok(rest) = RegexQuery::from_pattern(&format!("{escaped}.*"), field) {
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(rest), 0.0)),
            ));
        }
    }
    clauses
}

/// `terms`, each a SHOULD clause scored by BM25 times `weight`.
fn scored_terms(terms: Vec<Term>, weight: Score) -> Vec<(Occur, Box<dyn Query>)> {
    terms
        .into_iter()
        .map(|term| {
            let term = TermQuery::new(term, IndexRecordOption::WithFreqs);
            let clause: Box<dyn Query> = Box::new(BoostQuery::new(Box::new(term), weight));
            (Occur::Should, clause)
        })
        .collect()
}

/// A match of any of `clauses_of(column, weight)` in any column.
fn any_column(
    fields: &Fields,
    clauses_of: impl Fn(Field, Score) -> Vec<(Occur, Box<dyn Query>)>,
) -> Box<dyn Query> {
    let clauses = fields
        .columns
        .iter()
        .zip(COLUMNS)
        .flat_map(|(field, (_, weight))| clauses_of(*field, weight))
        .collect();
    Box::new(BooleanQuery::new(clauses))
}
