//! Markdown bodies: rendering to sanitized HTML, plain text, word counts and derived excerpts.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use pulldown_cmark::{html, Event, Options, Parser, Tag, TagEnd};
use unicode_segmentation::UnicodeSegmentation;

use super::text;

/// Length, in characters (never splitting a grapheme cluster), of the excerpt derived from a body when none is given.
pub const EXCERPT_CHARS: usize = 160;

/// Reading speed assumed by [`reading_time_minutes`].
const WORDS_PER_MINUTE: usize = 200;

/// Characters dropped from the end of a cut excerpt before the ellipsis is added.
const TRAILING_PUNCTUATION: &[char] = &[',', ';', ':', '.', '-', '–', '—', '(', '[', '{', '/'];

/// Markdown extensions understood in bodies, beyond CommonMark.
fn markdown_options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// The HTML sanitizer, configured once: an allow-list of formatting tags and attributes,
/// links limited to http, https, mailto and relative URLs.
static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let tags = HashSet::from([
        "a",
        "blockquote",
        "br",
        "code",
        "del",
        "em",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "img",
        "li",
        "ol",
        "p",
        "pre",
        "strong",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    ]);
    let tag_attributes = HashMap::from([
        ("a", HashSet::from(["href", "title"])),
        (
            "img",
            HashSet::from(["src", "alt", "title", "width", "height"]),
        ),
        ("ol", HashSet::from(["start"])),
        ("code", HashSet::from(["class"])),
    ]);
    let mut builder = ammonia::Builder::empty();
    builder
        .tags(tags)
        .clean_content_tags(HashSet::from([
            "script", "style", "iframe", "object", "embed", "noscript", "template",
        ]))
        .generic_attributes(HashSet::new())
        .tag_attributes(tag_attributes)
        .tag_attribute_values(HashMap::new())
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .url_relative(ammonia::UrlRelative::PassThrough)
        .link_rel(Some("noopener noreferrer nofollow"))
        .strip_comments(true)
        .attribute_filter(keep_language_class);
    builder
});

/// Keeps `class` only in the `language-…` form pulldown-cmark puts on fenced code, so that
/// frontends can highlight it; every other attribute value passes unchanged.
fn keep_language_class<'u>(element: &str, attribute: &str, value: &'u str) -> Option<Cow<'u, str>> {
    if element != "code" || attribute != "class" {
        return Some(Cow::Borrowed(value));
    }
    let language = value.strip_prefix("language-")?;
    let well_formed = !language.is_empty()
        && language
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '#' | '.'));
    well_formed.then_some(Cow::Borrowed(value))
}

/// Renders a Markdown body (CommonMark with tables and strikethrough) to HTML that is safe to
/// embed: raw HTML in the source is sanitized, scripts, event handlers, styles, frames and
/// non-http(s)/mailto URLs are removed, and links get `rel="noopener noreferrer nofollow"`.
pub fn to_html(markdown: &str) -> String {
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(
        &mut unsafe_html,
        Parser::new_ext(markdown, markdown_options()),
    );
    SANITIZER.clean(&unsafe_html).to_string()
}

/// The deepest a Markdown body (section bodies, biographies) may nest block quotes and lists.
/// Sanitizing a rendered body takes time that grows with the square of its depth; real bodies
/// stay far below this.
pub const MAX_BODY_DEPTH: usize = 32;

/// The deepest a Markdown body may nest HTML elements, raw or rendered from its Markdown (as
/// [`html_depth`] counts them): the bound on the sanitizer's work, high enough for text that
/// leaves tags unclosed (`Option<T>` in prose is an element), as for imported HTML.
pub const MAX_ELEMENT_DEPTH: usize = 256;

/// Elements whose end tag may be left out or that never have content: not counted as nesting.
const UNNESTED: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "p", "li", "dt", "dd", "option", "tr", "td", "th",
];

/// How deep a Markdown body nests, measured by [`nesting`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Nesting {
    /// Block quotes and lists inside one another.
    pub blocks: usize,
    /// HTML elements inside one another, raw or rendered from the Markdown.
    pub elements: usize,
}

