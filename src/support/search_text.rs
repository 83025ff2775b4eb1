//! The plain text the search index holds: what a reader sees of a body (its sanitized HTML
//! rendering reduced to text: no Markdown syntax, no link targets, entities decoded), with the
//! characters the snippet highlighter reserves removed.

/// Opens a highlighted hit in the search index's highlighter output (U+E000, private use).
pub const MARK_OPEN: char = '\u{E000}';

/// Closes a highlighted hit in the search index's highlighter output (U+E001, private use).
pub const MARK_CLOSE: char = '\u{E001}';

/// Separates the highlighted columns of one article in the highlighter output (U+E002).
pub const COLUMN_BREAK: char = '\u{E002}';

/// Tags that live inside a line of text: their edges do not separate words.
const INLINE_TAGS: [&str; 8] = ["a", "em", "strong", "del", "code", "img", "b", "i"];

/// The reader's text of a sanitized HTML fragment (as `markdown::to_html` makes it): tags
/// removed (block tags separate words, inline ones do not), image descriptions and attribute
/// values dropped, character references decoded, then [`clean`]ed.
pub fn of_html(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        decode_into(&mut text, &rest[..open]);
        let tag = &rest[open + 1..];
        let end = tag_end(tag);
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if !INLINE_TAGS.contains(&name.as_str()) {
            text.push(' ');
        }
        rest = tag.get(end + 1..).unwrap_or("");
    }
    decode_into(&mut text, rest);
    clean(&text)
}

/// The reader's text of a Markdown body: its sanitized rendering ([`super::markdown::to_html`])
/// reduced by [`of_html`].
pub fn of_markdown(markdown: &str) -> String {
    of_html(&super::markdown::to_html(markdown))
}

/// Where a tag that starts at the beginning of `tag` (after its `<`) ends: the index of its `>`
/// outside quoted attribute values, or the length when it never closes.
fn tag_end(tag: &str) -> usize {
    let mut quote = None;
    for (index, c) in tag.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return index,
            _ => {}
        }
    }
    tag.len()
}

/// Appends `escaped` to `text` with its character references decoded (`&amp;`, `&lt;`, `&gt;`,
/// `&quot;`, `&apos;`, `&nbsp;` and numeric ones); anything else is kept as written.
fn decode_into(text: &mut String, escaped: &str) {
    let mut rest = escaped;
    while let Some(amp) = rest.find('&') {
        text.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let decoded = after.find(';').filter(|&semi| semi <= 10).and_then(|semi| {
            let name = &after[..semi];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{A0}'),
                _ => numeric_reference(name),
            };
            c.map(|c| (c, semi))
        });
        match decoded {
            Some((c, semi)) => {
                text.push(c);
                rest = &after[semi + 1..];
            }
            None => {
                text.push('&');
                rest = after;
            }
        }
    }
    text.push_str(rest);
}

/// The character of `#123` or `#x7B`, if valid.
fn numeric_reference(name: &str) -> Option<char> {
    let digits = name.strip_prefix('#')?;
    let code = match digits.strip_prefix(['x', 'X']) {
        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
        None => digits.parse().ok()?,
    };
    char::from_u32(code)
}

/// `text` ready for the index: the highlighter's reserved characters removed, control
/// characters made spaces, whitespace collapsed to single spaces and trimmed.
pub fn clean(text: &str) -> String {
    let spaced: String = text
        .chars()
        .filter(|c| !is_reserved(*c))
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `c` is one of the characters the highlighter reserves ([`MARK_OPEN`], [`MARK_CLOSE`],
/// [`COLUMN_BREAK`]).
pub fn is_reserved(c: char) -> bool {
    matches!(c, MARK_OPEN | MARK_CLOSE | COLUMN_BREAK)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::support::markdown::to_html;

    fn text(markdown: &str) -> String {
        of_html(&to_html(markdown))
    }

    #[test]
    fn markdown_becomes_the_readers_text() {
        assert_eq!(
            text("**Fish &amp; chips** are a [treat](https://example.org)."),
            "Fish & chips are a treat."
        );
        assert_eq!(text("# A\n\nb *c* `d<e>`\n\n- x\n- y"), "A b c d<e> x y");
        assert_eq!(text("| a | b |\n|---|---|\n| 1 | 2 |"), "a b 1 2");
        assert_eq!(
            text("<script>alert(1)</script> Melatonin & \"sleep\" <b>aids</b>"),
            "Melatonin & \"sleep\" aids"
        );
        assert_eq!(text("![alt text](x.png) after"), "after");
        assert_eq!(text("&#x1F600; &#233; &bogus; a&b"), "😀 é &bogus; a&b");
        assert_eq!(text("x\u{E000}y\u{E001}z\u{E002}"), "xyz");
        assert_eq!(text("<a title=\"a>b\" href=\"/x\">link</a>"), "link");
    }

    #[test]
    fn clean_collapses_and_removes_reserved_and_controls() {
        assert_eq!(clean("  a\u{0}b\t\u{E000}c \n"), "a b c");
    }
}
