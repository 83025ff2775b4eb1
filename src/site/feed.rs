//! `GET /feed.xml` as a document: an Atom 1.0 feed (RFC 4287) of article views, written by `atom_syndication`, its links pointing to the public site.

use super::model::{last_change, Subject};
use super::urls::SiteUrls;
use crate::articles::view::ArticleView;
use atom_syndication::{Category, Entry, Feed, FixedDateTime, Link, Person, Text};
use chrono::{DateTime, Utc};

/// The media type of an Atom feed (RFC 4287 §7).
pub const ATOM_CONTENT_TYPE: &str = "application/atom+xml; charset=utf-8";

/// The feed of `articles` (newest first) following `subject`.
///
/// - feed `id` and `rel="self"`: `<base>/feed.xml`, with `category=<id>` (and
///   `include_descendants=true`), `author=<id>` and `tag=<id>` in the query: ids never change, so
///   neither does the feed's;
/// - feed `title`: the publication's name, then the category's, the person's and the tag's
///   ("HealthHub: Health, by Jane Doe, on Sleep");
/// - `rel="alternate"`: the category's page, else the person's, else the tag's, else the home
///   page;
/// - feed `author`: the publication, standing in for the authors of articles that have none;
/// - feed `updated`: the latest entry's `updated`, or, with no entries, when the subject last
///   changed (the Unix epoch for the whole publication), so the same content always reads the same;
/// - each entry: `id` the article's `tag:` URI ([`SiteUrls::article_tag`]), `title`, the page as
///   `rel="alternate"`, `published`, `updated` ([`last_change`]), the excerpt as `summary`, its
///   authors (their pages as `uri`) and its category (`term` the slug, `label` the name).
pub fn atom(urls: &SiteUrls, subject: &Subject, articles: &[ArticleView]) -> String {
    let (mut query, mut names, mut page, mut subject_changed) =
        (Vec::new(), Vec::new(), None, None);
    if let Some(category) = &subject.category {
        query.push(format!("category={}", category.id));
        if subject.include_descendants {
            query.push("include_descendants=true".to_owned());
        }
        names.push(category.name.as_str());
        page = Some(urls.category(&category.slug));
        subject_changed = Some(category.updated_at);
    }
    if let Some(person) = &subject.author {
        query.push(format!("author={}", person.id));
        names.push(person.name.as_str());
        page = page.or_else(|| Some(urls.person(&person.slug)));
        subject_changed = subject_changed.max(Some(person.updated_at));
    }
    if let Some(tag) = &subject.tag {
        query.push(format!("tag={}", tag.id));
        page = page.or_else(|| Some(urls.tag(&tag.slug)));
        subject_changed = subject_changed.max(Some(tag.updated_at));
    }
    let query = query.join("&");
    let mut about = names.join(", by ");
    if let Some(tag) = &subject.tag {
        about = match about.is_empty() {
            true => tag.name.clone(),
            false => format!("{about}, on {}", tag.name),
        };
    }
    let title = match about.is_empty() {
        true => urls.title().to_owned(),
        false => format!("{}: {about}", urls.title()),
    };
    let page = page.unwrap_or_else(|| urls.home());
    let entries: Vec<Entry> = articles.iter().map(|view| entry(urls, view)).collect();
    // The Unix epoch (NaiveDateTime's default) for an empty feed of the whole publication.
    let updated = entries
        .iter()
        .map(|entry| entry.updated)
        .max()
        .unwrap_or_else(|| fixed(subject_changed.unwrap_or_default().and_utc()));
    let feed = Feed {
        id: urls.feed(&query),
        title: Text::plain(xml_text(&title)),
        updated,
        authors: vec![Person {
            name: xml_text(urls.title()),
            uri: Some(urls.home()),
            ..Person::default()
        }],
        links: vec![link("self", urls.feed(&query)), link("alternate", page)],
        entries,
        ..Feed::default()
    };
    feed.to_string()
}

fn entry(urls: &SiteUrls, view: &ArticleView) -> Entry {
    let published = view.published_at.map(fixed);
    Entry {
        id: urls.article_tag(view.id, view.created_at.naive_utc()),
        title: Text::plain(xml_text(&view.title)),
        updated: fixed(last_change(view.updated_at, view.published_at)),
        published,
        links: vec![link("alternate", urls.article(&view.slug))],
        summary: (!view.excerpt.is_empty()).then(|| Text::plain(xml_text(&view.excerpt))),
        authors: view
            .authors
            .iter()
            .flatten()
            .map(|author| Person {
                name: xml_text(&author.name),
                uri: Some(urls.person(&author.slug)),
                ..Person::default()
            })
            .collect(),
        categories: view
            .category
            .iter()
            .map(|category| Category {
                term: category.slug.clone(),
                label: Some(xml_text(&category.name)),
                ..Category::default()
            })
            .collect(),
        ..Entry::default()
    }
}

fn link(rel: &str, href: String) -> Link {
    Link {
        rel: rel.to_owned(),
        href,
        mime_type: Some(
            match rel {
                "self" => "application/atom+xml",
                _ => "text/html",
            }
            .to_owned(),
        ),
        ..Link::default()
    }
}

fn fixed(at: DateTime<Utc>) -> FixedDateTime {
    at.fixed_offset()
}

/// `text` without the characters XML 1.0 cannot carry at all (C0 controls other than tab, line
/// feed and carriage return; U+FFFE, U+FFFF), which a stored text might hold.
fn xml_text(text: &str) -> String {
    text.chars()
        .filter(|c| {
            !matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
        })
        .collect()
}