impl Nesting {
    /// What nests deeper than allowed, if anything: its name, its depth and the limit
    /// ([`MAX_BODY_DEPTH`], [`MAX_ELEMENT_DEPTH`]).
    pub fn excess(self) -> Option<(&'static str, usize, usize)> {
        if self.blocks > MAX_BODY_DEPTH {
            Some(("block quotes and lists", self.blocks, MAX_BODY_DEPTH))
        } else if self.elements > MAX_ELEMENT_DEPTH {
            Some(("HTML elements", self.elements, MAX_ELEMENT_DEPTH))
        } else {
            None
        }
    }
}

/// How deep `markdown` nests its block quotes and lists, and the HTML elements of its
/// unsanitized rendering ([`html_depth`]), in time linear in its length.
pub fn nesting(markdown: &str) -> Nesting {
    let (mut blocks, mut open) = (0usize, 0usize);
    let events = Parser::new_ext(markdown, markdown_options()).inspect(|event| match event {
        Event::Start(Tag::BlockQuote(_) | Tag::List(_)) => {
            open += 1;
            blocks = blocks.max(open);
        }
        Event::End(TagEnd::BlockQuote(_) | TagEnd::List(_)) => open = open.saturating_sub(1),
        _ => {}
    });
    let mut rendered = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut rendered, events);
    Nesting {
        blocks,
        elements: html_depth(&rendered),
    }
}

/// The deepest nesting of elements in `html`, counted on its tags (a bound, not a parse; the
/// elements whose end tag may be left out, void elements and comments are not counted), in
/// time linear in its length.
pub fn html_depth(html: &str) -> usize {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    // The first `>` at or after the tag being read: found once for every run of tags before it.
    let mut tag_end = 0usize;
    let mut at = 0usize;
    while let Some(found) = html[at..].find('<') {
        at += found + 1;
        let rest = &html[at..];
        if let Some(comment) = rest.strip_prefix("!--") {
            match comment.find("-->") {
                Some(end) => at += 3 + end + 3,
                None => break,
            }
            continue;
        }
        let closing = rest.starts_with('/');
        let name: String = rest
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if name.is_empty() || UNNESTED.contains(&name.as_str()) {
            continue;
        }
        if tag_end < at {
            tag_end = html[at..].find('>').map_or(html.len(), |end| at + end);
        }
        let self_closing = html[at..tag_end].ends_with('/');
        if closing {
            depth = depth.saturating_sub(1);
        } else if !self_closing {
            depth += 1;
            deepest = deepest.max(depth);
        }
    }
    deepest
}

/// Most container markers (`>`, `-`, `*`, `+`, `1.`) [`flatten`] keeps at the start of a line.
const KEPT_MARKERS: usize = MAX_BODY_DEPTH / 2;

/// `markdown` made to nest within [`MAX_BODY_DEPTH`] and [`MAX_ELEMENT_DEPTH`], keeping its
/// text: the block-quote and list markers after the first 16 of each line are
/// removed; a body still too deep (nested by indentation or raw HTML) becomes one fenced code
/// block of its text.
pub fn flatten(markdown: &str) -> String {
    let mut flat = String::with_capacity(markdown.len());
    for line in markdown.split_inclusive('\n') {
        let (kept, rest) = split_markers(line, KEPT_MARKERS);
        flat.push_str(kept);
        flat.push_str(skip_markers(rest));
    }
    if nesting(&flat).excess().is_none() {
        return flat;
    }
    let longest_run = markdown
        .split(|c| c != '`')
        .map(str::len)
        .max()
        .unwrap_or(0);
    let fence = "`".repeat(longest_run.max(2) + 1);
    format!("{fence}\n{}\n{fence}", markdown.trim_end_matches('\n'))
}

/// The container markers at the start of `line`, each with the up to three spaces before it and
/// the one space or tab after it, up to `most` of them; and the rest of the line.
fn split_markers(line: &str, most: usize) -> (&str, &str) {
    let mut end = 0;
    for _ in 0..most {
        match marker_len(&line[end..]) {
            Some(len) => end += len,
            None => break,
        }
    }
    line.split_at(end)
}

/// `line` without the container markers at its start.
fn skip_markers(line: &str) -> &str {
    let mut rest = line;
    while let Some(len) = marker_len(rest) {
        rest = &rest[len..];
    }
    rest
}

