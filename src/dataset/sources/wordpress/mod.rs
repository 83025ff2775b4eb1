//! `healthhub import --from wordpress`: a WordPress export (WXR) as data-set records. Authors
//! become people, categories the category tree (by `category_parent`, in any order), tags tags,
//! posts articles (status, GMT dates, slug, excerpt, Yoast / Rank Math SEO, primary category,
//! tags, byline, body split into sections); pages, attachments, menu items, other post types,
//! trashed posts and comments are skipped and counted.

pub mod body;
pub mod xml;

use super::html::{plain_text, to_markdown};
use super::slugs::{percent_decode, Slugs};
use super::{sections, Converted, Notes, MAX_ITEMS};
use crate::articles::status::ArticleStatus;
use crate::dataset::{
    ArticleRecord, CategoryRecord, FeatureImageRecord, PersonRecord, Record, SeoRecord, TagRecord,
};
use chrono::{DateTime, NaiveDateTime, Utc};
use std::collections::HashMap;
use xml::Element;

/// The slug and name of the category of posts that have none.
const UNCATEGORIZED: (&str, &str) = ("uncategorized", "Uncategorized");

/// Converts the WXR document `text`.
pub fn convert(text: &str, continue_on_error: bool) -> Result<Converted, String> {
    let root = xml::parse(text)?;
    let channel = root
        .child("channel")
        .filter(|c| root.name == "rss" && c.child("wp:wxr_version").is_some())
        .ok_or_else(|| {
            format!(
                "not a WordPress export (root <{}>; an <rss><channel> with <wp:wxr_version> expected)",
                root.name
            )
        })?;
    let items = channel.all("item").count();
    if items > MAX_ITEMS {
        return Err(format!("{items} items, over the limit of {MAX_ITEMS}"));
    }
    let mut site = Site::read(channel);
    let mut converted = Converted::default();
    let mut articles = Vec::new();
    for (index, item) in channel.all("item").enumerate() {
        let number = index + 1;
        let comments = item.all("wp:comment").count();
        converted.skip("comments", comments);
        match site.item(item, &mut converted) {
            Ok(Some(article)) => articles.push(article),
            Ok(None) => {}
            Err(reason) => {
                let reason = format!("item {number} (line {}): {reason}", item.line);
                if continue_on_error {
                    converted.bad.push(reason);
                } else {
                    return Err(reason);
                }
            }
        }
    }
    let mut file_notes = std::mem::take(&mut site.file_notes);
    let categories = site.categories.ordered(&mut file_notes);
    converted.warn("file", file_notes);
    converted
        .records
        .extend(site.people.into_iter().map(Record::Person));
    converted
        .records
        .extend(categories.into_iter().map(Record::Category));
    converted
        .records
        .extend(site.tags.into_iter().map(Record::Tag));
    converted.records.extend(
        articles
            .into_iter()
            .map(|a: ArticleRecord| Record::Article(Box::new(a))),
    );
    Ok(converted)
}

/// An attachment, for feature images.
struct Attachment {
    url: String,
    alt: String,
    title: String,
    caption: String,
}

/// What the channel declares, and what the posts add to it.
struct Site {
    people: Vec<PersonRecord>,
    /// Author login → person slug.
    logins: HashMap<String, String>,
    categories: Tree,
    tags: Vec<TagRecord>,
    /// Source tag slug (decoded) → tag slug.
    tag_slugs: HashMap<String, String>,
    tag_slug_set: Slugs,
    attachments: HashMap<String, Attachment>,
    articles: Slugs,
    file_notes: Notes,
}

