//! `healthhub import --from ghost`: a Ghost JSON export (`{"db": [{"meta", "data"}]}`) as
//! data-set records. Users become people, public tags tags (internal `#tags` are not carried),
//! posts articles in the `uncategorized` category (Ghost has no categories) with their tags and
//! authors in `sort_order`, `posts_meta` SEO fields and the `html` body split into sections;
//! pages are skipped and counted.

use super::html::{is_web_url, plain_text, to_markdown};
use super::slugs::Slugs;
use super::{sections, Converted, Notes, MAX_ITEMS};
use crate::articles::status::ArticleStatus;
use crate::dataset::{
    ArticleRecord, CategoryRecord, FeatureImageRecord, PersonRecord, Record, SeoRecord, TagRecord,
};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use std::collections::HashMap;

/// The category of every Ghost article.
const CATEGORY: (&str, &str) = ("uncategorized", "Uncategorized");

/// The placeholder Ghost writes for the site's address.
const GHOST_URL: &str = "__GHOST_URL__";

#[derive(Deserialize)]
struct Top {
    #[serde(default)]
    db: Option<Vec<Db>>,
    #[serde(default)]
    data: Option<Data>,
}

#[derive(Deserialize)]
struct Db {
    data: Data,
}

#[derive(Deserialize, Default)]
struct Data {
    #[serde(default)]
    posts: Vec<Post>,
    #[serde(default)]
    posts_authors: Vec<Link>,
    #[serde(default)]
    posts_tags: Vec<Link>,
    #[serde(default)]
    posts_meta: Vec<Meta>,
    #[serde(default)]
    tags: Vec<Tag>,
    #[serde(default)]
    users: Vec<User>,
}

#[derive(Deserialize)]
struct Post {
    id: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    slug: Option<String>,
    #[serde(default)]
    html: Option<String>,
    #[serde(default)]
    feature_image: Option<String>,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    visibility: Option<String>,
    #[serde(default)]
    published_at: Option<String>,
    #[serde(default)]
    custom_excerpt: Option<String>,
    #[serde(default)]
    canonical_url: Option<String>,
    /// Read (to its nesting limit) but not used: `html` is the body.
    #[serde(default)]
    lexical: Option<serde_json::Value>,
    /// Read (to its nesting limit) but not used: `html` is the body.
    #[serde(default)]
    mobiledoc: Option<serde_json::Value>,
}

/// A row of `posts_authors` or `posts_tags`.
#[derive(Deserialize)]
struct Link {
    post_id: String,
    #[serde(alias = "tag_id")]
    author_id: String,
    #[serde(default)]
    sort_order: i64,
}

#[derive(Deserialize)]
struct Meta {
    post_id: String,
    #[serde(default)]
    meta_title: Option<String>,
    #[serde(default)]
    meta_description: Option<String>,
    #[serde(default)]
    feature_image_alt: Option<String>,
    #[serde(default)]
    feature_image_caption: Option<String>,
}

#[derive(Deserialize)]
struct Tag {
    id: String,
    name: String,
    slug: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    visibility: Option<String>,
}

#[derive(Deserialize)]
struct User {
    id: String,
    name: String,
    slug: String,
    #[serde(default)]
    bio: Option<String>,
    #[serde(default)]
    website: Option<String>,
}

/// Converts the Ghost export `text`; `site_url` replaces `__GHOST_URL__`.
pub fn convert(
    text: &str,
    site_url: Option<&str>,
    continue_on_error: bool,
) -> Result<Converted, String> {
    if !text.trim_start().starts_with('{') {
        serde_json::from_str::<serde::de::IgnoredAny>(text)
            .map_err(|e| format!("not JSON: {e}"))?;
        return Err(
            "not a Ghost export (an object with \"db\", or with \"meta\" and \"data\", expected)"
                .to_owned(),
        );
    }
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let top: Top = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let mut path = e.path().to_string();
        if path.len() > 80 {
            let cut = path.char_indices().nth(80).map_or(path.len(), |(i, _)| i);
            path.truncate(cut);
            path.push('…');
        }
        format!("{} (at {path})", e.into_inner())
    })?;
    let data = match (top.db, top.data) {
        (Some(mut db), _) if !db.is_empty() => db.swap_remove(0).data,
        (_, Some(data)) => data,
        _ => return Err(
            "not a Ghost export (an object with \"db\", or with \"meta\" and \"data\", expected)"
                .to_owned(),
        ),
    };
    if data.posts.len() > MAX_ITEMS {
        return Err(format!(
            "{} posts, over the limit of {MAX_ITEMS}",
            data.posts.len()
        ));
    }
    Export::new(data, site_url).convert(continue_on_error)
}

struct Export<'a> {
    data: Data,
    site_url: Option<&'a str>,
    people: HashMap<String, String>,
    tags: HashMap<String, Option<String>>,
}

impl<'a> Export<'a> {
    fn new(data: Data, site_url: Option<&'a str>) -> Self {
        Self {
            data,
            site_url,
            people: HashMap::new(),
            tags: HashMap::new(),
        }
    }

