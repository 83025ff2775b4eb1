//! Marking the hits of a ranked search in an article's columns, as the index matched them: the
//! shape of [`crate::articles::search::HIGHLIGHT_SQL`] (hits between U+E000 and U+E001, columns
//! separated by U+E002), from which [`crate::articles::search::snippet_html`] cuts the snippet.
//!
//! The database's highlighter would run the whole match again (FTS5 merges every term of the
//! last word's prefix over all articles: 70 ms for `sleep` at 100 000 articles); this reads only
//! the page's text.

use super::schema;
use crate::support::search_text::{COLUMN_BREAK, MARK_CLOSE, MARK_OPEN};
use tantivy::tokenizer::TextAnalyzer;

/// What a search's words look like in the index, and the analyzers to read text the same way.
pub struct Marker {
    /// The stems every occurrence of which is a hit.
    whole: Vec<String>,
    /// The last word's stem: a hit wherever a stem starts with it.
    prefix: String,
    /// The first characters of every stem: a word starting otherwise is no hit, unstemmed
    /// (an English stem keeps its word's first letter).
    initials: Vec<char>,
    folder: TextAnalyzer,
    stemmer: TextAnalyzer,
}

impl Marker {
    /// The marker of a search whose words have these `stems` (the index's tokens, the last one a
    /// prefix); `None` when there are none.
    pub fn new(stems: &[String]) -> Option<Self> {
        let (prefix, whole) = stems.split_last()?;
        let mut initials: Vec<char> = stems
            .iter()
            .filter_map(|stem| stem.chars().next())
            .collect();
        initials.sort_unstable();
        initials.dedup();
        Some(Self {
            whole: whole.to_vec(),
            prefix: prefix.clone(),
            initials,
            folder: schema::folder(),
            stemmer: schema::stemmer(),
        })
    }

    /// `columns` joined by U+E002, each hit between U+E000 and U+E001.
    pub fn mark(&mut self, columns: [&str; 5]) -> String {
        let mut marked = String::with_capacity(columns.iter().map(|c| c.len() + 8).sum());
        for (i, column) in columns.into_iter().enumerate() {
            if i > 0 {
                marked.push(COLUMN_BREAK);
            }
            let mut copied = 0;
            for hit in self.hits(column) {
                marked.push_str(&column[copied..hit.start]);
                marked.push(MARK_OPEN);
                marked.push_str(&column[hit.clone()]);
                marked.push(MARK_CLOSE);
                copied = hit.end;
            }
            marked.push_str(&column[copied..]);
        }
        marked
    }

    /// The byte ranges of the hits in `text`, in order.
    fn hits(&mut self, text: &str) -> Vec<std::ops::Range<usize>> {
        let mut words = Vec::new();
        let mut stream = self.folder.token_stream(text);
        stream.process(&mut |token| {
            let initial = token.text.chars().next();
            if initial.is_some_and(|c| self.initials.binary_search(&c).is_ok()) {
                words.push((token.offset_from..token.offset_to, token.text.clone()));
            }
        });
        words
            .into_iter()
            .filter(|(_, word)| {
                let stem = stem_of(&mut self.stemmer, word);
                stem.starts_with(&self.prefix) || self.whole.contains(&stem)
            })
            .map(|(range, _)| range)
            .filter(|range| text.is_char_boundary(range.start) && text.is_char_boundary(range.end))
            .collect()
    }
}

/// The stem of one folded word.
fn stem_of(stemmer: &mut TextAnalyzer, word: &str) -> String {
    let mut stem = String::new();
    stemmer
        .token_stream(word)
        .process(&mut |token| stem.clone_from(&token.text));
    stem
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stems(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| (*w).to_owned()).collect()
    }

    #[test]
    fn marks_every_form_of_a_whole_word_and_words_starting_with_the_last() {
        let mut marker = Marker::new(&stems(&["sleep", "thera"])).expect("marker");
        let marked = marker.mark(["Sleeping well", "", "", "", "Therapists and SLEEP; sleepy"]);
        let (o, c, b) = (MARK_OPEN, MARK_CLOSE, COLUMN_BREAK);
        assert_eq!(
            marked,
            format!("{o}Sleeping{c} well{b}{b}{b}{b}{o}Therapists{c} and {o}SLEEP{c}; sleepy")
        );
    }

    #[test]
    fn marks_accented_words_by_their_folded_form() {
        let mut marker = Marker::new(&stems(&["cafe"])).expect("marker");
        let marked = marker.mark(["Café culture", "", "", "", ""]);
        assert!(
            marked.starts_with(&format!("{MARK_OPEN}Café{MARK_CLOSE}")),
            "{marked}"
        );
    }
}
