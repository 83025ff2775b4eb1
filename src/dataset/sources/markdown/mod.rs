//! `healthhub import --from markdown`: a folder of Markdown files with Hugo, Jekyll, Astro or
//! Eleventy front matter, one article a file (files in byte order of their path). A Hugo
//! `_index.md` describes its folder's category instead; folders are categories when the front
//! matter names none.

pub mod front_matter;

use super::html::{is_web_url, neutralize_raw_html};
use super::slugs::Slugs;
use super::{sections, Converted, Notes, MAX_FILE_BYTES, MAX_ITEMS};
use crate::articles::status::ArticleStatus;
use crate::dataset::{
    ArticleRecord, CategoryRecord, FeatureImageRecord, PersonRecord, Record, SeoRecord, TagRecord,
};
use crate::support::slug::generate;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The largest Markdown file read (bytes).
pub const MAX_MARKDOWN_FILE: u64 = 8 << 20;

/// Converts the Markdown files under `dir`; `site_url` resolves root-relative image paths.
pub fn convert(
    dir: &Path,
    site_url: Option<&str>,
    continue_on_error: bool,
) -> Result<Converted, String> {
    let mut files = Vec::new();
    collect(dir, dir, &mut files)?;
    files.sort();
    let mut site = Site::default();
    let mut converted = Converted::default();
    let mut articles = Vec::new();
    let mut total = 0u64;
    for relative in files {
        let shown = relative
            .iter()
            .map(|p| p.to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let path = dir.join(&relative);
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        total += size;
        if total > MAX_FILE_BYTES {
            return Err(format!("the files add up to over {MAX_FILE_BYTES} bytes"));
        }
        let outcome = if size > MAX_MARKDOWN_FILE {
            Err(format!(
                "{size} bytes, over the {MAX_MARKDOWN_FILE}-byte limit"
            ))
        } else {
            std::fs::read(&path)
                .map_err(|e| e.to_string())
                .and_then(|bytes| {
                    String::from_utf8(bytes)
                        .map_err(|e| format!("not UTF-8 (byte {})", e.utf8_error().valid_up_to()))
                })
                .and_then(|text| site.file(&relative, &text, site_url, &mut converted, &shown))
        };
        match outcome {
            Ok(Some(article)) => articles.push(article),
            Ok(None) => {}
            Err(reason) if continue_on_error => converted.bad.push(format!("{shown}: {reason}")),
            Err(reason) => return Err(format!("{shown}: {reason}")),
        }
    }
    converted
        .records
        .extend(site.people.into_iter().map(Record::Person));
    converted
        .records
        .extend(site.categories.into_iter().map(Record::Category));
    converted
        .records
        .extend(site.tags.into_iter().map(Record::Tag));
    converted
        .records
        .extend(articles.into_iter().map(|a| Record::Article(Box::new(a))));
    Ok(converted)
}

/// The front matter keys an article is made from; any other is listed in a warning.
const MAPPED_KEYS: &[&str] = &[
    "title",
    "slug",
    "date",
    "pubDate",
    "publishDate",
    "publishdate",
    "pubdate",
    "draft",
    "published",
    "categories",
    "category",
    "tags",
    "author",
    "authors",
    "excerpt",
    "summary",
    "description",
    "canonical_url",
    "canonicalURL",
    "image",
    "featured_image",
    "feature_image",
    "heroImage",
    "cover",
    "images",
    "image_alt",
];

/// The extensions of Markdown files, in any case: `.md`, and `.markdown` (Jekyll's default).
const EXTENSIONS: [&str; 2] = ["md", "markdown"];

/// True for a file named with one of [`EXTENSIONS`].
fn is_markdown(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// The Markdown files under `at` ([`EXTENSIONS`]), relative to `root` (symbolic links are not
/// followed).
fn collect(root: &Path, at: &Path, files: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(at).map_err(|e| format!("{}: {e}", at.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| e.to_string())?;
        let kind = entry.file_type().map_err(|e| e.to_string())?;
        let path = entry.path();
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        if kind.is_dir() {
            collect(root, &path, files)?;
        } else if kind.is_file() && is_markdown(&path) {
            if files.len() >= MAX_ITEMS {
                return Err(format!("more than {MAX_ITEMS} Markdown files"));
            }
            files.push(path.strip_prefix(root).unwrap_or(&path).to_path_buf());
        }
    }
    Ok(())
}

#[derive(Default)]
struct Site {
    people: Vec<PersonRecord>,
    person_slugs: HashMap<String, String>,
    categories: Vec<CategoryRecord>,
    /// Category slug → index in `categories`.
    category_index: HashMap<String, usize>,
    tags: Vec<TagRecord>,
    tag_slugs: HashMap<String, String>,
    articles: Slugs,
}

impl Site {
    /// One file: an article, or `None` for a Hugo `_index.md` (counted as skipped).
    fn file(
        &mut self,
        relative: &Path,
        text: &str,
        site_url: Option<&str>,
        converted: &mut Converted,
        shown: &str,
    ) -> Result<Option<ArticleRecord>, String> {
        let split = front_matter::split(text)?;
        let fields = split.fields;
        let folders: Vec<String> = relative
            .parent()
            .map(|p| p.iter().map(|s| s.to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        let file_stem = relative
            .file_stem()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if file_stem == "_index" {
            let slug = self.folder_categories(&folders);
            if let Some(slug) = slug {
                let index = self.category_index[&slug];
                if let Some(title) = string(&fields, &["title"]) {
                    self.categories[index].name = title;
                }
                if let Some(description) = string(&fields, &["description"]) {
                    self.categories[index].description = description;
                }
            }
            converted.skip("Hugo list pages (_index.md)", 1);
            return Ok(None);
        }
        let mut notes = Notes::new();
        let bundle = file_stem == "index";
        let stem = if bundle {
            folders.last().cloned().unwrap_or_default()
        } else {
            file_stem
        };
        let (file_date, stem) = date_prefix(&stem);
        let mut body = split.body.to_owned();
        let title = match string(&fields, &["title"]) {
            Some(title) => title,
            None => match first_heading(&body) {
                Some((title, rest)) => {
                    notes.push((
                        "title",
                        "no title: the first heading is the title".to_owned(),
                    ));
                    body = rest;
                    title
                }
                None => {
                    notes.push(("title", "no title".to_owned()));
                    format!("Untitled ({shown})")
                }
            },
        };
        if fields.is_empty() {
            notes.push(("front matter", "no front matter".to_owned()));
        }
        let unmapped: Vec<&str> = fields
            .keys()
            .map(String::as_str)
            .filter(|key| !MAPPED_KEYS.contains(key))
            .collect();
        if !unmapped.is_empty() {
            notes.push((
                "front matter",
                format!("unmapped front matter keys: {}", unmapped.join(", ")),
            ));
        }
        let wanted = string(&fields, &["slug"]).unwrap_or_else(|| stem.clone());
        let slug = self.articles.make(&wanted, &title, true, &mut notes);
        let date_field = ["date", "pubDate", "publishDate", "publishdate", "pubdate"]
            .iter()
            .find_map(|k| fields.get(*k).map(|v| (*k, v)));
        let date = match date_field {
            Some((key, value)) => Some(
                value
                    .as_str()
                    .and_then(parse_date)
                    .ok_or_else(|| format!("{key}: not a date: {value}"))?,
            ),
            None => file_date,
        };
        let in_drafts = folders.iter().any(|f| f == "_drafts");
        // Unreadable switches make a draft: when in doubt, nothing is published.
        let draft = switch(&fields, "draft", &mut notes).unwrap_or(true)
            || !switch(&fields, "published", &mut notes).unwrap_or(false)
            || in_drafts;
        let (status, published_at) = match (draft, date) {
            (false, Some(date)) => (ArticleStatus::Published, Some(date)),
            (false, None) => {
                notes.push(("status", "no date: imported as a draft".to_owned()));
                (ArticleStatus::Draft, None)
            }
            (true, _) => (ArticleStatus::Draft, None),
        };
        let category_slug = self.category(&fields, &folders, bundle, &mut notes);
        let tag_slugs = self.tags(&fields, &mut notes);
        let author_slugs = self.authors(&fields, &mut notes);
        let excerpt = string(&fields, &["excerpt", "summary", "description"]).unwrap_or_default();
        let seo = seo(&fields, &mut notes);
        let feature_image = feature_image(&fields, site_url, status, &mut notes);
        let body = strip_templates(&body, &mut notes);
        let body = neutralize_raw_html(&body, &mut notes);
        let sections = sections::split_noting(&body, &mut notes);
        let mut article = ArticleRecord {
            excerpt,
            status,
            published_at,
            sections,
            author_slugs,
            tag_slugs,
            seo,
            feature_image,
            ..super::article_record(title, slug, category_slug)
        };
        super::fit::article(&mut article, &mut notes);
        converted.warn(&format!("{shown} ({})", article.slug), notes);
        Ok(Some(article))
    }

    /// The slug of the category `name` under `parent`, created when new.
    fn category_named(&mut self, name: &str, parent: Option<&str>) -> String {
        let slug = generate(name, "category");
        if !self.category_index.contains_key(&slug) {
            let position = self
                .categories
                .iter()
                .filter(|c| c.parent_slug.as_deref() == parent)
                .count();
            self.category_index
                .insert(slug.clone(), self.categories.len());
            self.categories.push(CategoryRecord {
                name: name.to_owned(),
                slug: slug.clone(),
                description: String::new(),
                parent_slug: parent.map(str::to_owned),
                position: Some(i32::try_from(position).unwrap_or(i32::MAX)),
                only_if_missing: false,
            });
        }
        slug
    }

    /// The categories of `folders` (those not starting with `_` or `.`), each in the previous.
    fn folder_categories(&mut self, folders: &[String]) -> Option<String> {
        let mut parent: Option<String> = None;
        for folder in folders {
            if folder.starts_with(['_', '.']) {
                continue;
            }
            parent = Some(self.category_named(&folder_name(folder), parent.as_deref()));
        }
        parent
    }

    fn category(
        &mut self,
        fields: &Map<String, Value>,
        folders: &[String],
        bundle: bool,
        notes: &mut Notes,
    ) -> String {
        let mut named = list(fields, &["categories", "category"]);
        if named.iter().any(String::is_empty) {
            named.retain(|name| !name.is_empty());
            notes.push(("category", "an empty category name is left out".to_owned()));
        }
        if let Some(first) = named.first() {
            if named.len() > 1 {
                notes.push((
                    "category",
                    format!("one category kept; also in {}", named[1..].join(", ")),
                ));
            }
            return self.category_named(first, None);
        }
        let folders = if bundle {
            &folders[..folders.len().saturating_sub(1)]
        } else {
            folders
        };
        match self.folder_categories(folders) {
            Some(slug) => slug,
            None => {
                notes.push((
                    "category",
                    "no category: filed in 'uncategorized'".to_owned(),
                ));
                let slug = self.category_named("Uncategorized", None);
                if let Some(&index) = self.category_index.get(&slug) {
                    // Created for the fallback alone: an existing one is left as it is.
                    let fallback = &mut self.categories[index];
                    fallback.only_if_missing |= fallback.name == "Uncategorized";
                }
                slug
            }
        }
    }

    fn tags(&mut self, fields: &Map<String, Value>, notes: &mut Notes) -> Vec<String> {
        let mut slugs: Vec<String> = Vec::new();
        for name in list(fields, &["tags"]) {
            if name.trim().is_empty() {
                notes.push(("tag", "an empty tag name is left out".to_owned()));
                continue;
            }
            let slug = generate(&name, "tag");
            if let Some(first) = self.tag_slugs.get(&slug).filter(|first| **first != name) {
                notes.push((
                    "tag",
                    format!(
                        "tag '{name}' has the slug of tag '{first}' ('{slug}'): tagged '{first}'"
                    ),
                ));
            }
            if !self.tag_slugs.contains_key(&slug) {
                self.tag_slugs.insert(slug.clone(), name.clone());
                self.tags.push(TagRecord {
                    name,
                    slug: slug.clone(),
                    description: String::new(),
                });
            }
            if !slugs.contains(&slug) {
                slugs.push(slug);
            }
        }
        super::keep_tags(&mut slugs, notes);
        slugs
    }

    fn authors(&mut self, fields: &Map<String, Value>, notes: &mut Notes) -> Vec<String> {
        let mut slugs = Vec::new();
        let names = match fields.get("authors").or_else(|| fields.get("author")) {
            Some(Value::String(name)) => vec![name.trim().to_owned()],
            _ => list(fields, &["authors", "author"]),
        };
        for name in names {
            let name = name.trim().to_owned();
            if name.is_empty() {
                notes.push(("author", "an empty author name is left out".to_owned()));
                continue;
            }
            let slug = self
                .person_slugs
                .entry(name.clone())
                .or_insert_with(|| generate(&name, "author"))
                .clone();
            if let Some(first) = self
                .people
                .iter()
                .find(|p| p.slug == slug && p.name != name)
            {
                notes.push((
                    "author",
                    format!(
                        "author '{name}' has the slug of author '{}' ('{slug}'): credited as '{}'",
                        first.name, first.name
                    ),
                ));
            }
            if !self.people.iter().any(|p| p.slug == slug) {
                self.people.push(PersonRecord {
                    name,
                    slug: slug.clone(),
                    credentials: String::new(),
                    bio: String::new(),
                    links: Vec::new(),
                    avatar: None,
                });
            }
            if !slugs.contains(&slug) {
                slugs.push(slug);
            }
        }
        slugs
    }
}

/// The first of `keys` that is a non-empty string.
/// A yes/no field of the front matter (`draft`, `published`): a boolean, or what Hugo reads as
/// one from a string (`true`/`false`, `yes`/`no`, `on`/`off`, `y`/`n`, `1`/`0`, any case) or a
/// number (0 is false); absent: false for `draft`, true for `published`. Anything else is
/// noted and is `None` (the caller then keeps the article a draft).
fn switch(fields: &Map<String, Value>, key: &str, notes: &mut Notes) -> Option<bool> {
    let Some(value) = fields.get(key) else {
        return Some(key != "draft");
    };
    let read = match value {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => n.as_f64().map(|n| n != 0.0),
        Value::String(text) => match text.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" | "y" | "1" => Some(true),
            "false" | "no" | "off" | "n" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    };
    if read.is_none() {
        notes.push((
            "status",
            format!("{key}: {value} is not true or false: imported as a draft"),
        ));
    }
    read
}

fn string(fields: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    keys.iter()
        .filter_map(|k| fields.get(*k))
        .filter_map(|v| match v {
            Value::String(s) => Some(s.trim().to_owned()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
        .find(|s| !s.is_empty())
}

/// The first of `keys` as a list: an array, or a string split on commas, else on white space;
/// each item trimmed, empty ones kept (their callers say they leave them out).
fn list(fields: &Map<String, Value>, keys: &[&str]) -> Vec<String> {
    let Some(value) = keys.iter().find_map(|k| fields.get(*k)) else {
        return Vec::new();
    };
    let items: Vec<String> = match value {
        Value::Array(items) => items
            .iter()
            .filter_map(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect(),
        Value::String(s) if s.contains(',') => s.split(',').map(str::to_owned).collect(),
        Value::String(s) => s.split_whitespace().map(str::to_owned).collect(),
        _ => Vec::new(),
    };
    items.into_iter().map(|s| s.trim().to_owned()).collect()
}

/// "nutrition-facts" → "Nutrition Facts".
fn folder_name(folder: &str) -> String {
    folder
        .split(['-', '_', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A `YYYY-MM-DD-` prefix of a file name: its date and the rest.
fn date_prefix(stem: &str) -> (Option<DateTime<Utc>>, String) {
    let date = stem
        .get(..10)
        .filter(|_| stem.as_bytes().get(10) == Some(&b'-'))
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    match date {
        Some(date) => (
            date.and_hms_opt(0, 0, 0).map(|t| t.and_utc()),
            stem[11..].to_owned(),
        ),
        None => (None, stem.to_owned()),
    }
}

/// RFC 3339, `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS] [±HHMM]` or `Mon DD YYYY`; no offset is UTC.
pub fn parse_date(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z"] {
        if let Ok(t) = DateTime::parse_from_str(text, format) {
            return Some(t.with_timezone(&Utc));
        }
    }
    for format in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
            return Some(t.and_utc());
        }
    }
    for format in ["%Y-%m-%d", "%b %d %Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(text, format) {
            return d.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
        }
    }
    None
}

/// The text of a first `# ` heading, and the body without it.
fn first_heading(body: &str) -> Option<(String, String)> {
    let line = body.lines().find(|l| !l.trim().is_empty())?;
    let title = line.strip_prefix("# ")?.trim().to_owned();
    let rest = body.replacen(line, "", 1);
    Some((title, rest.trim_start().to_owned()))
}

/// Hugo shortcodes (`{{< >}}`, `{{% %}}`) and Liquid tags (`{% %}`) removed, with a note each.
fn strip_templates(body: &str, notes: &mut Notes) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    loop {
        let found = [
            ("{{<", ">}}", "Hugo shortcode"),
            ("{{%", "%}}", "Hugo shortcode"),
            ("{%", "%}", "Liquid tag"),
        ]
        .into_iter()
        .filter_map(|(open, close, what)| rest.find(open).map(|at| (at, open, close, what)))
        .min_by_key(|(at, ..)| *at);
        let Some((at, open, close, what)) = found else {
            out.push_str(rest);
            return out;
        };
        out.push_str(&rest[..at]);
        let after = &rest[at + open.len()..];
        let end = after
            .find(close)
            .map(|i| i + close.len())
            .unwrap_or(after.len());
        let quoted: String = rest[at..at + open.len() + end].chars().take(120).collect();
        notes.push(("template", format!("{what} {quoted} removed")));
        rest = &after[end..];
    }
}

fn seo(fields: &Map<String, Value>, notes: &mut Notes) -> Option<SeoRecord> {
    let meta_description = string(fields, &["description"]);
    let canonical_url = string(fields, &["canonical_url", "canonicalURL"]).filter(|u| {
        let ok = is_web_url(u);
        if !ok {
            notes.push((
                "seo",
                "canonical URL not absolute http(s): not carried".to_owned(),
            ));
        }
        ok
    });
    super::seo_record(None, meta_description, canonical_url)
}

/// The feature image the front matter names, as an external reference: no file is fetched at
/// import time.
fn feature_image(
    fields: &Map<String, Value>,
    site_url: Option<&str>,
    status: ArticleStatus,
    notes: &mut Notes,
) -> Option<Box<FeatureImageRecord>> {
    let cover = fields.get("cover").and_then(Value::as_object);
    let image = string(
        fields,
        &["image", "featured_image", "feature_image", "heroImage"],
    )
    .or_else(|| match fields.get("cover") {
        Some(Value::String(s)) => Some(s.clone()),
        _ => cover.and_then(|c| string(c, &["image"])),
    })
    .or_else(|| {
        fields
            .get("images")
            .and_then(Value::as_array)
            .and_then(|a| a.first())
            .and_then(Value::as_str)
            .map(str::to_owned)
    });
    let image = image?;
    let alt = cover
        .and_then(|c| string(c, &["alt"]))
        .or_else(|| string(fields, &["image_alt"]));
    let url = if is_web_url(&image) {
        image.clone()
    } else if image.starts_with('/') {
        match site_url {
            Some(site) => format!("{}{image}", site.trim_end_matches('/')),
            None => {
                notes.push((
                    "feature image",
                    format!("image {image} is root-relative: pass --site-url; no feature image"),
                ));
                return None;
            }
        }
    } else {
        notes.push((
            "feature image",
            format!("image {image} is page-relative: no feature image"),
        ));
        return None;
    };
    super::external_feature_image(
        &url,
        alt.as_deref().unwrap_or_default(),
        "",
        status == ArticleStatus::Published,
        notes,
    )
}
