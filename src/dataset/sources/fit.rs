//! What the sources produce, fitted into the API's limits instead of failing the import: every
//! text field with a limit (the [`Syntax`] its request body checks) is cut at the limit with a
//! warning naming the field, its length and the limit; a one-line field has its line breaks
//! and control characters made spaces, a text field loses its NUL characters; an article with
//! more than [`MAX_SECTIONS`] sections keeps the first ones and joins the rest into its last;
//! a Markdown body (a section's, a biography) nesting block quotes and lists deeper than
//! [`markdown::MAX_BODY_DEPTH`], or HTML elements deeper than [`markdown::MAX_ELEMENT_DEPTH`],
//! is flattened. What cannot be fitted (a
//! required field left empty) is left for the import's checks, which name its record.

use super::{Converted, Notes};
use crate::articles::input as articles;
use crate::articles::seo::{MAX_META_DESCRIPTION, MAX_META_TITLE};
use crate::dataset::{ArticleRecord, Record, SectionRecord};
use crate::media::input as media;
use crate::sections::input::{self as sections, MAX_SECTIONS};
use crate::support::markdown;
use crate::support::validate::Syntax;
use crate::{categories, people, tags};

/// The warning kind of every fitted field, for counting.
const KIND: &str = "limit";

/// `text` cut to at most `max` characters (Unicode scalar values, as the API counts them):
/// the text itself when it fits; otherwise cut at the last word boundary within `max - 1`
/// characters with "…" appended, or inside a first word too long to fit, never splitting a
/// character or a grapheme cluster.
pub fn cut(text: &str, max: usize) -> String {
    markdown::excerpt(text, max)
}

