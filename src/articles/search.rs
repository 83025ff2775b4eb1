//! Full-text search: turning user input into a safe FTS5 query, and the ranking and snippet SQL.
//!
//! The index is the FTS5 table `article_search` (one row per article, `rowid` = article id, columns
//! `title, subtitle, excerpt, headings, bodies`), kept in sync by triggers in the migration
//! `2026-11-25-000002_search`. It holds plain text (migration `2026-11-27-000011_search_text`):
//! the bodies as a reader sees them, never Markdown or HTML.

use crate::support::search_text::{is_reserved, COLUMN_BREAK, MARK_CLOSE, MARK_OPEN};
use crate::support::text;
use std::ops::Range;
use unicode_segmentation::{GraphemeCursor, UnicodeSegmentation};

/// The most words taken from one query; the rest of the input is ignored.
const MAX_WORDS: usize = 16;

/// The most grapheme clusters kept from one word.
const MAX_WORD_CHARS: usize = 64;

/// The relevance of a row for `ORDER BY` (lower is better): BM25 with the columns weighted
/// title 10, subtitle 5, excerpt 3, headings 2, bodies 1.
pub const RANK_SQL: &str = "bm25(article_search, 10.0, 5.0, 3.0, 2.0, 1.0)";

/// Every column of a matching row, in order, with each hit wrapped in U+E000 … U+E001 and the
/// columns separated by U+E002 (characters the index never holds); pass it to [`snippet_html`].
/// Computed only for the rows of a page, never for every match (it holds the whole text).
pub const HIGHLIGHT_SQL: &str =
    "highlight(article_search, 0, char(57344), char(57345)) || char(57346) || \
     highlight(article_search, 1, char(57344), char(57345)) || char(57346) || \
     highlight(article_search, 2, char(57344), char(57345)) || char(57346) || \
     highlight(article_search, 3, char(57344), char(57345)) || char(57346) || \
     highlight(article_search, 4, char(57344), char(57345))";

/// The longest snippet, in grapheme clusters (user-perceived characters), before its ellipses.
const SNIPPET_CLUSTERS: usize = 120;

/// How many clusters of context a snippet tries to keep before its first hit.
const SNIPPET_LEAD: usize = 30;

/// Bytes of text read on either side of a snippet to find its word boundaries (UAX #29 looks a
/// few characters around each one).
const WORD_CONTEXT_BYTES: usize = 64;

/// The most hits weighed when choosing where a snippet starts.
const SNIPPET_CANDIDATES: usize = 64;

/// The words of a search input: the maximal runs of Unicode alphanumeric characters (everything
/// else, quotes, `*`, parentheses, `-`, `:`, `^`, `+`, …, only separates them), at most 16, each
/// cut to at most 64 grapheme clusters.
pub fn words(input: &str) -> Vec<String> {
    input
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .take(MAX_WORDS)
        .map(|word| text::prefix_graphemes(word, MAX_WORD_CHARS).to_owned())
        .collect()
}

/// Turns any user input into an FTS5 `MATCH` expression that cannot be a syntax error.
///
/// The input's [`words`] each become a quoted string, so keywords such as `AND`, `OR`,
/// `NOT` and `NEAR` are plain words, and all must match (implicit AND). The last word also
/// matches as a prefix, for search-as-you-type: `sleep thera` becomes `"sleep" "thera"*`.
///
/// With two words or more, the words are also offered as one phrase:
/// `sleep thera` becomes `("sleep" "thera"*) OR "sleep thera"*`. That matches exactly the same
/// articles (an article with the phrase has every word), but FTS5's bm25 sums over every phrase of
/// the query, so an article with the words side by side and in order ranks above one where they
/// are scattered (PostgreSQL's cover density does the same by itself).
///
/// Returns `None` when the input contains no word at all.
pub fn match_expression(input: &str) -> Option<String> {
    let words: Vec<String> = words(input)
        .iter()
        .map(|word| word.replace('"', "\"\""))
        .collect();
    if words.is_empty() {
        return None;
    }
    let quoted: Vec<String> = words.iter().map(|word| format!("\"{word}\"")).collect();
    let every_word = format!("{}*", quoted.join(" "));
    if words.len() == 1 {
        return Some(every_word);
    }
    Some(format!("({every_word}) OR \"{}\"*", words.join(" ")))
}

/// One column of a [`HIGHLIGHT_SQL`] result: its text and the byte ranges of its hits, each
/// widened to whole grapheme clusters.
struct Marked {
    text: String,
    hits: Vec<Range<usize>>,
}

