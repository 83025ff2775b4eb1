//! HTML to Markdown for imported bodies (htmd), reporting what Markdown cannot carry: an
//! `<iframe>` or `<embed>` becomes a plain link to its source, `<script>`, `<style>`,
//! `<object>`, `<form>` and `<noscript>` are removed with their content; each is a warning,
//! never live markup. Nesting deeper than [`MAX_HTML_DEPTH`] is refused before parsing (the
//! converter walks the tree recursively). Also plain text from HTML for titles and excerpts.

use super::Notes;
use crate::support::markdown::html_depth;
use htmd::element_handler::Handlers;
use htmd::options::{BulletListMarker, Options};
use htmd::{Element, HtmlToMarkdown};
use std::sync::{Arc, Mutex};

/// The deepest HTML element nesting converted; deeper bodies are refused (a bad record).
pub const MAX_HTML_DEPTH: usize = crate::support::markdown::MAX_ELEMENT_DEPTH;

/// The custom element the source-specific passes use for "a link to this URL on its own line"
/// (`<hh-link href="…"></hh-link>`): it survives conversion as `<URL>`.
pub const LINK_ELEMENT: &str = "hh-link";

/// Converts `html` to Markdown, adding a warning for each element it could not carry.
pub fn to_markdown(html: &str, warnings: &mut Notes) -> Result<String, String> {
    let depth = html_depth(html);
    if depth > MAX_HTML_DEPTH {
        return Err(format!(
            "HTML nested deeper than the limit ({depth} levels, at most {MAX_HTML_DEPTH})"
        ));
    }
    let found: Arc<Mutex<Notes>> = Arc::default();
    let iframes = found.clone();
    let removed = found.clone();
    let converter = HtmlToMarkdown::builder()
        .options(Options {
            bullet_list_marker: BulletListMarker::Dash,
            ul_bullet_spacing: 1,
            ol_number_spacing: 1,
            ..Options::default()
        })
        .add_handler(
            vec!["iframe", "embed", "video", "audio"],
            move |_: &dyn Handlers, e: Element| {
                let source = attribute(&e, "src").filter(|s| is_web_url(s));
                let note = match &source {
                    Some(url) => format!("<{}> replaced by a link to {url}", e.tag),
                    None => format!("<{}> without a web address removed", e.tag),
                };
                push(&iframes, "embed", note);
                Some(
                    source
                        .map(|url| format!("\n\n<{url}>\n\n"))
                        .unwrap_or_default()
                        .into(),
                )
            },
        )
        .add_handler(
            vec!["script", "style", "object", "form", "noscript", "template"],
            move |_: &dyn Handlers, e: Element| {
                push(
                    &removed,
                    "markup removed",
                    format!("<{}> removed with its content", e.tag),
                );
                Some("".into())
            },
        )
        .add_handler(vec![LINK_ELEMENT], |_: &dyn Handlers, e: Element| {
            let url = attribute(&e, "href").unwrap_or_default();
            Some(format!("\n\n<{url}>\n\n").into())
        })
        .build();
    let markdown = converter
        .convert(&code_in_pre(html))
        .map_err(|e| format!("converting HTML: {e}"))?;
    if let Ok(found) = found.lock() {
        warnings.extend(found.iter().cloned());
    }
    Ok(markdown)
}

fn push(found: &Mutex<Notes>, kind: &'static str, note: String) {
    if let Ok(mut found) = found.lock() {
        found.push((kind, note));
    }
}

fn attribute(element: &Element, name: &str) -> Option<String> {
    element
        .attrs
        .iter()
        .find(|a| &*a.name.local == name)
        .map(|a| a.value.to_string())
}

/// Most passes [`neutralize_raw_html`] makes before it escapes every `<` left outside code.
const MAX_PASSES: usize = 16;

/// Raw HTML inside Markdown (outside fenced code) made inert like [`to_markdown`] does: an
/// `<iframe>` or `<embed>` becomes the link `<src>` on its own line, `<script>`, `<style>`,
/// `<object>`, `<form>`, `<noscript>` and `<template>` are removed with their content. Removal
/// repeats until nothing changes, so a tag split around another (`<scr<script></script>ipt>`)
/// cannot come back together; text that still changes after [`MAX_PASSES`] has every `<`
/// escaped, with a note.
pub fn neutralize_raw_html(markdown: &str, notes: &mut Notes) -> String {
    let mut text = markdown.to_owned();
    for _ in 0..MAX_PASSES {
        let next = neutralize_pass(&text, notes);
        if next == text {
            return next;
        }
        text = next;
    }
    notes.push((
        "markup removed",
        "raw HTML still nested after repeated removal: every < escaped".to_owned(),
    ));
    text.replace('<', "&lt;")
}