impl Site {
    fn read(channel: &Element) -> Self {
        let mut file_notes = Notes::new();
        let mut people = Vec::new();
        let mut logins = HashMap::new();
        let mut person_slugs = Slugs::default();
        for author in channel.all("wp:author") {
            let login = author.text_of("wp:author_login").trim();
            if login.is_empty() || logins.contains_key(login) {
                continue;
            }
            let mut ignored = Notes::new();
            let slug = person_slugs.make(&login.to_lowercase(), login, true, &mut ignored);
            let display = author.text_of("wp:author_display_name").trim();
            people.push(PersonRecord {
                name: if display.is_empty() { login } else { display }.to_owned(),
                slug: slug.clone(),
                credentials: String::new(),
                bio: String::new(),
                links: Vec::new(),
                avatar: None,
            });
            logins.insert(login.to_owned(), slug);
        }
        let mut categories = Tree::default();
        for term in channel.children.iter() {
            let taxonomy = match term.name.as_str() {
                "wp:category" => "category",
                "wp:term" => term.text_of("wp:term_taxonomy"),
                _ => continue,
            };
            if taxonomy != "category" {
                continue;
            }
            let field = |a: &str, b: &str| {
                let value = term.text_of(a);
                if value.is_empty() {
                    term.text_of(b)
                } else {
                    value
                }
                .trim()
                .to_owned()
            };
            categories.declare(
                &field("wp:category_nicename", "wp:term_slug"),
                &plain_text(&field("wp:cat_name", "wp:term_name")),
                &field("wp:category_parent", "wp:term_parent"),
                &plain_text(&field("wp:category_description", "wp:term_description")),
                &field("wp:term_id", "wp:term_id"),
                &mut file_notes,
            );
        }
        let mut site = Site {
            people,
            logins,
            categories,
            tags: Vec::new(),
            tag_slugs: HashMap::new(),
            tag_slug_set: Slugs::default(),
            attachments: HashMap::new(),
            articles: Slugs::default(),
            file_notes,
        };
        for term in channel.children.iter() {
            let (slug, name, description) = match term.name.as_str() {
                "wp:tag" => ("wp:tag_slug", "wp:tag_name", "wp:tag_description"),
                "wp:term" if term.text_of("wp:term_taxonomy") == "post_tag" => {
                    ("wp:term_slug", "wp:term_name", "wp:term_description")
                }
                _ => continue,
            };
            let mut notes = std::mem::take(&mut site.file_notes);
            let raw = term.text_of(slug);
            if site.tag_slugs.contains_key(&percent_decode(raw.trim())) {
                notes.push((
                    "tag",
                    format!(
                        "tag '{}' is declared again ('{}'): the first is kept",
                        raw.trim(),
                        plain_text(term.text_of(name))
                    ),
                ));
            }
            site.tag(
                term.text_of(slug),
                term.text_of(name),
                term.text_of(description),
                &mut notes,
            );
            site.file_notes = notes;
        }
        for item in channel.all("item") {
            if item.text_of("wp:post_type") == "attachment" {
                let meta = postmeta(item);
                site.attachments.insert(
                    item.text_of("wp:post_id").trim().to_owned(),
                    Attachment {
                        url: item.text_of("wp:attachment_url").trim().to_owned(),
                        alt: meta
                            .get("_wp_attachment_image_alt")
                            .map(|s| s.trim().to_owned())
                            .unwrap_or_default(),
                        title: plain_text(item.text_of("title")),
                        caption: plain_text(item.text_of("excerpt:encoded")),
                    },
                );
            }
        }
        site
    }

    /// The tag slug for the source slug `raw`, declaring the tag when new.
    fn tag(&mut self, raw: &str, name: &str, description: &str, notes: &mut Notes) -> String {
        let decoded = percent_decode(raw.trim());
        if let Some(slug) = self.tag_slugs.get(&decoded) {
            return slug.clone();
        }
        let name = plain_text(name);
        let slug = self.tag_slug_set.make(&decoded, &name, true, notes);
        self.tags.push(TagRecord {
            name: if name.is_empty() { slug.clone() } else { name },
            slug: slug.clone(),
            description: plain_text(description),
        });
        self.tag_slugs.insert(decoded, slug.clone());
        slug
    }

    /// One `<item>`: an article, or `None` when skipped (counted).
    fn item(
        &mut self,
        item: &Element,
        converted: &mut Converted,
    ) -> Result<Option<ArticleRecord>, String> {
        let id = item.text_of("wp:post_id").trim();
        if id.is_empty() {
            return Err("<wp:post_id> missing".to_owned());
        }
        let kind = match (item.text_of("wp:post_type"), item.text_of("wp:status")) {
            ("post", "trash") => Some("posts in the trash".to_owned()),
            ("post", "auto-draft") => Some("auto-drafts".to_owned()),
            ("post", "inherit") => Some("revisions".to_owned()),
            ("post", _) => None,
            ("page", _) => Some("pages".to_owned()),
            ("attachment", _) => Some("attachments".to_owned()),
            ("nav_menu_item", _) => Some("menu items".to_owned()),
            ("", _) => Some("items without a post type".to_owned()),
            (other, _) => Some(format!("{other} items")),
        };
        if let Some(kind) = kind {
            converted.skip(&kind, 1);
            return Ok(None);
        }
        let mut notes = Notes::new();
        let mut article = self.article(item, id, &mut notes)?;
        super::fit::article(&mut article, &mut notes);
        converted.warn(&format!("post {id} ({})", article.slug), notes);
        Ok(Some(article))
    }

