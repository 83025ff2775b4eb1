//! Splits a Markdown body into ordered sections at the top heading level actually used (the
//! smallest ATX level outside fenced code): each heading of that level starts a section headed
//! by its plain text; text before the first one becomes a first section headed
//! [`INTRODUCTION`]; a body without such a heading is one "Introduction" section; an empty body
//! gives none.

use super::Notes;
use crate::dataset::SectionRecord;

/// The heading of the section made of the text before the first heading.
pub const INTRODUCTION: &str = "Introduction";

/// The sections of `markdown`, in order, noting in `notes` when there are none (an empty
/// body).
pub fn split_noting(markdown: &str, notes: &mut Notes) -> Vec<SectionRecord> {
    let sections = split(markdown);
    if sections.is_empty() {
        notes.push(("body", "empty body: no sections".to_owned()));
    }
    sections
}

/// The sections of `markdown`, in order.
pub fn split(markdown: &str) -> Vec<SectionRecord> {
    let lines: Vec<&str> = markdown.lines().collect();
    let levels: Vec<Option<usize>> = heading_levels(&lines);
    let top = levels.iter().flatten().min().copied();
    let mut sections: Vec<(String, Vec<&str>)> = Vec::new();
    let mut current: (String, Vec<&str>) = (INTRODUCTION.to_owned(), Vec::new());
    let mut started = false;
    for (line, level) in lines.iter().zip(&levels) {
        if level.is_some() && *level == top {
            if started || !current.1.iter().all(|l| l.trim().is_empty()) {
                sections.push(std::mem::take(&mut current));
            }
            started = true;
            current = (heading_text(line), Vec::new());
        } else {
            current.1.push(line);
        }
    }
    if started || !current.1.iter().all(|l| l.trim().is_empty()) {
        sections.push(current);
    }
    sections
        .into_iter()
        .enumerate()
        .map(|(i, (heading, body))| SectionRecord {
            position: i32::try_from(i + 1).unwrap_or(i32::MAX),
            heading: if heading.is_empty() {
                INTRODUCTION.to_owned()
            } else {
                heading
            },
            body: body.join("\n").trim_matches('\n').trim_end().to_owned(),
        })
        .collect()
}

/// The ATX heading level of each line, `None` for other lines and inside fenced code.
fn heading_levels(lines: &[&str]) -> Vec<Option<usize>> {
    let mut fence: Option<&str> = None;
    lines
        .iter()
        .map(|line| {
            let trimmed = line.trim_start();
            let indent = line.len() - trimmed.len();
            for marker in ["```", "~~~"] {
                if indent < 4 && trimmed.starts_with(marker) {
                    match fence {
                        Some(open) if open == marker => fence = None,
                        None => fence = Some(marker),
                        Some(_) => {}
                    }
                    return None;
                }
            }
            if fence.is_some() || indent >= 4 {
                return None;
            }
            let hashes = trimmed.bytes().take_while(|b| *b == b'#').count();
            let after = &trimmed[hashes..];
            ((1..=6).contains(&hashes) && (after.is_empty() || after.starts_with([' ', '\t'])))
                .then_some(hashes)
        })
        .collect()
}

/// The plain text of an ATX heading line: markers, closing hashes, emphasis and escapes removed.
fn heading_text(line: &str) -> String {
    let text = line.trim().trim_start_matches('#').trim();
    let text = text.trim_end_matches('#').trim_end();
    let mut plain = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek().is_some_and(|n| n.is_ascii_punctuation()) => {
                if let Some(next) = chars.next() {
                    plain.push(next);
                }
            }
            '*' | '`' => {}
            _ => plain.push(c),
        }
    }
    plain.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn splits_at_the_top_level_used_with_an_introduction() {
        let sections = split("Lead.\n\n### One\n\nA\n\n#### Deeper\n\nB\n\n### Two\n\nC");
        let headings: Vec<_> = sections.iter().map(|s| s.heading.as_str()).collect();
        assert_eq!(headings, ["Introduction", "One", "Two"]);
        assert!(sections[1].body.contains("#### Deeper"));
    }

    #[test]
    fn no_introduction_when_nothing_precedes_the_first_heading_and_none_for_empty() {
        let sections = split("## **What** are \\*night\\* terrors?\n\ntext");
        assert_eq!(sections.len(), 1);
        assert_eq!(sections[0].heading, "What are *night* terrors?");
        assert!(split("  \n").is_empty());
        let code = split("Intro\n\n```\n# not a heading\n```");
        assert_eq!(code.len(), 1);
    }
}