impl Marked {
    /// Reads a column with its U+E000 … U+E001 markers. Stray markers (which the index never
    /// produces) are dropped, so hits are always balanced.
    fn parse(highlighted: &str) -> Self {
        let mut text = String::with_capacity(highlighted.len());
        let mut hits = Vec::new();
        let mut open = None;
        for c in highlighted.chars() {
            match c {
                MARK_OPEN if open.is_none() => open = Some(text.len()),
                MARK_CLOSE => {
                    if let Some(start) = open.take() {
                        hits.push(start..text.len());
                    }
                }
                c if is_reserved(c) => {}
                c => text.push(c),
            }
        }
        if let Some(start) = open {
            hits.push(start..text.len());
        }
        let hits = hits
            .into_iter()
            .map(|hit| text::floor_boundary(&text, hit.start)..text::ceil_boundary(&text, hit.end))
            .filter(|hit| !hit.is_empty())
            .collect();
        Self { text, hits }
    }

    /// The byte range of the snippet: at most [`SNIPPET_CLUSTERS`] clusters around the place with
    /// the most hits, starting and ending on word boundaries when it is cut, never inside a hit
    /// or a grapheme cluster.
    fn window(&self) -> Range<usize> {
        let text = self.text.as_str();
        // Clusters are counted from the hits, never over the whole column (15 kB bodies).
        if clusters_after(text, 0, SNIPPET_CLUSTERS + 1).is_none() {
            return 0..text.len();
        }
        // SNIPPET_CLUSTERS clusters from the cluster starting at `first`, moved back so that
        // they end at the text's end at the latest.
        let span = |first: usize| match clusters_after(text, first, SNIPPET_CLUSTERS) {
            Some(end) => first..end,
            None => clusters_before(text, text.len(), SNIPPET_CLUSTERS)..text.len(),
        };
        let best = self
            .hits
            .iter()
            .take(SNIPPET_CANDIDATES)
            .map(|hit| {
                let cluster = text::floor_boundary(text, hit.start);
                span(clusters_before(text, cluster, SNIPPET_LEAD))
            })
            .max_by_key(|range| {
                let inside = self
                    .hits
                    .iter()
                    .filter(|h| range.contains(&h.start))
                    .count();
                (inside, std::cmp::Reverse(range.start))
            })
            .unwrap_or_else(|| span(0));
        // Word starts in the window, read with some text on either side for context.
        let context = text::floor_boundary(text, best.start.saturating_sub(WORD_CONTEXT_BYTES))
            ..text::ceil_boundary(text, best.end + WORD_CONTEXT_BYTES);
        let words: Vec<usize> = text[context.clone()]
            .split_word_bound_indices()
            .filter(|(_, word)| word.chars().any(char::is_alphanumeric))
            .map(|(i, _)| context.start + i)
            .filter(|&i| i > context.start || context.start == 0)
            .collect();
        let first_hit = self.hits.iter().find(|h| best.contains(&h.start));
        let last_hit = self.hits.iter().rev().find(|h| best.contains(&h.start));
        let mut start = best.start;
        if start > 0 {
            let limit = first_hit.map_or(best.end, |h| h.start);
            if let Some(&word) = words.iter().find(|&&w| w >= start && w <= limit) {
                start = word;
            }
        }
        let mut end = best.end;
        if end < text.len() {
            let limit = last_hit.map_or(start, |h| h.end.max(start));
            if let Some(&word) = words.iter().rev().find(|&&w| w < end && w >= limit) {
                end = word;
            }
            end = end.max(last_hit.map_or(0, |h| h.end));
        }
        let inner = &text[start..end];
        let trimmed_start = start + (inner.len() - inner.trim_start().len());
        let trimmed_end = start + inner.trim_end().len();
        text::ceil_boundary(text, trimmed_start)
            ..text::floor_boundary(text, trimmed_end).max(trimmed_start)
    }
}

/// The byte where the `n`th grapheme cluster after the one starting at `from` ends (`from` itself
/// for 0); `None` when fewer follow.
fn clusters_after(text: &str, from: usize, n: usize) -> Option<usize> {
    let mut cursor = GraphemeCursor::new(from, text.len(), true);
    let mut at = from;
    for _ in 0..n {
        at = cursor.next_boundary(text, 0).ok().flatten()?;
    }
    Some(at)
}