    fn article(
        &mut self,
        item: &Element,
        id: &str,
        notes: &mut Notes,
    ) -> Result<ArticleRecord, String> {
        let mut title = plain_text(item.text_of("title"));
        if title.is_empty() {
            title = format!("Untitled (WordPress post {id})");
            notes.push(("title", "no title".to_owned()));
        }
        let slug = self.articles.make(
            &percent_decode(item.text_of("wp:post_name").trim()),
            &title,
            true,
            notes,
        );
        let (status, published_at) = status(item, notes)?;
        let meta = postmeta(item);
        let category_slug = self.category(item, &meta, notes);
        let tag_slugs = self.post_tags(item, notes);
        let author_slugs = match item.text_of("dc:creator").trim() {
            "" => {
                notes.push(("author", "no author (dc:creator): no byline".to_owned()));
                Vec::new()
            }
            login => match self.logins.get(login) {
                Some(slug) => vec![slug.clone()],
                None => {
                    notes.push((
                        "author",
                        format!("author '{login}' is not in the file's authors: no byline"),
                    ));
                    Vec::new()
                }
            },
        };
        if item.text_of("wp:is_sticky").trim() == "1" {
            notes.push(("sticky", "sticky not carried".to_owned()));
        }
        let feature_image = self.feature_image(&meta, status == ArticleStatus::Published, notes);
        let excerpt = plain_text(item.text_of("excerpt:encoded"));
        let html = body::prepare(item.text_of("content:encoded"), notes);
        let markdown = to_markdown(&html, notes)?;
        let sections = sections::split_noting(&markdown, notes);
        Ok(ArticleRecord {
            excerpt,
            status,
            published_at,
            sections,
            author_slugs,
            tag_slugs,
            seo: seo(&meta, notes),
            feature_image,
            ..super::article_record(title, slug, category_slug)
        })
    }

    /// The primary category (Yoast / Rank Math) when it is one of the post's, else its first.
    fn category(
        &mut self,
        item: &Element,
        meta: &HashMap<String, String>,
        notes: &mut Notes,
    ) -> String {
        let mut slugs: Vec<String> = Vec::new();
        for element in item.all("category") {
            if element.attribute("domain") != Some("category") {
                continue;
            }
            let raw = element.attribute("nicename").unwrap_or_default();
            let slug = self
                .categories
                .slug_of(raw, &plain_text(&element.text), notes);
            if !slugs.contains(&slug) {
                slugs.push(slug);
            }
        }
        let primary = [
            "_yoast_wpseo_primary_category",
            "rank_math_primary_category",
        ]
        .iter()
        .filter_map(|key| meta.get(*key))
        .filter_map(|id| self.categories.by_term_id.get(id.trim()))
        .find(|slug| slugs.contains(slug))
        .cloned();
        let chosen = match primary.or_else(|| slugs.first().cloned()) {
            Some(slug) => slug,
            None => {
                notes.push((
                    "category",
                    format!("no category: filed in '{}'", UNCATEGORIZED.0),
                ));
                self.categories
                    .slug_of(UNCATEGORIZED.0, UNCATEGORIZED.1, &mut Notes::new())
            }
        };
        let others: Vec<&str> = slugs
            .iter()
            .filter(|s| **s != chosen)
            .map(String::as_str)
            .collect();
        if !others.is_empty() {
            notes.push((
                "category",
                format!(
                    "one category kept ('{chosen}'); also filed in {} more: {}",
                    others.len(),
                    others.join(", ")
                ),
            ));
        }
        chosen
    }

