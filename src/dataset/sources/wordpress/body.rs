//! A WordPress post body made ready for HTML conversion: shortcodes and oEmbed URLs handled on
//! the source text (the converter would escape their brackets), `wpautop` for classic bodies
//! (no `<!-- wp:` block comments), and the comments that matter reported.

use super::super::html::LINK_ELEMENT;
use super::super::Notes;

/// WordPress core's shortcodes; other bracketed text is text.
const SHORTCODES: &[&str] = &[
    "caption",
    "wp_caption",
    "embed",
    "gallery",
    "audio",
    "video",
    "playlist",
];

/// Block-level tags: a paragraph starting with one is not wrapped in `<p>` by [`autop`].
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "details",
    "div",
    "dl",
    "fieldset",
    "figure",
    "figcaption",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "ol",
    "ul",
    "p",
    "pre",
    "section",
    "table",
    "thead",
    "tbody",
    "tr",
    "td",
    "th",
    "iframe",
    "script",
    "style",
    "object",
    "embed",
    "video",
    "audio",
    "hh-link",
    "!--",
    "nav",
    "main",
    "math",
    "select",
    "option",
    "map",
    "area",
    "legend",
    "dd",
    "dt",
    "caption",
    "colgroup",
    "col",
    "tfoot",
    "summary",
    "menu",
];

/// The post body `html` ready for conversion, with notes on what was changed.
pub fn prepare(html: &str, notes: &mut Notes) -> String {
    let html = html.replace("\r\n", "\n");
    report_comments(&html, notes);
    let html = outside_code(&html, |text| shortcodes(text, notes));
    let html = embed_lines(&html, notes);
    if html.contains("<!-- wp:") {
        html
    } else {
        autop(&html)
    }
}

fn report_comments(html: &str, notes: &mut Notes) {
    let pages = html.matches("<!--nextpage-->").count();
    if pages > 0 {
        notes.push((
            "pagination",
            format!("<!--nextpage--> ({pages}): the pages are joined into one article"),
        ));
    }
    for (block, what) in [
        ("<!-- wp:embed", "embed"),
        ("<!-- wp:video", "video"),
        ("<!-- wp:audio", "audio"),
        ("<!-- wp:html", "custom HTML"),
    ] {
        let count = html.matches(block).count();
        if count > 0 {
            notes.push((
                "block",
                format!("{count} Gutenberg {what} block(s) converted"),
            ));
        }
    }
}

/// Shortcodes: `[caption]` keeps its image and text, `[embed]URL[/embed]` becomes a link, the
/// other core ones are removed and quoted in a note; `[[x]]` is the literal `[x]`.
fn shortcodes(html: &str, notes: &mut Notes) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find('[') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let name: String = after
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        let is_shortcode = SHORTCODES.contains(&name.as_str())
            && after[name.len()..].starts_with([' ', ']', '/'])
            && !out.ends_with('[');
        let Some(open_end) = after.find(']').filter(|_| is_shortcode) else {
            out.push('[');
            rest = after;
            continue;
        };
        let tag = &rest[at..at + 1 + open_end + 1];
        let body_start = &after[open_end + 1..];
        let closing = format!("[/{name}]");
        let (inner, next) = match body_start.find(&closing) {
            Some(end) if !tag.ends_with("/]") => {
                (&body_start[..end], &body_start[end + closing.len()..])
            }
            _ => ("", body_start),
        };
        match name.as_str() {
            "caption" | "wp_caption" => {
                let split = inner.rfind('>').map(|i| i + 1).unwrap_or(0);
                let (media, text) = inner.split_at(split);
                out.push_str(&format!(
                    "<figure>{media}<figcaption>{}</figcaption></figure>",
                    text.trim()
                ));
                notes.push((
                    "shortcode",
                    "[caption] converted to an image with its caption".to_owned(),
                ));
            }
            "embed" if super::super::html::is_web_url(inner.trim()) => {
                out.push_str(&link(inner.trim()));
                notes.push((
                    "embed",
                    format!("[embed] kept as a link to {}", inner.trim()),
                ));
            }
            _ => {
                let quoted: String = tag.chars().take(200).collect();
                notes.push(("shortcode", format!("shortcode {quoted} removed")));
            }
        }
        rest = next;
    }
    out.push_str(rest);
    out
}

/// The elements whose content is code, kept literally: shortcodes inside are text.
const CODE: [&str; 2] = ["pre", "code"];

/// `html` with `apply` run on the text outside [`CODE`] elements, whose content (from the start
/// tag to the matching end tag, or to the end of the body) is kept as it is.
fn outside_code(html: &str, mut apply: impl FnMut(&str) -> String) -> String {
    let lower = html.to_ascii_lowercase();
    let mut out = String::with_capacity(html.len());
    // The next start tag of each element at or after `at` (`None`: there is none).
    let mut next = CODE.map(|tag| start_tag(&lower, 0, tag));
    let mut at = 0;
    loop {
        for (slot, tag) in next.iter_mut().zip(CODE) {
            if slot.is_some_and(|i| i < at) {
                *slot = start_tag(&lower, at, tag);
            }
        }
        let Some((start, tag)) = next
            .iter()
            .zip(CODE)
            .filter_map(|(slot, tag)| slot.map(|i| (i, tag)))
            .min_by_key(|(i, _)| *i)
        else {
            break;
        };
        out.push_str(&apply(&html[at..start]));
        let close = format!("</{tag}>");
        let end = lower[start..]
            .find(&close)
            .map_or(html.len(), |i| start + i + close.len());
        out.push_str(&html[start..end]);
        at = end;
    }
    out.push_str(&apply(&html[at..]));
    out
}