    fn convert(mut self, continue_on_error: bool) -> Result<Converted, String> {
        let mut converted = Converted::default();
        let mut file_notes = Notes::new();
        let mut person_slugs = Slugs::default();
        let users = std::mem::take(&mut self.data.users);
        for user in users {
            let slug = person_slugs.make(&user.slug, &user.name, true, &mut file_notes);
            self.people.insert(user.id, slug.clone());
            converted.records.push(Record::Person(PersonRecord {
                name: user.name,
                slug,
                credentials: String::new(),
                bio: user.bio.unwrap_or_default(),
                links: user.website.into_iter().filter(|w| is_web_url(w)).collect(),
                avatar: None,
            }));
        }
        converted.records.push(Record::Category(CategoryRecord {
            name: CATEGORY.1.to_owned(),
            slug: CATEGORY.0.to_owned(),
            description: String::new(),
            parent_slug: None,
            position: None,
            only_if_missing: true,
        }));
        let mut tag_slugs = Slugs::default();
        let tags = std::mem::take(&mut self.data.tags);
        for tag in tags {
            if tag.visibility.as_deref() == Some("internal") || tag.name.starts_with('#') {
                self.tags.insert(tag.id, None);
                converted.skip("internal tags", 1);
                continue;
            }
            let slug = tag_slugs.make(&tag.slug, &tag.name, true, &mut file_notes);
            self.tags.insert(tag.id, Some(slug.clone()));
            converted.records.push(Record::Tag(TagRecord {
                name: tag.name,
                slug,
                description: tag.description.unwrap_or_default(),
            }));
        }
        converted.warn("file", file_notes);
        let mut articles = Slugs::default();
        let posts = std::mem::take(&mut self.data.posts);
        for post in posts {
            if post.kind.as_deref().unwrap_or("post") != "post" {
                converted.skip("pages", 1);
                continue;
            }
            let mut notes = Notes::new();
            let id = post.id.clone();
            match self.article(post, &mut articles, &mut notes) {
                Ok((id, mut article)) => {
                    super::fit::article(&mut article, &mut notes);
                    converted.warn(&format!("post {id} ({})", article.slug), notes);
                    converted.records.push(Record::Article(Box::new(article)));
                }
                Err(reason) if continue_on_error => {
                    converted.bad.push(format!("post {id}: {reason}"));
                }
                Err(reason) => return Err(format!("post {id}: {reason}")),
            }
        }
        Ok(converted)
    }

    /// The ids of `post_id`'s rows of `links`, in `sort_order`, each once.
    fn linked(links: &[Link], post_id: &str) -> Vec<String> {
        let mut rows: Vec<&Link> = links.iter().filter(|l| l.post_id == post_id).collect();
        rows.sort_by_key(|l| l.sort_order);
        // A link listed twice names its tag or author once, where it first comes.
        let mut seen = std::collections::HashSet::new();
        rows.into_iter()
            .map(|l| l.author_id.clone())
            .filter(|id| seen.insert(id.clone()))
            .collect()
    }