    /// The post's tags in order, at most [`MAX_TAGS`]; undeclared ones are created.
    fn post_tags(&mut self, item: &Element, notes: &mut Notes) -> Vec<String> {
        let mut slugs: Vec<String> = Vec::new();
        for element in item.all("category") {
            if element.attribute("domain") != Some("post_tag") {
                continue;
            }
            let raw = element.attribute("nicename").unwrap_or_default();
            if !self.tag_slugs.contains_key(&percent_decode(raw)) {
                notes.push((
                    "tag",
                    format!("tag '{raw}' is not declared in the file: created"),
                ));
            }
            let slug = self.tag(raw, &element.text, "", notes);
            if !slugs.contains(&slug) {
                slugs.push(slug);
            }
        }
        super::keep_tags(&mut slugs, notes);
        slugs
    }

    /// The featured image (`_thumbnail_id`, an attachment of the file) as an external
    /// reference: no file is fetched at import time.
    fn feature_image(
        &self,
        meta: &HashMap<String, String>,
        published: bool,
        notes: &mut Notes,
    ) -> Option<Box<FeatureImageRecord>> {
        let id = meta.get("_thumbnail_id").map(|s| s.trim())?;
        match self.attachments.get(id) {
            Some(image) => {
                let alt = if image.alt.trim().is_empty() && !image.title.trim().is_empty() {
                    notes.push((
                        "feature image",
                        format!(
                            "the featured image has no alt text: its title '{}' is used",
                            image.title
                        ),
                    ));
                    &image.title
                } else {
                    &image.alt
                };
                super::external_feature_image(&image.url, alt, &image.caption, published, notes)
            }
            None => {
                notes.push((
                    "feature image",
                    format!("_thumbnail_id {id} is not in the file: no feature image"),
                ));
                None
            }
        }
    }
}

/// The post's `wp:postmeta` as key → value.
fn postmeta(item: &Element) -> HashMap<String, String> {
    item.all("wp:postmeta")
        .map(|m| {
            (
                m.text_of("wp:meta_key").to_owned(),
                m.text_of("wp:meta_value").to_owned(),
            )
        })
        .collect()
}

/// Status and publication time from `wp:status`, `wp:post_password` and the dates.
fn status(
    item: &Element,
    notes: &mut Notes,
) -> Result<(ArticleStatus, Option<DateTime<Utc>>), String> {
    let status = item.text_of("wp:status").trim();
    let protected = !item.text_of("wp:post_password").is_empty();
    match status {
        "publish" | "future" if protected => {
            notes.push((
                "status",
                "password-protected: imported as a draft".to_owned(),
            ));
            Ok((ArticleStatus::Draft, None))
        }
        "publish" | "future" => Ok((ArticleStatus::Published, Some(date(item, notes)?))),
        "draft" => Ok((ArticleStatus::Draft, None)),
        other => {
            notes.push(("status", format!("status '{other}' imported as a draft")));
            Ok((ArticleStatus::Draft, None))
        }
    }
}

/// `wp:post_date_gmt`, else `wp:post_date` read as UTC (with a note).
fn date(item: &Element, notes: &mut Notes) -> Result<DateTime<Utc>, String> {
    let parse = |text: &str| {
        NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%d %H:%M:%S")
            .ok()
            .map(|t| t.and_utc())
    };
    if let Some(gmt) = parse(item.text_of("wp:post_date_gmt")) {
        return Ok(gmt);
    }
    let local = parse(item.text_of("wp:post_date"))
        .ok_or_else(|| "published without a readable <wp:post_date>".to_owned())?;
    notes.push((
        "date",
        "no GMT date: the local date is taken as UTC".to_owned(),
    ));
    Ok(local)
}

/// Yoast or Rank Math fields without template variables (others reported and left to
/// derivation); over-long ones are cut by [`super::fit`].
fn seo(meta: &HashMap<String, String>, notes: &mut Notes) -> Option<SeoRecord> {
    let pick = |keys: [&'static str; 2]| {
        keys.iter()
            .filter_map(|k| meta.get(*k).map(|v| (*k, v.trim())))
            .find(|(_, v)| !v.is_empty())
            .map(|(k, v)| (k, v.to_owned()))
    };
    let text = |field: (&str, String), notes: &mut Notes| {
        let (key, value) = field;
        let templated =
            value.contains("%%")
                || value.split('%').skip(1).step_by(2).any(|v| {
                    !v.is_empty() && v.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                });
        if templated {
            notes.push(("seo", format!("{key} has template variables: not carried")));
            None
        } else {
            Some(value)
        }
    };
    let meta_title = pick(["_yoast_wpseo_title", "rank_math_title"]).and_then(|f| text(f, notes));
    let meta_description =
        pick(["_yoast_wpseo_metadesc", "rank_math_description"]).and_then(|f| text(f, notes));
    let canonical_url =
        pick(["_yoast_wpseo_canonical", "rank_math_canonical_url"]).and_then(|(key, url)| {
            if super::html::is_web_url(&url) {
                Some(url)
            } else {
                notes.push((
                    "seo",
                    format!("{key} is not an absolute http(s) URL: not carried"),
                ));
                None
            }
        });
    super::seo_record(meta_title, meta_description, canonical_url)
}