/// Where the first start tag `<tag>` (or `<tag ` with attributes) at or after `from` begins.
fn start_tag(lower: &str, from: usize, tag: &str) -> Option<usize> {
    let open = format!("<{tag}");
    let mut search = from;
    loop {
        let found = search + lower[search..].find(&open)?;
        let after = lower.as_bytes().get(found + open.len());
        if matches!(after, Some(b'>' | b' ' | b'\t' | b'\n' | b'/')) {
            return Some(found);
        }
        search = found + open.len();
    }
}

/// A web address alone on a line (WordPress turns those into embeds) becomes a link element.
fn embed_lines(html: &str, notes: &mut Notes) -> String {
    let mut in_pre = 0usize;
    let mut lines = Vec::new();
    for line in html.split('\n') {
        let trimmed = line.trim();
        if in_pre == 0 && super::super::html::is_web_url(trimmed) {
            notes.push(("embed", format!("embed kept as a link to {trimmed}")));
            lines.push(link(trimmed));
        } else {
            lines.push(line.to_owned());
        }
        in_pre =
            (in_pre + line.matches("<pre").count()).saturating_sub(line.matches("</pre>").count());
    }
    lines.join("\n")
}

fn link(url: &str) -> String {
    let url = url.replace('"', "%22");
    format!("<{LINK_ELEMENT} href=\"{url}\"></{LINK_ELEMENT}>")
}

/// WordPress's `wpautop`: a blank line separates paragraphs, a single line break inside a
/// paragraph is a `<br>`; text inside `<pre>` and chunks that start with a block tag are left
/// as they are.
pub fn autop(html: &str) -> String {
    let mut chunks: Vec<(String, bool)> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    let mut pre_at_start = false;
    let mut in_pre = 0usize;
    for line in html.split('\n') {
        if line.trim().is_empty() && in_pre == 0 {
            if !current.is_empty() {
                chunks.push((current.join("\n"), pre_at_start));
                current.clear();
            }
            continue;
        }
        if current.is_empty() {
            pre_at_start = in_pre > 0;
        }
        current.push(line);
        in_pre =
            (in_pre + line.matches("<pre").count()).saturating_sub(line.matches("</pre>").count());
    }
    if !current.is_empty() {
        chunks.push((current.join("\n"), pre_at_start));
    }
    chunks
        .into_iter()
        .map(|(chunk, in_pre)| {
            if in_pre || starts_with_block(&chunk) {
                chunk
            } else {
                let lines: Vec<&str> = chunk.lines().map(str::trim_end).collect();
                format!("<p>{}</p>", lines.join("<br />"))
            }
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn starts_with_block(chunk: &str) -> bool {
    let Some(tag) = chunk.trim_start().strip_prefix('<') else {
        return false;
    };
    let tag = tag.trim_start_matches('/');
    let name: String = tag
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '!')
        .collect::<String>()
        .to_ascii_lowercase();
    BLOCKS.contains(&name.as_str()) || name.starts_with("!--")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn autop_makes_paragraphs_and_line_breaks_and_leaves_blocks() {
        let html = autop("One\ntwo\n\n<h2>Head</h2>\n\nThree");
        assert_eq!(html, "<p>One<br />two</p>\n\n<h2>Head</h2>\n\n<p>Three</p>");
        assert_eq!(autop("<pre>a\n\nb</pre>"), "<pre>a\n\nb</pre>");
    }

    #[test]
    fn shortcodes_are_converted_removed_or_left_as_text() {
        let mut notes = Notes::new();
        let html = prepare(
            "[caption id=\"a\"]<img src=\"x.jpg\" alt=\"A\" /> Cats.[/caption]\n\n[gallery ids=\"1\"]\n\n[simple boat]\n\nhttps://www.youtube.com/watch?v=1",
            &mut notes,
        );
        assert!(html.contains("<figcaption>Cats.</figcaption>"), "{html}");
        assert!(!html.contains("gallery"), "{html}");
        assert!(html.contains("[simple boat]"), "{html}");
        assert!(
            html.contains("hh-link href=\"https://www.youtube.com/watch?v=1\""),
            "{html}"
        );
        assert_eq!(notes.len(), 3, "{notes:?}");
    }

    #[test]
    fn shortcodes_inside_code_and_pre_are_kept_literally() {
        let mut notes = Notes::new();
        let html = prepare(
            "Use <code>[gallery ids=\"1\"]</code> in a post.\n\n<pre class=\"x\">[embed]https://a.example/v[/embed]\n[caption]c[/caption]</pre>\n\n<CODE>[audio src=\"a.mp3\"]</CODE> [gallery]\n\n<preview>[video]</preview>",
            &mut notes,
        );
        assert!(html.contains("<code>[gallery ids=\"1\"]</code>"), "{html}");
        assert!(
            html.contains("[embed]https://a.example/v[/embed]\n[caption]c[/caption]</pre>"),
            "{html}"
        );
        assert!(
            html.contains("<CODE>[audio src=\"a.mp3\"]</CODE>"),
            "{html}"
        );
        assert!(
            !html.contains("</CODE> [gallery]"),
            "outside code: removed: {html}"
        );
        assert!(!html.contains("[video]"), "<preview> is not <pre>: {html}");
        assert_eq!(notes.len(), 2, "{notes:?}");
    }
}