/// One pass of [`neutralize_raw_html`].
fn neutralize_pass(markdown: &str, notes: &mut Notes) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut fence: Option<&str> = None;
    let mut pending = String::new();
    for line in markdown.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let marker = ["```", "~~~"].into_iter().find(|m| trimmed.starts_with(m));
        match (fence, marker) {
            (None, Some(m)) => {
                out.push_str(&neutralize(&std::mem::take(&mut pending), notes));
                fence = Some(m);
                out.push_str(line);
            }
            (Some(open), Some(m)) if open == m => {
                fence = None;
                out.push_str(line);
            }
            (Some(_), _) => out.push_str(line),
            (None, None) => pending.push_str(line),
        }
    }
    out.push_str(&neutralize(&pending, notes));
    out
}

fn neutralize(text: &str, notes: &mut Notes) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let lower = rest.to_ascii_lowercase();
        let found = INERT
            .iter()
            .chain(["iframe", "embed"].iter())
            .filter_map(|tag| {
                let at = lower.find(&format!("<{tag}"))?;
                let next = lower.as_bytes().get(at + 1 + tag.len()).copied();
                matches!(next, Some(b' ' | b'>' | b'/' | b'\t' | b'\n')).then_some((at, *tag))
            })
            .min_by_key(|(at, _)| *at);
        let Some((at, tag)) = found else {
            out.push_str(rest);
            return out;
        };
        out.push_str(&rest[..at]);
        let open_end = lower[at..]
            .find('>')
            .map(|i| at + i + 1)
            .unwrap_or(lower.len());
        let end = closing_end(&lower, open_end, tag).unwrap_or(open_end);
        if tag == "iframe" || tag == "embed" {
            let src = source_of(&rest[at..open_end]).filter(|s| is_web_url(s));
            match src {
                Some(url) => {
                    notes.push(("embed", format!("<{tag}> replaced by a link to {url}")));
                    out.push_str(&format!("<{url}>"));
                }
                None => notes.push(("embed", format!("<{tag}> without a web address removed"))),
            }
        } else {
            notes.push((
                "markup removed",
                format!("<{tag}> removed with its content"),
            ));
        }
        rest = &rest[end..];
    }
}

/// `html` with the text of every `<pre>` that holds no `<code>` wrapped in one, so the converter
/// keeps it as a code block (its line breaks and indentation) instead of a paragraph.
fn code_in_pre(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let mut out = String::with_capacity(html.len() + 32);
    let mut at = 0;
    while let Some(found) = lower[at..].find("<pre") {
        let open = at + found;
        let after_name = lower.as_bytes().get(open + 4).copied();
        let (Some(open_end), true) = (
            lower[open..].find('>').map(|i| open + i + 1),
            matches!(after_name, Some(b'>' | b' ' | b'\t' | b'\n' | b'\r')),
        ) else {
            out.push_str(&html[at..open + 4]);
            at = open + 4;
            continue;
        };
        let Some(close) = lower[open_end..].find("</pre").map(|i| open_end + i) else {
            break;
        };
        out.push_str(&html[at..open_end]);
        if lower[open_end..close].contains("<code") {
            out.push_str(&html[open_end..close]);
        } else {
            out.push_str("<code>");
            out.push_str(&html[open_end..close]);
            out.push_str("</code>");
        }
        at = close;
    }
    out.push_str(&html[at..]);
    out
}

/// Where the first closing tag of `tag` at or after `from` in `lower` ends (`</tag>`, white space
/// allowed before the `>`), if there is one.
fn closing_end(lower: &str, from: usize, tag: &str) -> Option<usize> {
    let close = format!("</{tag}");
    let mut at = from;
    while let Some(i) = lower[at..].find(&close) {
        let after = at + i + close.len();
        let rest = &lower[after..];
        let spaces = rest.len() - rest.trim_start().len();
        if rest[spaces..].starts_with('>') {
            return Some(after + spaces + 1);
        }
        at = after;
    }
    None
}

/// Elements removed with their content.
const INERT: &[&str] = &["script", "style", "object", "form", "noscript", "template"];

/// The `src` attribute of an open tag.
fn source_of(tag: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let at = lower.find(" src=")? + 5;
    let value = &tag[at..];
    let (quote, value) = match value.chars().next()? {
        q @ ('"' | '\'') => (Some(q), &value[1..]),
        _ => (None, value),
    };
    let end = match quote {
        Some(q) => value.find(q)?,
        None => value
            .find(|c: char| c.is_whitespace() || c == '>')
            .unwrap_or(value.len()),
    };
    Some(decode_references(&value[..end]))
}

/// True for an absolute http(s) URL without spaces or angle brackets (safe inside `<…>`).
pub fn is_web_url(text: &str) -> bool {
    (text.starts_with("https://") || text.starts_with("http://"))
        && text.len() > 8
        && !text.contains(|c: char| c.is_whitespace() || c == '<' || c == '>')
}

