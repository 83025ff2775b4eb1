//! Full-text search: turning user input into a safe FTS5 query, and the ranking and snippet SQL.
//!
//! The index is the FTS5 table `article_search` (one row per article, `rowid` = article id, columns
//! `title, subtitle, excerpt, headings, bodies`), kept in sync by triggers in the migration
//! `2026-11-25-000002_search`.

/// The most words taken from one query; the rest of the input is ignored.
const MAX_WORDS: usize = 16;

/// The most characters kept from one word.
const MAX_WORD_CHARS: usize = 64;

/// Opens a highlighted hit in [`SNIPPET_SQL`] output (U+E000, private use).
const MARK_OPEN: char = '\u{E000}';

/// Closes a highlighted hit in [`SNIPPET_SQL`] output (U+E001, private use).
const MARK_CLOSE: char = '\u{E001}';

/// The relevance of a row for `ORDER BY` (lower is better): BM25 with the columns weighted
/// title 10, subtitle 5, excerpt 3, headings 2, bodies 1.
pub const RANK_SQL: &str = "bm25(article_search, 10.0, 5.0, 3.0, 2.0, 1.0)";

/// An excerpt of about 16 tokens around the hits, from whichever column matches best, with each
/// hit wrapped in U+E000 … U+E001 and elisions shown as `…`; pass it through [`highlight`].
pub const SNIPPET_SQL: &str = "snippet(article_search, -1, char(57344), char(57345), '…', 16)";

/// Turns any user input into an FTS5 `MATCH` expression that cannot be a syntax error.
///
/// Words are the maximal runs of Unicode alphanumeric characters; everything else (quotes, `*`,
/// parentheses, `-`, `:`, `^`, `+`, …) only separates them. At most 16 words of at most 64
/// characters each are kept; each becomes a quoted string, so keywords such as `AND`, `OR`,
/// `NOT` and `NEAR` are plain words, and all must match (implicit AND). The last word also
/// matches as a prefix, for search-as-you-type: `sleep thera` becomes `"sleep" "thera"*`.
///
/// Returns `None` when the input contains no word at all.
pub fn match_expression(input: &str) -> Option<String> {
    let words: Vec<String> = input
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .take(MAX_WORDS)
        .map(|word| {
            let word: String = word.chars().take(MAX_WORD_CHARS).collect();
            format!("\"{}\"", word.replace('"', "\"\""))
        })
        .collect();
    if words.is_empty() {
        return None;
    }
    let mut expression = words.join(" ");
    expression.push('*');
    Some(expression)
}

