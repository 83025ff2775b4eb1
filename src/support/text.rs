//! Cutting text without splitting a user-perceived character: every truncation in the crate cuts
//! on an extended grapheme-cluster boundary (UAX #29), so a flag, a family emoji (a ZWJ
//! sequence), a letter with its combining accents or a Hangul syllable made of jamo stays whole.

use unicode_segmentation::{GraphemeCursor, UnicodeSegmentation};

/// How many grapheme clusters (user-perceived characters) `text` holds.
pub fn grapheme_count(text: &str) -> usize {
    text.graphemes(true).count()
}

/// Whether `text` holds more than `max` grapheme clusters (stops counting after `max + 1`).
pub fn longer_than(text: &str, max: usize) -> bool {
    text.graphemes(true).nth(max).is_some()
}

/// The longest prefix of `text` holding at most `max` grapheme clusters.
pub fn prefix_graphemes(text: &str, max: usize) -> &str {
    let end = text
        .grapheme_indices(true)
        .nth(max)
        .map_or(text.len(), |(index, _)| index);
    &text[..end]
}

/// The longest prefix of `text` of at most `max_bytes` bytes that ends on a grapheme-cluster
/// boundary (empty when the first cluster alone is longer).
pub fn prefix_bytes(text: &str, max_bytes: usize) -> &str {
    if text.len() <= max_bytes {
        return text;
    }
    &text[..floor_boundary(text, max_bytes)]
}

/// The last grapheme-cluster boundary of `text` at or before byte `index` (clamped to the text).
pub fn floor_boundary(text: &str, index: usize) -> usize {
    let mut index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    let mut cursor = GraphemeCursor::new(index, text.len(), true);
    match cursor.is_boundary(text, 0) {
        Ok(true) => index,
        _ => cursor.prev_boundary(text, 0).ok().flatten().unwrap_or(0),
    }
}

/// The first grapheme-cluster boundary of `text` at or after byte `index` (clamped to the text).
pub fn ceil_boundary(text: &str, index: usize) -> usize {
    let mut index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index += 1;
    }
    let mut cursor = GraphemeCursor::new(index, text.len(), true);
    match cursor.is_boundary(text, 0) {
        Ok(true) => index,
        _ => cursor
            .next_boundary(text, 0)
            .ok()
            .flatten()
            .unwrap_or(text.len()),
    }
}

/// `text` without its trailing grapheme clusters that are a single character for which `drop`
/// holds (trimming by clusters never leaves half of one behind).
pub fn trim_end_clusters(text: &str, drop: impl Fn(char) -> bool) -> &str {
    let mut end = text.len();
    for (index, cluster) in text.grapheme_indices(true).rev() {
        let mut chars = cluster.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if drop(c) => end = index,
            _ => break,
        }
    }
    &text[..end]
}

/// Whether a grapheme cluster is only whitespace.
pub fn is_blank(cluster: &str) -> bool {
    cluster.chars().all(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Texts whose clusters are several code points each.
    const CLUSTERS: [&str; 5] = [
        "🇬🇧",
        "👨\u{200D}👩\u{200D}👧\u{200D}👦",
        "e\u{301}",
        "\u{1100}\u{1161}\u{11A8}",
        "👍🏽",
    ];

    #[test]
    fn cuts_keep_clusters_whole() {
        for cluster in CLUSTERS {
            let text = cluster.repeat(10);
            assert_eq!(grapheme_count(&text), 10);
            assert_eq!(prefix_graphemes(&text, 3), cluster.repeat(3));
            for max in 0..=text.len() {
                let cut = prefix_bytes(&text, max);
                assert_eq!(cut.len() % cluster.len(), 0, "{cluster:?} at {max}");
                assert!(cut.len() <= max);
                assert_eq!(floor_boundary(&text, max) % cluster.len(), 0);
                assert_eq!(ceil_boundary(&text, max) % cluster.len(), 0);
                assert!(ceil_boundary(&text, max) >= max);
            }
            assert!(longer_than(&text, 9) && !longer_than(&text, 10));
        }
    }

    #[test]
    fn trims_single_character_clusters_only() {
        assert_eq!(trim_end_clusters("ab, ", |c| c == ',' || c == ' '), "ab");
        assert_eq!(trim_end_clusters(".\u{301}", |c| c == '.'), ".\u{301}");
        assert_eq!(trim_end_clusters("", |_| true), "");
    }
}