/// Plain text from an HTML fragment: tags removed, character references decoded once, white
/// space collapsed (titles, excerpts, captions).
pub fn plain_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        text.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let is_tag = after
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!');
        match (is_tag, after.find('>')) {
            (true, Some(end)) => rest = &after[end + 1..],
            _ => {
                text.push('<');
                rest = after;
            }
        }
    }
    text.push_str(rest);
    decode_references(&text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Decodes HTML character references (numeric, and the named ones WordPress writes).
pub fn decode_references(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let end = after.find(';').filter(|&end| end <= 10);
        let decoded = end.and_then(|end| reference(&after[..end]).map(|c| (c, end)));
        match decoded {
            Some((c, end)) => {
                out.push_str(c.as_ref());
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn reference(name: &str) -> Option<std::borrow::Cow<'static, str>> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        return char::from_u32(code).map(|c| c.to_string().into());
    }
    let text = match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        "nbsp" => "\u{a0}",
        "ndash" => "–",
        "mdash" => "—",
        "hellip" => "…",
        "lsquo" => "‘",
        "rsquo" => "’",
        "ldquo" => "“",
        "rdquo" => "”",
        "laquo" => "«",
        "raquo" => "»",
        "copy" => "©",
        "reg" => "®",
        "trade" => "™",
        "deg" => "°",
        "times" => "×",
        "middot" => "·",
        "bull" => "•",
        "euro" => "€",
        "pound" => "£",
        _ => return None,
    };
    Some(text.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pre_without_code_stays_a_code_block() {
        let mut notes = Notes::new();
        let markdown = to_markdown(
            "<pre>x = 1\n    y = 2\n\nz = 3</pre><p>After</p>",
            &mut notes,
        )
        .unwrap();
        assert!(markdown.contains("x = 1\n    y = 2\n\nz = 3"), "{markdown}");
        assert!(
            markdown.contains("```") || markdown.contains("    x = 1"),
            "{markdown}"
        );
        let kept = to_markdown("<pre><code>a\n  b</code></pre>", &mut notes).unwrap();
        assert!(kept.contains("a\n  b"), "{kept}");
        assert_eq!(code_in_pre("<prefix>no</prefix>"), "<prefix>no</prefix>");
    }

    #[test]
    fn raw_scripts_cannot_come_back_together_and_closing_tags_may_have_spaces() {
        for (raw, kept) in [
            (
                "Hi <scr<script>x</script>ipt>alert(1)</script> there",
                "Hi  there",
            ),
            (
                "<scr<scr<script></script>ipt>ipt>alert(1)</script></script>",
                "<scr</script>",
            ),
            ("a <script >alert(1)</script > b", "a  b"),
            ("a <SCRIPT>alert(1)</SCRIPT\t> b", "a  b"),
            (
                "```\n<script>shown as code</script>\n```\n",
                "```\n<script>shown as code</script>\n```\n",
            ),
        ] {
            let mut notes = Notes::new();
            let out = neutralize_raw_html(raw, &mut notes);
            assert_eq!(out, kept, "{raw}");
            let lower = out.to_ascii_lowercase();
            if !raw.starts_with("```") {
                assert!(
                    !lower.contains("<script") && !notes.is_empty(),
                    "{raw}: {out}"
                );
            }
        }
    }

    #[test]
    fn iframes_become_links_and_scripts_go_with_warnings() {
        let mut warnings = Notes::new();
        let markdown = to_markdown(
            "<p>Watch</p><iframe src=\"https://www.youtube.com/embed/x\"></iframe><script>document.write(1)</script>",
            &mut warnings,
        )
        .unwrap();
        assert!(
            markdown.contains("<https://www.youtube.com/embed/x>"),
            "{markdown}"
        );
        assert!(!markdown.contains("document.write"), "{markdown}");
        assert_eq!(warnings.len(), 2, "{warnings:?}");
    }

    #[test]
    fn deep_nesting_is_refused_without_recursion() {
        let html = "<div>".repeat(10_000);
        let error = to_markdown(&html, &mut Notes::new()).unwrap_err();
        assert!(error.contains("deeper than the limit"), "{error}");
    }

    #[test]
    fn titles_lose_tags_and_keep_special_characters() {
        assert_eq!(
            plain_text("Markup: Title <em>With</em> <b>Mark<sup>up</sup></b>"),
            "Markup: Title With Markup"
        );
        let special = "Special Characters ~`!@#$%^&*()-_=+{}[]/\\;:'\"?,.>";
        assert_eq!(plain_text(special), special);
        assert_eq!(
            plain_text("Caf&eacute; &amp; &#039;tea&#039;"),
            "Caf&eacute; & 'tea'"
        );
    }
}