/// Renders a [`SNIPPET_SQL`] result as HTML: the text is escaped, so article content can never
/// inject markup, and the hit markers become `<mark>` and `</mark>`.
pub fn highlight(snippet: &str) -> String {
    let mut html = String::with_capacity(snippet.len() + 16);
    for c in snippet.chars() {
        match c {
            '&' => html.push_str("&amp;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            '"' => html.push_str("&quot;"),
            '\'' => html.push_str("&#x27;"),
            MARK_OPEN => html.push_str("<mark>"),
            MARK_CLOSE => html.push_str("</mark>"),
            c => html.push(c),
        }
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::connection::SimpleConnection;
    use diesel::sql_types::{Integer, Text};
    use diesel::{Connection, QueryableByName, RunQueryDsl, SqliteConnection};
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
            Some("\"sleep\" \"hygiene\"*")
        );
        assert_eq!(match_expression("thera").as_deref(), Some("\"thera\"*"));
        assert_eq!(
            match_expression("  Sleep,   better! ").as_deref(),
            Some("\"Sleep\" \"better\"*")
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
            Some("\"a\" \"AND\" \"b\" \"OR\"*")
        );
        assert_eq!(
            match_expression("\"unbalanced").as_deref(),
            Some("\"unbalanced\"*")
        );
        assert_eq!(
            match_expression("col:val").as_deref(),
            Some("\"col\" \"val\"*")
        );
        assert_eq!(match_expression("^x").as_deref(), Some("\"x\"*"));
        assert_eq!(
            match_expression("café naïve 睡眠").as_deref(),
            Some("\"café\" \"naïve\" \"睡眠\"*")
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
                assert!(expression.len() <= 16 * (64 * 4 + 3) + 1, "{input:?}");
                assert!(expression.ends_with("\"*"), "{input:?}");
            }
        }
    }

    #[test]
    fn highlight_escapes_html_and_marks_hits() {
        let snippet = "…before <script>alert('x&y')</script> \u{E000}therapist\u{E001} \"after\"…";
        assert_eq!(
            highlight(snippet),
            "…before &lt;script&gt;alert(&#x27;x&amp;y&#x27;)&lt;/script&gt; \
             <mark>therapist</mark> &quot;after&quot;…"
        );
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

    fn search(conn: &mut SqliteConnection, input: &str) -> Vec<i32> {
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

    fn index_size(conn: &mut SqliteConnection) -> i64 {
        diesel::sql_query("SELECT count(*) AS n FROM article_search")
            .get_result::<Count>(conn)
            .unwrap()
            .n
    }

    /// A migrated in-memory database with two articles: 1 has "therapist" only in a section
    /// body, 2 has it in its title.
    fn seeded() -> SqliteConnection {
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        conn.batch_execute("PRAGMA foreign_keys = ON;").unwrap();
        conn.run_pending_migrations(crate::db::MIGRATIONS).unwrap();
        conn.batch_execute(
            "INSERT INTO categories (slug, name, description, parent_id, position, created_at, updated_at) \
                 VALUES ('health', 'Health', '', NULL, 0, '2025-01-01 00:00:00', '2025-01-01 00:00:00'); \
             INSERT INTO articles (slug, title, subtitle, excerpt, status, published_at, category_id, \
                                   view_count, version, created_at, updated_at) \
                 VALUES ('sleep', 'Sleep better', 'Rest and recovery', 'How to sleep', 'published', \
                         '2025-01-01 00:00:00', 1, 0, 1, '2025-01-01 00:00:00', '2025-01-01 00:00:00'), \
                        ('therapy', 'Finding a therapist', 'Support', 'Getting help', 'published', \
                         '2025-01-02 00:00:00', 1, 0, 1, '2025-01-02 00:00:00', '2025-01-02 00:00:00'); \
             INSERT INTO sections (article_id, position, heading, body, created_at, updated_at) VALUES \
                 (1, 1, 'Routine', 'Go to bed at the same time every night.', '2025-01-01 00:00:00', '2025-01-01 00:00:00'), \
                 (1, 2, 'Help', 'If insomnia persists, talk to a therapist.', '2025-01-01 00:00:00', '2025-01-01 00:00:00'), \
                 (2, 1, 'Where to start', 'Ask your doctor for a referral.', '2025-01-02 00:00:00', '2025-01-02 00:00:00');",
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
            "SELECT {SNIPPET_SQL} AS snippet FROM article_search \
             WHERE article_search MATCH ? AND rowid = 1"
        ))
        .bind::<Text, _>(match_expression("insom").unwrap())
        .get_result::<Snippet>(&mut conn)
        .unwrap();
        assert!(
            highlight(&row.snippet).contains("<mark>insomnia</mark>"),
            "{}",
            row.snippet
        );
    }

    #[test]
    fn section_and_article_writes_update_the_index() {
        let mut conn = seeded();
        diesel::sql_query("UPDATE sections SET body = 'Consider melatonin.' WHERE id = 2")
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
        assert_eq!(triggers, ["article_search_article_update"]);
    }

    #[test]
    fn existing_articles_are_backfilled_and_down_reverts() {
        fn search_objects(conn: &mut SqliteConnection) -> Vec<String> {
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
            conn.revert_last_migration(crate::db::MIGRATIONS).unwrap();
            let articles: Vec<Name> =
                diesel::sql_query("SELECT name FROM sqlite_master WHERE name = 'articles'")
                    .load(&mut conn)
                    .unwrap();
            assert_eq!(articles.len(), 1, "reverted past the search migration");
        }
        conn.run_pending_migrations(crate::db::MIGRATIONS).unwrap();
        assert_eq!(index_size(&mut conn), 2);
        assert_eq!(search(&mut conn, "thera"), [2, 1]);
    }
}