    /// The article `post` becomes, or why it cannot be imported (a body the HTML converter
    /// refuses, as for WordPress).
    fn article(
        &self,
        post: Post,
        slugs: &mut Slugs,
        notes: &mut Notes,
    ) -> Result<(String, ArticleRecord), String> {
        let mut title = post.title.clone().unwrap_or_default().trim().to_owned();
        if title.is_empty() {
            title = format!("Untitled (Ghost post {})", post.id);
            notes.push(("title", "no title".to_owned()));
        }
        let slug = slugs.make(post.slug.as_deref().unwrap_or(""), &title, true, notes);
        let published_at = post
            .published_at
            .as_deref()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&Utc));
        let visibility = post.visibility.as_deref().unwrap_or("public");
        let (status, published_at) = match (post.status.as_deref().unwrap_or("draft"), published_at)
        {
            (_, _) if visibility != "public" => {
                notes.push((
                    "status",
                    format!("visibility '{visibility}': imported as a draft"),
                ));
                (ArticleStatus::Draft, None)
            }
            ("published" | "scheduled", Some(at)) => (ArticleStatus::Published, Some(at)),
            ("draft", _) => (ArticleStatus::Draft, None),
            ("sent", _) => {
                notes.push((
                    "status",
                    "status 'sent' (e-mail only): imported as a draft".to_owned(),
                ));
                (ArticleStatus::Draft, None)
            }
            (other, _) => {
                notes.push(("status", format!("status '{other}' imported as a draft")));
                (ArticleStatus::Draft, None)
            }
        };
        let mut tag_slugs = Vec::new();
        let mut internal = 0;
        for id in Self::linked(&self.data.posts_tags, &post.id) {
            match self.tags.get(&id) {
                Some(Some(slug)) => tag_slugs.push(slug.clone()),
                Some(None) => internal += 1,
                None => notes.push(("tag", format!("tag {id} is not in the file"))),
            }
        }
        if internal > 0 {
            notes.push(("tag", format!("{internal} internal tag(s) not carried")));
        }
        super::keep_tags(&mut tag_slugs, notes);
        let mut author_slugs = Vec::new();
        for id in Self::linked(&self.data.posts_authors, &post.id) {
            match self.people.get(&id) {
                Some(slug) => author_slugs.push(slug.clone()),
                None => notes.push(("author", format!("author {id} is not in the file"))),
            }
        }
        if author_slugs.is_empty() {
            notes.push(("author", "no author: no byline".to_owned()));
        }
        let meta = self.data.posts_meta.iter().find(|m| m.post_id == post.id);
        let seo = seo(meta, post.canonical_url.as_deref(), notes);
        let feature_image =
            self.feature_image(&post, meta, status == ArticleStatus::Published, notes);
        let html = post.html.clone().unwrap_or_default();
        if html.trim().is_empty() && (post.lexical.is_some() || post.mobiledoc.is_some()) {
            notes.push((
                "body",
                "no html, its content only in lexical or mobiledoc, which are not read: body \
                 not imported"
                    .to_owned(),
            ));
        }
        if html.contains("<!--members-only-->") {
            notes.push((
                "members",
                "<!--members-only--> removed: the whole body is imported".to_owned(),
            ));
        }
        let html = self.resolve(&html, notes);
        let sections = sections::split_noting(&to_markdown(&html, notes)?, notes);
        let article = ArticleRecord {
            excerpt: post.custom_excerpt.clone().unwrap_or_default(),
            status,
            published_at,
            sections,
            author_slugs,
            tag_slugs,
            seo,
            feature_image,
            ..super::article_record(title, slug, CATEGORY.0.to_owned())
        };
        Ok((post.id, article))
    }

    /// `text` with `__GHOST_URL__` replaced by the site's address (root-relative without one).
    fn resolve(&self, text: &str, notes: &mut Notes) -> String {
        if !text.contains(GHOST_URL) {
            return text.to_owned();
        }
        match self.site_url {
            Some(site) => text.replace(GHOST_URL, site.trim_end_matches('/')),
            None => {
                notes.push((
                    "site url",
                    "__GHOST_URL__ left root-relative: pass --site-url".to_owned(),
                ));
                text.replace(GHOST_URL, "")
            }
        }
    }

    /// The post's feature image as an external reference (`__GHOST_URL__` resolved with
    /// `--site-url`): no file is fetched at import time.
    fn feature_image(
        &self,
        post: &Post,
        meta: Option<&Meta>,
        published: bool,
        notes: &mut Notes,
    ) -> Option<Box<FeatureImageRecord>> {
        let image = post.feature_image.as_deref().filter(|i| !i.is_empty())?;
        // Exports before Ghost 4 write root-relative paths (`/content/images/…`) instead of
        // `__GHOST_URL__/content/images/…`.
        let root_relative = (image.starts_with('/') && !image.starts_with("//")).then_some(image);
        let url = match (
            image.strip_prefix(GHOST_URL).or(root_relative),
            self.site_url,
        ) {
            (Some(path), Some(site)) => format!("{}{path}", site.trim_end_matches('/')),
            (Some(_), None) => {
                notes.push((
                    "feature image",
                    format!("feature image {image}: pass --site-url; no feature image"),
                ));
                return None;
            }
            (None, _) => image.to_owned(),
        };
        let alt = meta
            .and_then(|m| m.feature_image_alt.clone())
            .unwrap_or_default();
        let caption = meta
            .and_then(|m| m.feature_image_caption.as_deref())
            .map(plain_text)
            .unwrap_or_default();
        super::external_feature_image(&url, &alt, &caption, published, notes)
    }
}

fn seo(meta: Option<&Meta>, canonical: Option<&str>, notes: &mut Notes) -> Option<SeoRecord> {
    let given =
        |value: Option<&String>| value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let meta_title = given(meta.and_then(|m| m.meta_title.as_ref()));
    let meta_description = given(meta.and_then(|m| m.meta_description.as_ref()));
    let canonical_url = canonical.filter(|c| !c.is_empty()).and_then(|c| {
        if is_web_url(c) {
            Some(c.to_owned())
        } else {
            notes.push((
                "seo",
                "canonical_url not absolute http(s): not carried".to_owned(),
            ));
            None
        }
    });
    super::seo_record(meta_title, meta_description, canonical_url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_listed_twice_names_its_tag_or_author_once_where_it_first_comes() {
        let link = |post: &str, id: &str, sort_order| Link {
            post_id: post.to_owned(),
            author_id: id.to_owned(),
            sort_order,
        };
        let links = [
            link("p", "b", 1),
            link("p", "a", 0),
            link("q", "c", 0),
            link("p", "a", 2),
            link("p", "b", 3),
        ];
        assert_eq!(Export::linked(&links, "p"), ["a", "b"]);
        assert_eq!(Export::linked(&links, "q"), ["c"]);
        assert!(Export::linked(&links, "r").is_empty());
    }
}