/// The category tree: declared in any order, emitted parents first.
#[derive(Default)]
struct Tree {
    /// In declaration order: (record, source parent slug).
    nodes: Vec<(CategoryRecord, String)>,
    /// Source slug (decoded) → slug.
    slugs: HashMap<String, String>,
    by_term_id: HashMap<String, String>,
    taken: Slugs,
}

impl Tree {
    fn declare(
        &mut self,
        raw: &str,
        name: &str,
        parent: &str,
        description: &str,
        term_id: &str,
        notes: &mut Notes,
    ) {
        let decoded = percent_decode(raw);
        if self.slugs.contains_key(&decoded) {
            if !parent.is_empty() || !name.is_empty() {
                notes.push((
                    "category",
                    format!("category '{decoded}' is declared again ('{name}'): the first is kept"),
                ));
            }
            return;
        }
        let slug = self.taken.make(&decoded, name, true, notes);
        self.slugs.insert(decoded, slug.clone());
        if !term_id.is_empty() {
            self.by_term_id.insert(term_id.to_owned(), slug.clone());
        }
        self.nodes.push((
            CategoryRecord {
                name: if name.is_empty() {
                    slug.clone()
                } else {
                    name.to_owned()
                },
                slug,
                description: description.to_owned(),
                parent_slug: None,
                position: None,
                only_if_missing: false,
            },
            percent_decode(parent),
        ));
    }

    /// The slug of the category `raw`, declared top-level (with a note) when the file did not.
    fn slug_of(&mut self, raw: &str, name: &str, notes: &mut Notes) -> String {
        if let Some(slug) = self.slugs.get(&percent_decode(raw)) {
            return slug.clone();
        }
        if raw != UNCATEGORIZED.0 {
            notes.push((
                "category",
                format!("category '{raw}' is not declared in the file: created at the top"),
            ));
        }
        self.declare(raw, name, "", "", "", notes);
        self.slugs
            .get(&percent_decode(raw))
            .cloned()
            .unwrap_or_else(|| UNCATEGORIZED.0.to_owned())
    }

    /// The categories, each after its parent, `position` the index among siblings in file order.
    /// A parent the file does not declare, a category that is its own parent, and a parent cycle
    /// (broken at its first category in file order, which goes to the top; the others keep
    /// their parents) are each noted in `notes`.
    fn ordered(self, notes: &mut Notes) -> Vec<CategoryRecord> {
        let mut parents: Vec<Option<String>> = Vec::with_capacity(self.nodes.len());
        for (record, parent) in &self.nodes {
            let found = self.slugs.get(parent).cloned();
            match found {
                _ if parent.is_empty() => parents.push(None),
                None => {
                    notes.push((
                        "category",
                        format!(
                            "category '{}': its parent '{parent}' is not declared: placed at the top",
                            record.slug
                        ),
                    ));
                    parents.push(None);
                }
                Some(p) if p == record.slug => {
                    notes.push((
                        "category",
                        format!("category '{p}' is its own parent: placed at the top"),
                    ));
                    parents.push(None);
                }
                Some(p) => parents.push(Some(p)),
            }
        }
        let mut order: Vec<usize> = Vec::with_capacity(self.nodes.len());
        let mut done = vec![false; self.nodes.len()];
        let roots: Vec<usize> = (0..self.nodes.len())
            .filter(|i| parents[*i].is_none())
            .collect();
        self.visit(&roots, &parents, &mut done, &mut order);
        // What is left hangs under a parent cycle: broken at its first category in file order.
        while let Some(first) = (0..self.nodes.len()).find(|i| !done[*i]) {
            notes.push((
                "category",
                format!(
                    "category '{}' is in a parent cycle: placed at the top",
                    self.nodes[first].0.slug
                ),
            ));
            parents[first] = None;
            self.visit(&[first], &parents, &mut done, &mut order);
        }
        let mut positions: HashMap<Option<String>, i32> = HashMap::new();
        let mut records: Vec<Option<CategoryRecord>> = self
            .nodes
            .into_iter()
            .map(|(record, _)| Some(record))
            .collect();
        for (i, parent) in parents.iter().enumerate() {
            if let Some(record) = records[i].as_mut() {
                let next = positions.entry(parent.clone()).or_default();
                record.position = Some(*next);
                *next += 1;
                record.parent_slug = parent.clone();
            }
        }
        order
            .into_iter()
            .filter_map(|i| records[i].take())
            .collect()
    }

