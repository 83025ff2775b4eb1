//! A search in SQL on each backend: the query text, the tables and match condition, the rank
//! expression and the highlighted columns. SQLite uses its FTS5 table (`search` has the
//! details); PostgreSQL a `tsvector` per article (`article_search.document`, text configuration
//! `healthhub`: English Snowball stems without stop words, accents folded by `unaccent`; migration
//! `2026-11-25-000002_search` of `migrations/postgres`).
//!
//! Both require every word and take the last one as a prefix. Ranks are "lower is more
//! relevant" on both, but not comparable across backends: SQLite's is bm25 over five weighted
//! columns, PostgreSQL's the negated cover density (`ts_rank_cd`, normalised by document length)
//! over four weight classes (title A 1.0, subtitle B 0.4, excerpt and headings C 0.2, bodies D
//! 0.1), which has no inverse document frequency.

use super::search;
use crate::db::sql::{Bind, Sql};
use crate::db::Backend;

/// PostgreSQL's rank of a matching row (the FROM clause names the document `s.document` and the
/// query `q`), negated so that lower is more relevant as with bm25, as a double.
const POSTGRES_RANK_SQL: &str = "(-ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', s.document, q, 1))::float8";

/// Every column of a PostgreSQL search row with its hits wrapped in U+E000 … U+E001, the columns
/// separated by U+E002: the same shape as [`search::HIGHLIGHT_SQL`] once [`Search::restore`]d.
/// `HighlightAll` keeps the whole column; the snippet is cut from it by [`search::snippet_html`]
/// as on SQLite. The text is the one the index read (`healthhub_search_words`: `<`, `>` and `&`
/// as U+E003-U+E005, so `<word>` is words, not a tag), so the hits are the index's.
const POSTGRES_HIGHLIGHT_SQL: &str = "concat_ws(chr(57346), \
     ts_headline('healthhub', healthhub_search_words(s.title), q, o.options), \
     ts_headline('healthhub', healthhub_search_words(s.subtitle), q, o.options), \
     ts_headline('healthhub', healthhub_search_words(s.excerpt), q, o.options), \
     ts_headline('healthhub', healthhub_search_words(s.headings), q, o.options), \
     ts_headline('healthhub', healthhub_search_words(s.bodies), q, o.options))";

/// A parsed search: what the backend matches with.
#[derive(Debug, Clone)]
pub struct Search {
    backend: Backend,
    /// The FTS5 `MATCH` expression, or the `to_tsquery` text.
    expression: String,
}

impl Search {
    /// The search for user input `q` on `backend`; `None` when `q` has no word at all (nothing
    /// matches). Words are [`search::words`]: every one must match, the last also as a prefix.
    pub fn parse(backend: Backend, q: &str) -> Option<Self> {
        let words = search::words(q);
        let (last, rest) = words.split_last()?;
        let expression = match backend {
            Backend::Sqlite => search::match_expression(q)?,
            // Words are runs of letters and digits, so quoting cannot be broken out of.
            Backend::Postgres => rest
                .iter()
                .map(|word| format!("'{word}'"))
                .chain(std::iter::once(format!("'{last}':*")))
                .collect::<Vec<_>>()
                .join(" & "),
        };
        Some(Self {
            backend,
            expression,
        })
    }

    /// ` FROM …` joining the search rows to the articles `a`, and the condition selecting the
    /// matches.
    pub fn from_and_condition(&self) -> (Sql, Sql) {
        match self.backend {
            Backend::Sqlite => {
                // CROSS JOIN keeps the index as the outer loop: SQLite would otherwise walk the
                // articles and run the whole MATCH once for each of them.
                let from = Sql::new(
                    " FROM article_search CROSS JOIN articles a ON a.id = article_search.rowid",
                );
                let mut condition = Sql::new("article_search MATCH ");
                condition.bind(Bind::Text(self.expression.clone()));
                (from, condition)
            }
            Backend::Postgres => {
                let mut from = Sql::new(
                    " FROM article_search s JOIN articles a ON a.id = s.article_id \
                     CROSS JOIN to_tsquery('healthhub', ",
                );
                from.bind(Bind::Text(self.expression.clone()))
                    .push(") AS q");
                (from, Sql::new("s.document @@ q"))
            }
        }
    }

    /// The rank expression of a row of [`Self::from_and_condition`] (lower is more relevant).
    pub fn rank_sql(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite => search::RANK_SQL,
            Backend::Postgres => POSTGRES_RANK_SQL,
        }
    }

    /// `SELECT id, marked` for the articles `ids`: each one's highlighted columns (see
    /// [`search::HIGHLIGHT_SQL`]).
    pub fn highlight_sql(&self, ids: impl IntoIterator<Item = i32>) -> Sql {
        let ids = ids.into_iter().map(|id| Bind::Int(id.into()));
        let mut select = match self.backend {
            Backend::Sqlite => {
                let mut select = Sql::new("SELECT rowid AS id, ");
                select
                    .push(search::HIGHLIGHT_SQL)
                    .push(" AS marked FROM article_search WHERE article_search MATCH ")
                    .bind(Bind::Text(self.expression.clone()))
                    .push(" AND rowid IN (");
                select
            }
            Backend::Postgres => {
                let mut select = Sql::new("SELECT s.article_id AS id, ");
                select
                    .push(POSTGRES_HIGHLIGHT_SQL)
                    .push(
                        " AS marked FROM article_search s \
                         CROSS JOIN to_tsquery('healthhub', ",
                    )
                    .bind(Bind::Text(self.expression.clone()))
                    .push(
                        ") AS q CROSS JOIN (SELECT 'HighlightAll=true, StartSel=' || chr(57344) \
                         || ', StopSel=' || chr(57345) AS options) AS o \
                         WHERE s.article_id IN (",
                    );
                select
            }
        };
        select.bind_list(ids).push(")");
        select
    }
    /// A highlighted row of [`Self::highlight_sql`] in the shape of [`search::HIGHLIGHT_SQL`]:
    /// on PostgreSQL, the characters `healthhub_search_words` replaced are put back.
    pub fn restore(&self, marked: String) -> String {
        match self.backend {
            Backend::Sqlite => marked,
            Backend::Postgres => marked
                .chars()
                .map(|c| match c {
                    '\u{E003}' => '<',
                    '\u{E004}' => '>',
                    '\u{E005}' => '&',
                    other => other,
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_queries_require_every_word_and_take_the_last_as_a_prefix() {
        let search = Search::parse(Backend::Postgres, "Sleep, \"NEAR(\" thera").unwrap();
        assert_eq!(search.expression, "'Sleep' & 'NEAR' & 'thera':*");
        assert!(Search::parse(Backend::Postgres, "*** ()").is_none());
    }
}