/// The start of the `n`th grapheme cluster before the one starting at `to` (0 when fewer
/// precede it).
fn clusters_before(text: &str, to: usize, n: usize) -> usize {
    let mut cursor = GraphemeCursor::new(to, text.len(), true);
    let mut at = to;
    for _ in 0..n {
        match cursor.prev_boundary(text, 0).ok().flatten() {
            Some(start) => at = start,
            None => return 0,
        }
    }
    at
}

/// Renders a [`HIGHLIGHT_SQL`] result as an HTML snippet: from the column with the most hits
/// (the first on ties; the title when none has any), about [`SNIPPET_CLUSTERS`] user-perceived
/// characters around the hits, `…` where text was left out. Always well-formed: the text is
/// escaped (`&`, `<`, `>`, `"`, `'`), control characters are left out, and the only markup is
/// balanced `<mark>` … `</mark>` around each hit. Cuts fall between grapheme clusters.
pub fn snippet_html(highlighted: &str) -> String {
    let columns: Vec<Marked> = highlighted.split(COLUMN_BREAK).map(Marked::parse).collect();
    let Some(column) = columns
        .iter()
        .enumerate()
        .max_by_key(|(i, column)| (column.hits.len(), std::cmp::Reverse(*i)))
        .map(|(_, column)| column)
    else {
        return String::new();
    };
    let window = column.window();
    let mut html = String::with_capacity(window.len() + 32);
    if window.start > 0 {
        html.push('…');
    }
    let mut at = window.start;
    for hit in column
        .hits
        .iter()
        .filter(|h| h.start < window.end && h.end > window.start)
    {
        let (start, end) = (hit.start.max(at), hit.end.min(window.end));
        if start >= end {
            continue;
        }
        escape_into(&mut html, &column.text[at..start]);
        html.push_str("<mark>");
        escape_into(&mut html, &column.text[start..end]);
        html.push_str("</mark>");
        at = end;
    }
    escape_into(&mut html, &column.text[at..window.end.max(at)]);
    if window.end < column.text.len() {
        html.push('…');
    }
    html
}