/// The length of the container marker at the start of `text` (block quote `>` or list item
/// `-`, `*`, `+`, `1.`, `1)`), with up to three spaces before it and one space or tab after it.
fn marker_len(text: &str) -> Option<usize> {
    let indent = text.bytes().take(3).take_while(|b| *b == b' ').count();
    let rest = &text.as_bytes()[indent..];
    let marker = match rest.first()? {
        b'>' => 1,
        b'-' | b'*' | b'+' if matches!(rest.get(1), Some(b' ' | b'\t')) => 1,
        b'0'..=b'9' => {
            let digits = rest
                .iter()
                .take(9)
                .take_while(|b| b.is_ascii_digit())
                .count();
            let delimited = matches!(rest.get(digits), Some(b'.' | b')'))
                && matches!(rest.get(digits + 1), Some(b' ' | b'\t'));
            if !delimited {
                return None;
            }
            digits + 1
        }
        _ => return None,
    };
    let space = usize::from(matches!(rest.get(marker), Some(b' ' | b'\t')));
    Some(indent + marker + space)
}

/// The text content of a Markdown body: text and code spans kept, raw HTML and image
/// descriptions dropped, blocks separated, whitespace collapsed to single spaces and trimmed.
pub fn to_plain_text(markdown: &str) -> String {
    let mut text = String::with_capacity(markdown.len());
    let mut image_depth = 0usize;
    for event in Parser::new_ext(markdown, markdown_options()) {
        match event {
            Event::Start(Tag::Image { .. }) => image_depth += 1,
            Event::End(TagEnd::Image) => image_depth = image_depth.saturating_sub(1),
            Event::Text(chunk) | Event::Code(chunk) if image_depth == 0 => text.push_str(&chunk),
            Event::SoftBreak | Event::HardBreak | Event::Rule => text.push(' '),
            Event::Start(tag) if !is_inline(&tag.to_end()) => text.push(' '),
            Event::End(tag) if !is_inline(&tag) => text.push(' '),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether a tag lives inside a line of text (so its edges must not split words).
fn is_inline(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

/// Counts the words of a plain text: maximal runs of Unicode letters and digits, where an
/// apostrophe or hyphen between two letters does not split a word ("don't", "well-being").
pub fn word_count(plain_text: &str) -> usize {
    let mut count = 0;
    let mut in_word = false;
    let mut chars = plain_text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() {
            if !in_word {
                count = usize::saturating_add(count, 1);
                in_word = true;
            }
        } else if in_word && is_combining_mark(c) {
            // A decomposed accent belongs to the letter before it.
        } else if in_word && is_word_joiner(c) && chars.peek().is_some_and(|n| n.is_alphanumeric())
        {
            // "don't", "well-being": the word continues after the joiner.
        } else {
            in_word = false;
        }
    }
    count
}

/// Apostrophes and hyphens that join the two halves of one word.
fn is_word_joiner(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '-' | '\u{2010}' | '\u{2011}')
}

/// Combining diacritical marks, as found in decomposed (NFD) text.
fn is_combining_mark(c: char) -> bool {
    matches!(
        c,
        '\u{0300}'..='\u{036F}'
            | '\u{1AB0}'..='\u{1AFF}'
            | '\u{1DC0}'..='\u{1DFF}'
            | '\u{20D0}'..='\u{20FF}'
            | '\u{FE20}'..='\u{FE2F}'
    )
}

/// Estimated reading time of `words` words at 200 words per minute, rounded up, at least 1.
pub fn reading_time_minutes(words: usize) -> u32 {
    let minutes = words.div_ceil(WORDS_PER_MINUTE).max(1);
    u32::try_from(minutes).unwrap_or(u32::MAX)
}

/// A teaser of at most `max_chars` characters (Unicode scalar values, as field lengths are
/// counted) that never splits a user-perceived character (a grapheme cluster: a flag, a ZWJ
/// emoji sequence, a letter with combining accents): the text itself when it fits, otherwise the
/// text cut at the last word boundary within `max_chars - 1` characters, trailing spaces and
/// punctuation such as `,;:` trimmed, and "…" appended. A first word too long to fit is cut
/// inside the word, at the last cluster boundary within the budget.
pub fn excerpt(plain_text: &str, max_chars: usize) -> String {
    if plain_text.chars().nth(max_chars).is_none() {
        return plain_text.to_owned();
    }
    let Some(budget) = max_chars.checked_sub(1) else {
        return String::new();
    };
    let budget_end = plain_text
        .char_indices()
        .nth(budget)
        .map_or(plain_text.len(), |(index, _)| index);
    let head = &plain_text[..text::floor_boundary(plain_text, budget_end)];
    let next_is_blank = plain_text[head.len()..]
        .graphemes(true)
        .next()
        .is_some_and(text::is_blank);
    let at_boundary = if next_is_blank {
        head
    } else {
        head.grapheme_indices(true)
            .rev()
            .find(|(_, cluster)| text::is_blank(cluster))
            .map_or("", |(index, _)| &head[..index])
    };
    let trimmed = text::trim_end_clusters(at_boundary, |c| {
        c.is_whitespace() || TRAILING_PUNCTUATION.contains(&c)
    });
    let cut = if trimmed.is_empty() {
        text::trim_end_clusters(head, char::is_whitespace)
    } else {
        trimmed
    };
    format!("{cut}…")
}

/// The words in the headings and (Markdown) bodies of `sections`, and an excerpt of the first
/// body cut on a word boundary: an article's `word_count` and `derived_excerpt`.
pub fn derived_text<'a>(sections: impl Iterator<Item = (&'a str, &'a str)>) -> (i32, String) {
    let mut words = 0usize;
    let mut first_excerpt = None;
    for (heading, body) in sections {
        let text = to_plain_text(body);
        words = words
            .saturating_add(word_count(heading))
            .saturating_add(word_count(&text));
        if first_excerpt.is_none() {
            first_excerpt = Some(excerpt(&text, EXCERPT_CHARS));
        }
    }
    (
        i32::try_from(words).unwrap_or(i32::MAX),
        first_excerpt.unwrap_or_default(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_headings_lists_emphasis_and_links() {
        let html = to_html(
            "# Title\n\n## Sub\n\n- *one*\n- **two**\n\n1. first\n\n[site](https://example.com/a) ~~old~~ `x`",
        );
        assert!(html.contains("<h1>Title</h1>"), "{html}");
        assert!(html.contains("<h2>Sub</h2>"), "{html}");
        assert!(html.contains("<ul>"), "{html}");
        assert!(html.contains("<li><em>one</em></li>"), "{html}");
        assert!(html.contains("<li><strong>two</strong></li>"), "{html}");
        assert!(html.contains("<ol>"), "{html}");
        assert!(html.contains("<del>old</del>"), "{html}");
        assert!(html.contains("<code>x</code>"), "{html}");
        assert!(
            html.contains(
                r#"<a href="https://example.com/a" rel="noopener noreferrer nofollow">site</a>"#
            ),
            "{html}"
        );
    }

    #[test]
    fn keeps_tables_images_code_languages_and_safe_urls() {
        let html = to_html(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n![alt](/img/x.png \"t\")\n\n```rust\nfn main() {}\n```\n\n[rel](../other) [mail](mailto:a@example.com)",
        );
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<th>a</th>"), "{html}");
        assert!(html.contains("<td>2</td>"), "{html}");
        assert!(
            html.contains(r#"<img src="/img/x.png" alt="alt" title="t">"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<pre><code class="language-rust">"#),
            "{html}"
        );
        assert!(html.contains(r#"href="../other""#), "{html}");
        assert!(html.contains(r#"href="mailto:a@example.com""#), "{html}");
    }

    #[test]
    fn strips_disallowed_markup_but_keeps_text() {
        let html = to_html(
            "<form action=/x><input name=a>Hello</form>\n\n<p class=\"x\" id=\"y\">para</p>\n\n```<b>\ncode\n```",
        );
        assert!(!html.contains("<form"), "{html}");
        assert!(!html.contains("<input"), "{html}");
        assert!(html.contains("Hello"), "{html}");
        assert!(html.contains("<p>para</p>"), "{html}");
        assert!(html.contains("<pre><code>code\n</code></pre>"), "{html}");
    }

    #[test]
    fn removes_xss_vectors() {
        let vectors = [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[x](javascript:alert(1))",
            "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
            "<iframe src=//evil>",
            "<svg onload=alert(1)>",
            "<p style=\"background:url(javascript:alert(1))\">x</p>",
            "<a href=\"data:text/html;base64,PHNjcmlwdD4=\">x</a>",
            "[x](vbscript:msgbox(1)) ![y](data:image/svg+xml;base64,PHN2Zz4=)",
            "<object data=x></object><embed src=x><style>p{}</style><div onclick=\"x()\">d</div>",
            "text <script>alert(1)</script> inline",
            "[x](java\tscript:alert(1)) <a href=\"&#106;avascript:alert(1)\">y</a>",
        ];
        let forbidden = [
            "<script",
            "onerror",
            "onload",
            "onclick",
            "javascript:",
            "vbscript:",
            "<iframe",
            "<object",
            "<embed",
            "<style",
            "data:",
            "style=",
        ];
        for vector in vectors {
            let html = to_html(vector).to_ascii_lowercase();
            for needle in forbidden {
                assert!(
                    !html.contains(needle),
                    "{vector:?} rendered as {html:?}, which contains {needle:?}"
                );
            }
        }
        assert_eq!(
            to_html("text <script>alert(1)</script> inline"),
            "<p>text  inline</p>\n"
        );
    }

    #[test]
    fn plain_text_keeps_link_text_and_code() {
        let text = to_plain_text(
            "# Heading\n\nRead [the guide](https://example.com) and run `cargo test`.\nNext line.\n\n- one\n- two\n\n<div>raw html</div>\n\n![a picture](x.png) after *the* image",
        );
        assert_eq!(
            text,
            "Heading Read the guide and run cargo test. Next line. one two after the image"
        );
    }

    #[test]
    fn plain_text_of_empty_and_nested_blocks() {
        assert_eq!(to_plain_text(""), "");
        assert_eq!(to_plain_text("   \n\n  "), "");
        assert_eq!(to_plain_text("- a\n  - b\n\n> quote"), "a b quote");
        assert_eq!(to_plain_text("| h |\n|---|\n| c |"), "h c");
        assert_eq!(to_plain_text("AT&amp;T **bold**text"), "AT&T boldtext");
    }

    #[test]
    fn counts_words() {
        assert_eq!(word_count("Don't stop — well-being matters."), 4);
        assert_eq!(word_count(""), 0);
        assert_eq!(word_count("café über"), 2);
        assert_eq!(word_count("cafe\u{301} e\u{301}tude"), 2);
        assert_eq!(word_count("it’s a 10-minute read"), 4);
        assert_eq!(word_count("  -- ' - 'quoted' end-"), 2);
        assert_eq!(word_count("one,two;three"), 3);
    }

    #[test]
    fn reading_time_rounds_up_with_a_minimum_of_one() {
        assert_eq!(reading_time_minutes(0), 1);
        assert_eq!(reading_time_minutes(1), 1);
        assert_eq!(reading_time_minutes(200), 1);
        assert_eq!(reading_time_minutes(201), 2);
        assert_eq!(reading_time_minutes(1000), 5);
        assert_eq!(reading_time_minutes(usize::MAX), u32::MAX);
    }

    #[test]
    fn excerpt_of_short_text_is_the_text() {
        assert_eq!(excerpt("", 10), "");
        assert_eq!(excerpt("short", 10), "short");
        assert_eq!(excerpt("exactly10!", 10), "exactly10!");
        assert_eq!(excerpt("ééé", 3), "ééé");
    }

    #[test]
    fn excerpt_of_seed_title_cuts_between_words() {
        let title = "Do Therapists Cry During Sessions? Norms and Expectations in Psychotherapy";
        let cut = excerpt(title, 60);
        assert_eq!(
            cut,
            "Do Therapists Cry During Sessions? Norms and Expectations…"
        );
        assert!(cut.chars().count() <= 60);
        let kept = cut.strip_suffix('…').expect("ends with an ellipsis");
        assert!(title.starts_with(kept));
        assert!(title[kept.len()..].starts_with(' '));
    }

    #[test]
    fn excerpt_boundaries() {
        // The next character is a space: the whole budget is a word boundary.
        assert_eq!(excerpt("abcd efgh", 5), "abcd…");
        // Trailing punctuation and spaces before the ellipsis are trimmed.
        assert_eq!(excerpt("one, two three", 9), "one, two…");
        assert_eq!(excerpt("one, two three", 6), "one…");
        assert_eq!(excerpt("alpha; beta gamma", 10), "alpha…");
        assert_eq!(excerpt("end. More words here", 9), "end…");
        // A single word longer than the limit is cut inside it.
        assert_eq!(excerpt("supercalifragilistic", 6), "super…");
        assert_eq!(excerpt("ab", 1), "…");
        assert_eq!(excerpt("ab", 0), "");
        for max in 0..30 {
            let text = "Norms, and expectations: in psychotherapy sessions today";
            assert!(excerpt(text, max).chars().count() <= max, "max {max}");
        }
    }

    #[test]
    fn excerpt_never_splits_multi_byte_characters() {
        let sample = "ééé ééé ééé";
        for max in 0..=sample.chars().count() {
            let cut = excerpt(sample, max);
            assert!(cut.chars().count() <= max, "max {max}: {cut:?}");
        }
        let text = sample;
        assert_eq!(excerpt(text, 8), "ééé ééé…");
        assert_eq!(excerpt(text, 6), "ééé…");
        assert_eq!(excerpt("日本語のテキストです", 5), "日本語の…");
        assert_eq!(excerpt("👍🏽👍🏽👍🏽", 3), "👍🏽…");
    }

    #[test]
    fn excerpt_never_splits_grapheme_clusters() {
        let flags = "🇬🇧".repeat(100);
        let cut = excerpt(&flags, EXCERPT_CHARS);
        assert_eq!(cut, format!("{}…", "🇬🇧".repeat(79)));
        for cluster in [
            "🇬🇧",
            "👨\u{200D}👩\u{200D}👧\u{200D}👦",
            "e\u{301}",
            "\u{1100}\u{1161}\u{11A8}",
        ] {
            for text in [cluster.repeat(60), format!("{} ", cluster).repeat(60)] {
                for max in 0..=text.chars().count() + 1 {
                    let cut = excerpt(&text, max);
                    assert!(cut.chars().count() <= max, "{cluster:?} {max}: {cut:?}");
                    let kept = cut.strip_suffix('…').unwrap_or(&cut);
                    assert!(text.starts_with(kept), "{cluster:?} {max}: {cut:?}");
                    assert_eq!(
                        kept.chars().filter(|c| *c != ' ').count() % cluster.chars().count(),
                        0,
                        "{cluster:?} {max}: {cut:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn nesting_counts_block_quotes_lists_and_html_elements() {
        let depth = |markdown: &str| {
            let found = nesting(markdown);
            (found.blocks, found.elements)
        };
        assert_eq!(depth("plain *text*"), (0, 1));
        assert_eq!(depth(&format!("{}deep", ">".repeat(40))), (40, 40));
        assert_eq!(depth(&format!("{}deep", "- ".repeat(40))), (40, 40));
        assert_eq!(depth(&format!("{}deep", "<div>".repeat(40))), (0, 40));
        let lines: String = (0..40)
            .map(|i| format!("{}- x\n", "  ".repeat(i)))
            .collect();
        assert_eq!(depth(&lines), (40, 40));
        assert_eq!(html_depth("<p><br><img src=x/><!-- <div> --></p>"), 0);
        assert_eq!(html_depth("<a<a<a"), 3, "unclosed tags still count");
        assert_eq!(nesting(&format!("{}x", "> ".repeat(32))).excess(), None);
        assert_eq!(
            nesting(&format!("{}x", "> ".repeat(33))).excess(),
            Some(("block quotes and lists", 33, MAX_BODY_DEPTH))
        );
        assert_eq!(
            nesting(&"Option<T> ".repeat(257)).excess(),
            Some(("HTML elements", 257, MAX_ELEMENT_DEPTH))
        );
    }

    #[test]
    fn flattening_keeps_the_text_and_nests_within_the_limits() {
        for deep in [
            format!("Intro\n\n{}deep quote\n\nafter", "> ".repeat(5_000)),
            format!("{}deep item", "- ".repeat(5_000)),
            format!("{}1. numbered", "1. ".repeat(100)),
            (0..200)
                .map(|i| format!("{}- item {i}\n", "  ".repeat(i)))
                .collect(),
            format!("{}raw", "<blockquote>".repeat(300)),
        ] {
            let flat = flatten(&deep);
            assert_eq!(nesting(&flat).excess(), None, "{flat:.80}");
            let words = |text: &str| {
                text.split(|c: char| !c.is_alphanumeric())
                    .filter(|w| w.len() > 1)
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            };
            let kept = words(&flat);
            for word in words(&deep) {
                assert!(kept.contains(&word), "{word} lost");
            }
        }
        let quote = flatten(&format!("{}deep quote", "> ".repeat(5_000)));
        assert_eq!(quote, format!("{}deep quote", "> ".repeat(KEPT_MARKERS)));
        let code = flatten(&format!("{}x ```` y", "<div>".repeat(300)));
        assert!(code.starts_with("`````\n"), "{code:.40}");
    }
}