/// Fits the text field `field` holding `value` to `syntax`, noting each change in `notes`.
pub fn text(field: &str, value: &mut String, syntax: Syntax, notes: &mut Notes) {
    let max = match syntax {
        Syntax::Line(max) | Syntax::RequiredLine(max) => {
            if value.chars().any(is_line_break_or_control) {
                *value = value
                    .split(|c: char| c.is_whitespace() || is_line_break_or_control(c))
                    .filter(|word| !word.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ");
                notes.push((
                    KIND,
                    format!("{field}: line breaks and control characters made spaces"),
                ));
            }
            max
        }
        Syntax::Text(max) | Syntax::Markdown(max) => {
            if value.contains('\0') {
                value.retain(|c| c != '\0');
                notes.push((KIND, format!("{field}: NUL characters removed")));
            }
            if matches!(syntax, Syntax::Markdown(_)) {
                flatten(field, value, notes);
            }
            max
        }
        // Slugs are made valid (and short enough) where they are chosen: see `super::slugs`.
        Syntax::Slug => return,
    };
    let length = value.chars().count();
    if length > max {
        *value = cut(value, max);
        notes.push((
            KIND,
            format!(
                "{field} is {length} characters, over the limit of {max}: cut to {}",
                value.chars().count()
            ),
        ));
    }
}

/// True for what a one-line field may not hold: control characters and the Unicode line and
/// paragraph separators.
fn is_line_break_or_control(c: char) -> bool {
    c.is_control() || c == '\u{2028}' || c == '\u{2029}'
}

/// Fits an article record: title, subtitle, excerpt, SEO fields, the number of sections, and
/// each section's heading and body.
pub fn article(record: &mut ArticleRecord, notes: &mut Notes) {
    text("title", &mut record.title, articles::TITLE, notes);
    text("subtitle", &mut record.subtitle, articles::SUBTITLE, notes);
    text("excerpt", &mut record.excerpt, articles::EXCERPT, notes);
    if let Some(seo) = record.seo.as_mut() {
        for (field, value, max) in [
            ("seo.meta_title", &mut seo.meta_title, MAX_META_TITLE),
            (
                "seo.meta_description",
                &mut seo.meta_description,
                MAX_META_DESCRIPTION,
            ),
        ] {
            if let Some(text_value) = value.as_mut() {
                text(field, text_value, Syntax::RequiredLine(max), notes);
                if text_value.trim().is_empty() {
                    *value = None;
                }
            }
        }
    }
    if let Some(image) = record.feature_image.as_mut() {
        text("feature_image.alt", &mut image.alt, media::ALT, notes);
        text(
            "feature_image.caption",
            &mut image.caption,
            media::CAPTION,
            notes,
        );
    }
    join_extra_sections(&mut record.sections, notes);
    for (i, section) in record.sections.iter_mut().enumerate() {
        text(
            &format!("sections[{i}].heading"),
            &mut section.heading,
            sections::HEADING,
            notes,
        );
        text(
            &format!("sections[{i}].body"),
            &mut section.body,
            sections::BODY,
            notes,
        );
    }
}

/// More than [`MAX_SECTIONS`] sections: the first `MAX_SECTIONS - 1` are kept and the rest
/// joined into the last, headed by the first joined one, each later heading kept as a
/// `###` heading of the joined body.
fn join_extra_sections(sections: &mut Vec<SectionRecord>, notes: &mut Notes) {
    if sections.len() <= MAX_SECTIONS {
        return;
    }
    let total = sections.len();
    let mut joined = sections.split_off(MAX_SECTIONS - 1).into_iter();
    let Some(mut last) = joined.next() else {
        return;
    };
    for section in joined {
        last.body = format!(
            "{}\n\n### {}\n\n{}",
            last.body, section.heading, section.body
        )
        .trim()
        .to_owned();
    }
    last.position = i32::try_from(MAX_SECTIONS).unwrap_or(i32::MAX);
    sections.push(last);
    notes.push((
        KIND,
        format!(
            "{total} sections, over the limit of {MAX_SECTIONS}: sections {MAX_SECTIONS} to \
             {total} joined into the last"
        ),
    ));
}

/// A Markdown body nested deeper than the API allows ([`markdown::Nesting::excess`]) made flat
/// enough to be accepted ([`markdown::flatten`]), with a note.
fn flatten(field: &str, body: &mut String, notes: &mut Notes) {
    if let Some((what, depth, limit)) = markdown::nesting(body).excess() {
        *body = markdown::flatten(body);
        notes.push((
            KIND,
            format!(
                "{field} nests {what} {depth} levels deep, over the limit of {limit}: flattened"
            ),
        ));
    }
}

/// Fits the people, categories and tags of `converted` (articles are fitted by their source,
/// where their warnings are gathered), each change a warning on the record.
pub fn records(converted: &mut Converted) {
    let mut fitted = Vec::new();
    for record in &mut converted.records {
        let mut notes = Notes::new();
        let item = match record {
            Record::Person(person) => {
                text("name", &mut person.name, people::input::NAME, &mut notes);
                text(
                    "credentials",
                    &mut person.credentials,
                    people::input::CREDENTIALS,
                    &mut notes,
                );
                text("bio", &mut person.bio, people::input::BIO, &mut notes);
                links(&mut person.links, &mut notes);
                format!("person '{}'", person.slug)
            }
            Record::Category(category) => {
                text(
                    "name",
                    &mut category.name,
                    categories::input::NAME,
                    &mut notes,
                );
                text(
                    "description",
                    &mut category.description,
                    categories::input::DESCRIPTION,
                    &mut notes,
                );
                format!("category '{}'", category.slug)
            }
            Record::Tag(tag) => {
                text("name", &mut tag.name, tags::input::NAME, &mut notes);
                text(
                    "description",
                    &mut tag.description,
                    tags::input::DESCRIPTION,
                    &mut notes,
                );
                format!("tag '{}'", tag.slug)
            }
            Record::Article(_) => continue,
        };
        if !notes.is_empty() {
            fitted.push((item, notes));
        }
    }
    for (item, notes) in fitted {
        converted.warn(&item, notes);
    }
}

/// A person's links: those the API refuses are left out, then the first
/// [`people::input::MAX_LINKS`] kept.
fn links(links: &mut Vec<String>, notes: &mut Notes) {
    links.retain(|link| match crate::webhooks::target::check_url(link) {
        Ok(_) => true,
        Err(message) => {
            let shown = cut(link, 120);
            notes.push((KIND, format!("link {shown} left out: {message}")));
            false
        }
    });
    if links.len() > people::input::MAX_LINKS {
        let dropped = links.split_off(people::input::MAX_LINKS);
        notes.push((
            KIND,
            format!(
                "{} links, over the limit of {}: left out {}",
                people::input::MAX_LINKS + dropped.len(),
                people::input::MAX_LINKS,
                dropped.join(", ")
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_fits_is_kept_and_longer_text_is_cut_at_a_word_within_the_limit() {
        let exactly = "a".repeat(300);
        assert_eq!(cut(&exactly, 300), exactly, "exactly at the limit");
        assert_eq!(cut("one two three", 13), "one two three");
        assert_eq!(cut("one two three", 12), "one two…");
        for (text, max) in [
            ("one two three four", 10),
            ("ééééé ééééé ééééé", 8),
            ("日本語の文章はスペースがない", 5),
            ("🇬🇧🇬🇧🇬🇧🇬🇧🇬🇧", 5),
            ("x", 1),
        ] {
            let fitted = cut(text, max);
            assert!(fitted.chars().count() <= max, "{text:?} → {fitted:?}");
            assert!(text.starts_with(fitted.trim_end_matches('…')), "{fitted:?}");
        }
        assert_eq!(cut("ééééé ééééé", 8), "ééééé…", "the last word boundary");
        assert_eq!(
            cut("Pneumonoultramicroscopic", 10),
            "Pneumonou…",
            "no word boundary: cut inside the word"
        );
        assert_eq!(cut("日本語の文章", 4), "日本語…", "multi-byte, no spaces");
    }

    #[test]
    fn fields_are_cut_with_a_warning_naming_the_field_the_length_and_the_limit() {
        let mut notes = Notes::new();
        let mut title = "word ".repeat(100);
        text("title", &mut title, Syntax::RequiredLine(300), &mut notes);
        assert!(title.chars().count() <= 300);
        assert_eq!(
            notes[0].1,
            format!(
                "title is 500 characters, over the limit of 300: cut to {}",
                title.chars().count()
            )
        );
        let mut line = "two\nlines\u{2028}and\ta tab".to_owned();
        text("name", &mut line, Syntax::Line(100), &mut notes);
        assert_eq!(line, "two lines and a tab");
        let mut body = "nul\0inside".to_owned();
        text("body", &mut body, Syntax::Text(100), &mut notes);
        assert_eq!(body, "nulinside");
        assert_eq!(notes.len(), 3, "{notes:?}");
    }

    #[test]
    fn a_feature_images_alt_text_and_caption_are_fitted_too() {
        let mut record =
            crate::dataset::sources::article_record("T".to_owned(), "t".to_owned(), "c".to_owned());
        record.feature_image = Some(Box::new(crate::dataset::FeatureImageRecord {
            sha256: None,
            source_url: Some("https://example.org/a.jpg".to_owned()),
            alt: "a cat ".repeat(400),
            caption: "asleep ".repeat(400),
        }));
        let mut notes = Notes::new();
        article(&mut record, &mut notes);
        let image = record.feature_image.unwrap();
        assert!(image.alt.chars().count() <= 1_000 && image.alt.starts_with("a cat"));
        assert!(image.caption.chars().count() <= 2_000);
        let fields: Vec<&str> = notes
            .iter()
            .map(|(_, n)| n.split(' ').next().unwrap())
            .collect();
        assert_eq!(
            fields,
            ["feature_image.alt", "feature_image.caption"],
            "{notes:?}"
        );
    }

    #[test]
    fn more_sections_than_the_limit_keep_the_first_and_join_the_rest_into_the_last() {
        let mut record =
            crate::dataset::sources::article_record("T".to_owned(), "t".to_owned(), "c".to_owned());
        record.sections = (1..=MAX_SECTIONS + 5)
            .map(|i| SectionRecord {
                position: i32::try_from(i).unwrap(),
                heading: format!("H{i}"),
                body: format!("B{i}"),
            })
            .collect();
        let mut notes = Notes::new();
        article(&mut record, &mut notes);
        assert_eq!(record.sections.len(), MAX_SECTIONS);
        let last = &record.sections[MAX_SECTIONS - 1];
        assert_eq!(last.heading, format!("H{MAX_SECTIONS}"));
        assert!(last.body.starts_with(&format!("B{MAX_SECTIONS}")));
        assert!(last.body.contains(&format!(
            "### H{}\n\nB{}",
            MAX_SECTIONS + 5,
            MAX_SECTIONS + 5
        )));
        assert!(notes[0].1.contains("205 sections, over the limit of 200"));
    }
}
