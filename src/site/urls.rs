//! The public site's URLs: the pages of articles, categories, people and tags (the configured templates under the base URL), the feed and sitemap documents, and the permanent ids of feed entries.

use crate::config::{Site, SLUG_PLACEHOLDER};
use chrono::NaiveDateTime;

/// The path of the Atom feed, on this server and on the public site that serves (or proxies) it.
pub const FEED_PATH: &str = "/feed.xml";

/// The path of the sitemap (or of its index), likewise.
pub const SITEMAP_PATH: &str = "/sitemap.xml";

/// Where the public site (the frontend) shows content; every URL is absolute.
#[derive(Debug, Clone)]
pub struct SiteUrls {
    site: Site,
    /// The base URL's host (and port), the authority of the `tag:` ids (RFC 4151).
    authority: String,
}

impl SiteUrls {
    /// The URLs of `site` (a checked configuration: an absolute http(s) base URL).
    pub fn new(site: Site) -> Self {
        let authority = url::Url::parse(&site.base_url)
            .ok()
            .and_then(|url| url.host_str().map(str::to_owned))
            .unwrap_or_else(|| "localhost".to_owned());
        Self { site, authority }
    }

    /// The publication's name.
    pub fn title(&self) -> &str {
        &self.site.title
    }

    /// The site's home page (`<base>/`).
    pub fn home(&self) -> String {
        format!("{}/", self.site.base_url)
    }

    /// The page of the article with `slug`.
    pub fn article(&self, slug: &str) -> String {
        self.page(&self.site.article_path, slug)
    }

    /// The page of the category with `slug`.
    pub fn category(&self, slug: &str) -> String {
        self.page(&self.site.category_path, slug)
    }

    /// The page of the person with `slug`.
    pub fn person(&self, slug: &str) -> String {
        self.page(&self.site.person_path, slug)
    }

    /// The page of the tag with `slug`.
    pub fn tag(&self, slug: &str) -> String {
        self.page(&self.site.tag_path, slug)
    }

    /// `<base>/feed.xml`, with `query` (already encoded, without `?`) when not empty.
    pub fn feed(&self, query: &str) -> String {
        self.document(FEED_PATH, query)
    }

    /// `<base>/sitemap.xml?page=<page>`: one file of a sitemap split into several.
    pub fn sitemap_page(&self, page: i64) -> String {
        self.document(SITEMAP_PATH, &format!("page={page}"))
    }

    /// The permanent id of an article's feed entry: `tag:<host>,<YYYY-MM-DD>:article-<id>`
    /// (RFC 4151), dated by its creation. Unlike its page URL it survives a change of slug.
    pub fn article_tag(&self, id: i32, created_at: NaiveDateTime) -> String {
        format!(
            "tag:{},{}:article-{id}",
            self.authority,
            created_at.format("%Y-%m-%d")
        )
    }

    fn page(&self, template: &str, slug: &str) -> String {
        // Slugs are lowercase ASCII letters, digits and hyphens: nothing to percent-encode.
        format!(
            "{}{}",
            self.site.base_url,
            template.replacen(SLUG_PLACEHOLDER, slug, 1)
        )
    }

    fn document(&self, path: &str, query: &str) -> String {
        let base = &self.site.base_url;
        if query.is_empty() {
            format!("{base}{path}")
        } else {
            format!("{base}{path}?{query}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn urls() -> SiteUrls {
        SiteUrls::new(Site {
            base_url: "https://www.example-health.com/en".to_owned(),
            article_path: "/health/{slug}".to_owned(),
            ..Site::default()
        })
    }

    #[test]
    fn pages_follow_their_templates_under_the_base_url() {
        let urls = urls();
        assert_eq!(
            urls.article("sleep"),
            "https://www.example-health.com/en/health/sleep"
        );
        assert_eq!(
            urls.person("jane-doe"),
            "https://www.example-health.com/en/people/jane-doe"
        );
        assert_eq!(urls.home(), "https://www.example-health.com/en/");
        assert_eq!(
            urls.feed("author=3"),
            "https://www.example-health.com/en/feed.xml?author=3"
        );
        assert_eq!(
            urls.sitemap_page(2),
            "https://www.example-health.com/en/sitemap.xml?page=2"
        );
    }

    #[test]
    fn entry_ids_are_tag_uris_of_the_host() {
        let created = NaiveDate::from_ymd_opt(2025, 4, 19)
            .unwrap()
            .and_hms_opt(9, 30, 0)
            .unwrap();
        assert_eq!(
            urls().article_tag(7, created),
            "tag:www.example-health.com,2025-04-19:article-7"
        );
    }
}