/// Appends `text` to `html` escaped as HTML text; control characters other than tab and line
/// breaks are left out (no HTML document may hold them).
fn escape_into(html: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => html.push_str("&amp;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            '"' => html.push_str("&quot;"),
            '\'' => html.push_str("&#x27;"),
            '\t' | '\n' | '\r' => html.push(c),
            c if c.is_control() => {}
            c => html.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::DbConn;
    use diesel::connection::SimpleConnection;
    use diesel::sql_types::{Integer, Text};
    use diesel::{QueryableByName, RunQueryDsl};
    use diesel_migrations::MigrationHarness;

    fn hostile_inputs() -> Vec<String> {
        let mut inputs: Vec<String> = [
            "\"",
            "*",
            "NEAR(",
            "-",
            "a AND b OR",
            "\"unbalanced",
            "col:val",
            "^x",
            "café naïve 睡眠",
            "😴🛌💤",
            "",
            "   ",
            "AND",
            "NOT sleep",
            "title:sleep",
            "{title} : x",
            "+x -y",
            "a\"b",
            "x*y*",
            "NEAR(a b, 2)",
            "\u{0}\u{E000}\u{E001}",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        inputs.push("a".repeat(10_000));
        inputs.push("word \"(* ".repeat(1_000));
        inputs
    }

    #[test]
    fn plain_words_are_quoted_and_the_last_is_a_prefix() {
        assert_eq!(
            match_expression("sleep hygiene").as_deref(),
            Some("(\"sleep\" \"hygiene\"*) OR \"sleep hygiene\"*")
        );
        assert_eq!(match_expression("thera").as_deref(), Some("\"thera\"*"));
        assert_eq!(
            match_expression("  Sleep,   better! ").as_deref(),
            Some("(\"Sleep\" \"better\"*) OR \"Sleep better\"*")
        );
    }

    #[test]
    fn syntax_characters_only_separate_words() {
        assert_eq!(match_expression("\""), None);
        assert_eq!(match_expression("*"), None);
        assert_eq!(match_expression("-"), None);
        assert_eq!(match_expression(""), None);
        assert_eq!(match_expression("😴🛌💤"), None);
        assert_eq!(match_expression("NEAR(").as_deref(), Some("\"NEAR\"*"));
        assert_eq!(
            match_expression("a AND b OR").as_deref(),
            Some("(\"a\" \"AND\" \"b\" \"OR\"*) OR \"a AND b OR\"*")
        );
        assert_eq!(
            match_expression("\"unbalanced").as_deref(),
            Some("\"unbalanced\"*")
        );
        assert_eq!(
            match_expression("col:val").as_deref(),
            Some("(\"col\" \"val\"*) OR \"col val\"*")
        );
        assert_eq!(match_expression("^x").as_deref(), Some("\"x\"*"));
        assert_eq!(
            match_expression("café naïve 睡眠").as_deref(),
            Some("(\"café\" \"naïve\" \"睡眠\"*) OR \"café naïve 睡眠\"*")
        );
    }

    #[test]
    fn long_input_is_bounded() {
        let expression = match_expression(&"a".repeat(10_000)).unwrap();
        assert_eq!(expression, format!("\"{}\"*", "a".repeat(64)));
        let expression = match_expression(&"word ".repeat(1_000)).unwrap();
        assert_eq!(expression.matches("\"word\"").count(), 16);
        for input in hostile_inputs() {
            if let Some(expression) = match_expression(&input) {
                // Each word quoted twice (in the list and in the phrase), plus `() OR ""*`.
                assert!(expression.len() <= 2 * 16 * (64 * 4 + 3) + 10, "{input:?}");
                assert!(expression.ends_with("\"*"), "{input:?}");
            }
        }
    }

    #[test]
    fn snippet_escapes_html_and_marks_hits() {
        let columns = "Title\u{E002}\u{E002}\u{E002}\u{E002}before <script>alert('x&y')</script> \
                       \u{E000}therapist\u{E001} \"after\"\u{0}";
        assert_eq!(
            snippet_html(columns),
            "before &lt;script&gt;alert(&#x27;x&amp;y&#x27;)&lt;/script&gt; \
             <mark>therapist</mark> &quot;after&quot;"
        );
        assert_eq!(snippet_html("Only a title"), "Only a title");
        assert_eq!(snippet_html("a\u{E001}b\u{E000}c"), "ab<mark>c</mark>");
    }

    #[test]
    fn long_snippets_are_cut_between_words_and_clusters() {
        for cluster in [
            "🇬🇧",
            "👨\u{200D}👩\u{200D}👧",
            "e\u{301}",
            "\u{1100}\u{1161}",
        ] {
            let text = format!(
                "{} \u{E000}hit\u{E001} {}",
                cluster.repeat(300),
                format!("word{cluster} ").repeat(100)
            );
            let html = snippet_html(&text);
            let full = text.replace(['\u{E000}', '\u{E001}'], "");
            let inner = html.trim_start_matches('…').trim_end_matches('…');
            let plain = inner.replace("<mark>", "").replace("</mark>", "");
            assert!(html.starts_with('…') && html.ends_with('…'), "{html}");
            assert!(html.contains("<mark>hit</mark>"), "{html}");
            assert!(text::grapheme_count(&plain) <= SNIPPET_CLUSTERS, "{html}");
            let at = full
                .find(&plain)
                .expect("the snippet is a piece of the text");
            let end = at + plain.len();
            assert_eq!(text::floor_boundary(&full, at), at, "{cluster:?}: {html}");
            assert_eq!(text::floor_boundary(&full, end), end, "{cluster:?}: {html}");
        }
    }

    #[test]
    fn a_cut_snippet_starts_and_ends_with_whole_words() {
        let words = ["alpha", "beta", "gamma", "delta", "epsilon"];
        let text: Vec<&str> = (0..400).map(|i| words[i % words.len()]).collect();
        for hit_at in [3, 150, 398] {
            let mut marked: Vec<String> = text.iter().map(|w| (*w).to_owned()).collect();
            marked[hit_at] = format!("\u{E000}{}\u{E001}", marked[hit_at]);
            let html = snippet_html(&marked.join(" "));
            let plain = html.replace("<mark>", "").replace("</mark>", "");
            let inner = plain.trim_start_matches('…').trim_end_matches('…');
            for word in inner.split(' ') {
                assert!(words.contains(&word), "{word:?} cut in {html}");
            }
            assert!(html.contains("<mark>"), "{html}");
        }
    }

    #[derive(QueryableByName)]
    struct Hit {
        #[diesel(sql_type = Integer)]
        rowid: i32,
    }

    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }

    #[derive(QueryableByName)]
    struct Name {
        #[diesel(sql_type = Text)]
        name: String,
    }

    fn search(conn: &mut DbConn, input: &str) -> Vec<i32> {
        let Some(expression) = match_expression(input) else {
            return Vec::new();
        };
        diesel::sql_query(format!(
            "SELECT rowid FROM article_search WHERE article_search MATCH ? ORDER BY {RANK_SQL}"
        ))
        .bind::<Text, _>(expression)
        .load::<Hit>(conn)
        .unwrap_or_else(|e| panic!("searching {input:?}: {e}"))
        .into_iter()
        .map(|hit| hit.rowid)
        .collect()
    }

    fn index_size(conn: &mut DbConn) -> i64 {
        diesel::sql_query("SELECT count(*) AS n FROM article_search")
            .get_result::<Count>(conn)
            .unwrap()
            .n
    }

    /// A migrated in-memory database with two articles: 1 has "therapist" only in a section
    /// body, 2 has it in its title.
    fn seeded() -> DbConn {
        let mut conn = DbConn::open(":memory:").unwrap();
        conn.batch_execute("PRAGMA foreign_keys = ON;").unwrap();
        crate::db::register_functions(&mut conn).unwrap();
        conn.run_pending_migrations(crate::db::SQLITE_MIGRATIONS)
            .unwrap();
        conn.batch_execute(
            "INSERT INTO categories (slug, name, description, parent_id, position, created_at, updated_at) \
                 VALUES ('health', 'Health', '', NULL, 0, '2025-01-01 00:00:00', '2025-01-01 00:00:00'); \
             INSERT INTO articles (slug, title, subtitle, excerpt, status, published_at, category_id, \
                                   view_count, version, created_at, updated_at) \
                 VALUES ('sleep', 'Sleep better', 'Rest and recovery', 'How to sleep', 'published', \
                         '2025-01-01 00:00:00', 1, 0, 1, '2025-01-01 00:00:00', '2025-01-01 00:00:00'), \
                        ('therapy', 'Finding a therapist', 'Support', 'Getting help', 'published', \
                         '2025-01-02 00:00:00', 1, 0, 1, '2025-01-02 00:00:00', '2025-01-02 00:00:00'); \
             INSERT INTO sections (article_id, position, heading, body, body_text, created_at, updated_at) \
             SELECT article_id, position, heading, body, healthhub_search_text(body), at, at FROM (\
                 SELECT 1 AS article_id, 1 AS position, 'Routine' AS heading, \
                        'Go to bed at the same time every night.' AS body, '2025-01-01 00:00:00' AS at \
                 UNION ALL SELECT 1, 2, 'Help', 'If **insomnia** persists, talk to a [therapist](https://example.org/bed).', \
                        '2025-01-01 00:00:00' \
                 UNION ALL SELECT 2, 1, 'Where to start', 'Ask your doctor for a referral.', '2025-01-02 00:00:00');",
        )
        .unwrap();
        conn
    }

    #[test]
    fn prefix_search_finds_body_text_and_titles_rank_first() {
        let mut conn = seeded();
        assert_eq!(search(&mut conn, "thera"), [2, 1]);
        assert_eq!(search(&mut conn, "therapist"), [2, 1]);
        assert_eq!(search(&mut conn, "insomnia"), [1]);
        assert_eq!(search(&mut conn, "referral"), [2]);
        assert_eq!(search(&mut conn, "sleeping"), [1], "porter stemming");
        assert_eq!(
            search(&mut conn, "bed therapist"),
            [1],
            "all words must match"
        );
        assert_eq!(search(&mut conn, "th"), [2, 1], "two-letter prefix");
        assert_eq!(
            search(&mut conn, "example"),
            Vec::<i32>::new(),
            "no link target"
        );
        assert_eq!(
            search(&mut conn, "https"),
            Vec::<i32>::new(),
            "no link target"
        );
    }

    #[test]
    fn hostile_inputs_never_fail_in_sqlite() {
        let mut conn = seeded();
        for input in hostile_inputs() {
            search(&mut conn, &input);
        }
        assert_eq!(search(&mut conn, "\"thera"), [2, 1]);
        assert_eq!(search(&mut conn, "NOT insomnia"), Vec::<i32>::new());
    }

    #[test]
    fn snippet_marks_hits() {
        #[derive(QueryableByName)]
        struct Snippet {
            #[diesel(sql_type = Text)]
            snippet: String,
        }
        let mut conn = seeded();
        let row = diesel::sql_query(format!(
            "SELECT {HIGHLIGHT_SQL} AS snippet FROM article_search \
             WHERE article_search MATCH ? AND rowid = 1"
        ))
        .bind::<Text, _>(match_expression("insom").unwrap())
        .get_result::<Snippet>(&mut conn)
        .unwrap();
        assert!(
            snippet_html(&row.snippet).contains("<mark>insomnia</mark>"),
            "{}",
            row.snippet
        );
    }

    #[test]
    fn section_and_article_writes_update_the_index() {
        let mut conn = seeded();
        diesel::sql_query(
            "UPDATE sections SET body = 'Consider melatonin.', body_text = 'Consider melatonin.' \
             WHERE id = 2",
        )
        .execute(&mut conn)
        .unwrap();
        assert_eq!(search(&mut conn, "melatonin"), [1]);
        assert_eq!(search(&mut conn, "insomnia"), Vec::<i32>::new());

        diesel::sql_query("UPDATE sections SET article_id = 2, position = 2 WHERE id = 2")
            .execute(&mut conn)
            .unwrap();
        assert_eq!(search(&mut conn, "melatonin"), [2], "moved to article 2");

        diesel::sql_query("DELETE FROM sections WHERE id = 2")
            .execute(&mut conn)
            .unwrap();
        assert_eq!(search(&mut conn, "melatonin"), Vec::<i32>::new());

        diesel::sql_query("UPDATE articles SET title = 'Sleep soundly' WHERE id = 1")
            .execute(&mut conn)
            .unwrap();
        assert_eq!(search(&mut conn, "soundly"), [1]);
        assert_eq!(search(&mut conn, "better"), Vec::<i32>::new());
        assert_eq!(
            search(&mut conn, "routine"),
            [1],
            "sections kept on rebuild"
        );

        assert_eq!(index_size(&mut conn), 2);
        diesel::sql_query("DELETE FROM articles WHERE id = 2")
            .execute(&mut conn)
            .unwrap();
        assert_eq!(
            index_size(&mut conn),
            1,
            "cascaded section deletes reinsert nothing"
        );
        assert_eq!(search(&mut conn, "therapist"), Vec::<i32>::new());
        assert_eq!(search(&mut conn, "soundly"), [1]);
    }

    #[test]
    fn view_counts_and_status_changes_do_not_reindex() {
        let mut conn = seeded();
        // Plant a marker that only a reindex of article 1 would remove.
        conn.batch_execute(
            "UPDATE article_search SET bodies = bodies || ' sentinelword' WHERE rowid = 1;",
        )
        .unwrap();
        assert_eq!(search(&mut conn, "sentinelword"), [1]);
        diesel::sql_query(
            "UPDATE articles SET view_count = view_count + 1, version = version + 1, \
             status = 'draft', updated_at = '2025-02-01 00:00:00' WHERE id = 1",
        )
        .execute(&mut conn)
        .unwrap();
        assert_eq!(search(&mut conn, "sentinelword"), [1]);
        assert_eq!(index_size(&mut conn), 2);

        let triggers: Vec<String> = diesel::sql_query(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'articles' \
             AND sql LIKE '%UPDATE%' ORDER BY name",
        )
        .load::<Name>(&mut conn)
        .unwrap()
        .into_iter()
        .map(|row| row.name)
        .collect();
        // The trigram index of titles and slugs follows those two columns only.
        assert_eq!(
            triggers,
            ["article_search_article_update", "article_trigrams_update"]
        );
    }

    #[test]
    fn existing_articles_are_backfilled_and_down_reverts() {
        fn search_objects(conn: &mut DbConn) -> Vec<String> {
            diesel::sql_query(
                "SELECT name FROM sqlite_master WHERE name LIKE 'article_search%' ORDER BY name",
            )
            .load::<Name>(conn)
            .unwrap()
            .into_iter()
            .map(|row| row.name)
            .collect()
        }
        let mut conn = seeded();
        // Revert down to (and including) the search migration, whatever was added after it.
        while !search_objects(&mut conn).is_empty() {
            conn.revert_last_migration(crate::db::SQLITE_MIGRATIONS)
                .unwrap();
            let articles: Vec<Name> =
                diesel::sql_query("SELECT name FROM sqlite_master WHERE name = 'articles'")
                    .load(&mut conn)
                    .unwrap();
            assert_eq!(articles.len(), 1, "reverted past the search migration");
        }
        conn.run_pending_migrations(crate::db::SQLITE_MIGRATIONS)
            .unwrap();
        assert_eq!(index_size(&mut conn), 2);
        assert_eq!(search(&mut conn, "thera"), [2, 1]);
    }
}