    /// Appends to `order` the nodes from `starts` down, depth first, each once, children in file
    /// order.
    fn visit(
        &self,
        starts: &[usize],
        parents: &[Option<String>],
        done: &mut [bool],
        order: &mut Vec<usize>,
    ) {
        let mut stack: Vec<usize> = starts.iter().rev().copied().collect();
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut done[i], true) {
                continue;
            }
            order.push(i);
            let slug = self.nodes[i].0.slug.as_str();
            stack.extend(
                (0..self.nodes.len())
                    .rev()
                    .filter(|j| parents[*j].as_deref() == Some(slug)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A WXR 1.2 export declaring `categories` as (nicename, parent, name), with no item.
    fn export(categories: &[(&str, &str, &str)]) -> String {
        let declared: String = categories
            .iter()
            .map(|(slug, parent, name)| {
                format!(
                    "<wp:category><wp:category_nicename>{slug}</wp:category_nicename>\
                     <wp:category_parent>{parent}</wp:category_parent>\
                     <wp:cat_name>{name}</wp:cat_name></wp:category>"
                )
            })
            .collect();
        format!(
            "<rss version=\"2.0\" xmlns:wp=\"http://wordpress.org/export/1.2/\" \
             xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">\
             <channel><wp:wxr_version>1.2</wp:wxr_version>{declared}</channel></rss>"
        )
    }

    #[test]
    fn missing_parents_self_parents_cycles_and_second_declarations_are_noted_and_resolved() {
        let text = export(&[
            ("a-root", "", "A root"),
            ("orphan", "gone", "Orphan"),
            ("selfish", "selfish", "Selfish"),
            ("x", "z", "X"),
            ("z", "y", "Z"),
            ("y", "x", "Y"),
            ("w", "x", "W"),
            ("a-root", "", "A root again"),
        ]);
        let converted = convert(&text, false).expect("converts");
        let categories: Vec<&CategoryRecord> = converted
            .records
            .iter()
            .filter_map(|r| match r {
                Record::Category(c) => Some(c),
                _ => None,
            })
            .collect();
        let find = |slug: &str| *categories.iter().find(|c| c.slug == slug).unwrap();
        for top in ["a-root", "orphan", "selfish", "x"] {
            assert_eq!(find(top).parent_slug, None, "{top}");
        }
        // The cycle is broken at its first category in file order; the rest keep their parents.
        assert_eq!(find("y").parent_slug.as_deref(), Some("x"));
        assert_eq!(find("z").parent_slug.as_deref(), Some("y"));
        assert_eq!(find("w").parent_slug.as_deref(), Some("x"));
        assert_eq!(
            find("a-root").name,
            "A root",
            "the first declaration is kept"
        );
        // Each parent comes before its children, and siblings have distinct positions.
        let index = |slug: &str| categories.iter().position(|c| c.slug == slug).unwrap();
        for c in &categories {
            if let Some(parent) = &c.parent_slug {
                assert!(
                    index(parent) < index(&c.slug),
                    "{} before {}",
                    parent,
                    c.slug
                );
            }
            let siblings = categories
                .iter()
                .filter(|o| o.parent_slug == c.parent_slug && o.position == c.position);
            assert_eq!(siblings.count(), 1, "{}: position {:?}", c.slug, c.position);
        }
        let notes: Vec<&str> = converted
            .warnings
            .iter()
            .map(|w| w.message.as_str())
            .collect();
        for expected in [
            "'orphan': its parent 'gone' is not declared",
            "'selfish' is its own parent",
            "'x' is in a parent cycle",
            "'a-root' is declared again",
        ] {
            assert!(
                notes.iter().any(|n| n.contains(expected)),
                "{expected}: {notes:?}"
            );
        }
    }
}
