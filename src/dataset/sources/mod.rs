//! Importing from other systems: a WordPress export (WXR), a Ghost JSON export or a folder of
//! Markdown files. Each source turns its input into
//! data-set [`Record`]s plus what it could not carry (warnings per article, items skipped by
//! kind); [`crate::dataset::import::import_converted`] then writes them like any data set (one
//! transaction, upserts by slug, the changes log).

pub mod fit;
pub mod ghost;
pub mod html;
pub mod markdown;
pub mod sections;
pub mod slugs;
pub mod wordpress;

use super::{FeatureImageRecord, Record};
use crate::webhooks::target::check_url;
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

/// The largest import file read (bytes).
pub const MAX_FILE_BYTES: u64 = 256 << 20;

/// The most items (posts, pages, attachments, …) read from one file.
pub const MAX_ITEMS: usize = 200_000;

/// Warnings gathered while converting one item: (kind, what happened).
pub type Notes = Vec<(&'static str, String)>;

/// Where the content comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Source {
    /// HealthHub's own data set (JSON document or NDJSON).
    Healthhub,
    /// A WordPress export (WXR: Tools → Export).
    Wordpress,
    /// A Ghost JSON export (Settings → Labs → Export).
    Ghost,
    /// A folder of Markdown files with front matter (Hugo, Jekyll, Astro, Eleventy).
    Markdown,
}

/// Something a source could not carry as it was.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    /// Where: "post 101 (why-we-wake-at-3am)", or "file" for the file as a whole.
    pub item: String,
    /// A short kind, for counting ("embed", "shortcode", "status", …).
    pub kind: &'static str,
    /// What happened.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.item, self.message)
    }
}

/// A source's input as data-set records, with what it could not carry.
#[derive(Debug, Default)]
pub struct Converted {
    /// People, categories (parents first), tags, then articles.
    pub records: Vec<Record>,
    /// Warnings, in file order.
    pub warnings: Vec<Warning>,
    /// Items deliberately not imported, counted by kind ("pages", "comments", …).
    pub skipped: BTreeMap<String, usize>,
    /// Bad items left out with `--continue-on-error`, each with its position and reason.
    pub bad: Vec<String>,
}

impl Converted {
    /// Counts one more skipped item of `kind`.
    pub fn skip(&mut self, kind: &str, count: usize) {
        if count > 0 {
            *self.skipped.entry(kind.to_owned()).or_default() += count;
        }
    }

    /// Adds the notes gathered for `item` as warnings.
    pub fn warn(&mut self, item: &str, notes: Notes) {
        self.warnings
            .extend(notes.into_iter().map(|(kind, message)| Warning {
                item: item.to_owned(),
                kind,
                message,
            }));
    }

    /// The warnings counted by kind.
    pub fn warnings_by_kind(&self) -> BTreeMap<&'static str, usize> {
        let mut counts = BTreeMap::new();
        for warning in &self.warnings {
            *counts.entry(warning.kind).or_default() += 1;
        }
        counts
    }
}

/// Reads `path` whole as UTF-8, refusing files over [`MAX_FILE_BYTES`].
pub fn read_text(path: &Path) -> anyhow::Result<String> {
    use anyhow::Context;
    let size = std::fs::metadata(path)
        .with_context(|| format!("reading {}", path.display()))?
        .len();
    if size > MAX_FILE_BYTES {
        anyhow::bail!(
            "{} is {size} bytes, over the {MAX_FILE_BYTES}-byte limit of an import file",
            path.display()
        );
    }
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{} is not UTF-8 (byte {})",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

/// Converts the file at `path` from `source` (not [`Source::Healthhub`], which is read as it
/// is written), every record fitted into the API's limits ([`fit`]); `continue_on_error`
/// leaves bad items out (listed) instead of failing.
pub fn convert(
    source: Source,
    path: &Path,
    site_url: Option<&str>,
    continue_on_error: bool,
) -> anyhow::Result<Converted> {
    let site_url = site_url
        .map(check_site_url)
        .transpose()
        .map_err(anyhow::Error::msg)?;
    let site_url = site_url.as_deref();
    let mut converted = match source {
        Source::Healthhub => anyhow::bail!("a HealthHub data set needs no conversion"),
        Source::Wordpress => {
            let text = read_text(path)?;
            wordpress::convert(&text, continue_on_error)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
        }
        Source::Ghost => {
            let text = read_text(path)?;
            ghost::convert(&text, site_url, continue_on_error)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
        }
        Source::Markdown => markdown::convert(path, site_url, continue_on_error)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display())),
    }?;
    fit::records(&mut converted);
    Ok(converted)
}

/// The site's address given with `--site-url`, checked before anything is read: an absolute
/// http(s) URL with a host and without credentials, query or fragment; returned as the URL
/// serializes it (percent-encoded), without a trailing `/`.
pub fn check_site_url(text: &str) -> Result<String, String> {
    let refuse = |why: &str| {
        Err(format!(
            "--site-url must be an absolute http(s) URL without a query or fragment, such as \
             https://example.org ({why}: '{text}')"
        ))
    };
    let url = match url::Url::parse(text.trim()) {
        Ok(url) => url,
        Err(error) => return refuse(&error.to_string()),
    };
    if !matches!(url.scheme(), "http" | "https") {
        return refuse("not http or https");
    }
    if url.host_str().is_none_or(str::is_empty) {
        return refuse("no host");
    }
    if !url.username().is_empty() || url.password().is_some() {
        return refuse("credentials");
    }
    if url.query().is_some() || url.fragment().is_some() || text.contains(['?', '#']) {
        return refuse("a query or fragment");
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// The closing report of an import from another system: what was (or, on a dry run, would
/// be) written, what was skipped by kind, the bad items left out, and every warning.
pub fn report(
    converted: &Converted,
    summary: &crate::dataset::import::ImportSummary,
    dry_run: bool,
) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let verb = if dry_run { "would write" } else { "wrote" };
    let written = summary.categories + summary.people + summary.tags + summary.articles;
    let _ = writeln!(
        out,
        "{verb}: {} categories, {} people, {} tags, {} articles ({} sections); {} records new, {} updated",
        summary.categories,
        summary.people,
        summary.tags,
        summary.articles,
        summary.sections,
        summary.created,
        written.saturating_sub(summary.created),
    );
    let _ = writeln!(
        out,
        "unchanged: {} categories, {} people, {} tags, {} articles",
        summary.categories_unchanged,
        summary.people_unchanged,
        summary.tags_unchanged,
        summary.unchanged
    );
    let skipped: Vec<String> = converted
        .skipped
        .iter()
        .map(|(kind, n)| format!("{n} {kind}"))
        .collect();
    let _ = writeln!(
        out,
        "skipped: {}",
        if skipped.is_empty() {
            "nothing".to_owned()
        } else {
            skipped.join(", ")
        }
    );
    for bad in converted.bad.iter().chain(&summary.skipped) {
        let _ = writeln!(out, "left out (bad): {bad}");
    }
    let _ = writeln!(out, "warnings: {}", converted.warnings.len());
    for warning in &converted.warnings {
        let _ = writeln!(out, "  {warning}");
    }
    out
}

/// The SEO record of the fields a source gave, or `None` when it gave none.
pub fn seo_record(
    meta_title: Option<String>,
    meta_description: Option<String>,
    canonical_url: Option<String>,
) -> Option<super::SeoRecord> {
    (meta_title.is_some() || meta_description.is_some() || canonical_url.is_some()).then_some(
        super::SeoRecord {
            meta_title,
            meta_description,
            canonical_url,
            og_image_sha256: None,
        },
    )
}

/// Keeps the first [`crate::tags::article_tags::MAX_TAGS`] tag slugs, noting the others.
pub fn keep_tags(slugs: &mut Vec<String>, notes: &mut Notes) {
    use crate::tags::article_tags::MAX_TAGS;
    if slugs.len() > MAX_TAGS {
        let dropped = slugs.split_off(MAX_TAGS);
        notes.push((
            "tag",
            format!(
                "{} tags: {MAX_TAGS} kept, not carried: {}",
                MAX_TAGS + dropped.len(),
                dropped.join(", ")
            ),
        ));
    }
}

/// The feature image at `url` with `alt` and `caption`, kept as an external reference (its file is
/// not fetched at import time, and a note says so), or `None` with a note saying why not: `url` is
/// not an `http`/`https` URL the API takes (`feature_image.source_url`), or the article is
/// `published` and the image has no alt text, which a published article's feature image needs.
pub fn external_feature_image(
    url: &str,
    alt: &str,
    caption: &str,
    published: bool,
    notes: &mut Notes,
) -> Option<Box<FeatureImageRecord>> {
    let written = url;
    let url = &web_address(url);
    if let Err(problem) = check_url(url) {
        notes.push((
            "feature image",
            format!("feature image {written}: its address {problem}: no feature image"),
        ));
        return None;
    }
    let alt = alt.split_whitespace().collect::<Vec<_>>().join(" ");
    if published && alt.is_empty() {
        notes.push((
            "feature image",
            format!(
                "feature image {url} has no alt text and the article is published: no feature \
                 image (set it with alt text afterwards)"
            ),
        ));
        return None;
    }
    notes.push((
        "feature image",
        format!(
            "feature image kept as an external reference to {url} (feature_image.source_url): \
             the file was not fetched; upload it and set feature_image.media_id to serve it here"
        ),
    ));
    Some(Box::new(FeatureImageRecord {
        sha256: None,
        source_url: Some(url.to_owned()),
        alt,
        caption: caption.trim().to_owned(),
    }))
}

/// `address` as the API takes it: a scheme-relative `//host/…` gets `https:`, and an `http(s)`
/// address is written in the WHATWG URL syntax (spaces and other characters outside URLs
/// percent-encoded as UTF-8, an internationalised host in Punycode), as browsers would request
/// it; anything else is left as it is (and refused by the caller's check).
fn web_address(address: &str) -> String {
    let address = address.trim();
    let absolute = match address.strip_prefix("//") {
        Some(rest) => format!("https://{rest}"),
        None => address.to_owned(),
    };
    match url::Url::parse(&absolute) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => parsed.to_string(),
        _ => absolute,
    }
}

/// An article record with what every source leaves empty (subtitle, references, reviewer,
/// feature image, end of publication, views): a draft until the source says otherwise.
pub fn article_record(title: String, slug: String, category_slug: String) -> super::ArticleRecord {
    super::ArticleRecord {
        title,
        slug,
        subtitle: String::new(),
        excerpt: String::new(),
        status: crate::articles::status::ArticleStatus::Draft,
        published_at: None,
        unpublish_at: None,
        view_count: 0,
        category_slug,
        sections: Vec::new(),
        references: Vec::new(),
        author_slugs: Vec::new(),
        reviewer_slug: None,
        reviewed_at: None,
        tag_slugs: Vec::new(),
        seo: None,
        feature_image: None,
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn image_addresses_are_written_as_browsers_request_them() {
        let mut notes = super::Notes::new();
        let kept = |url: &str, notes: &mut super::Notes| {
            super::external_feature_image(url, "alt", "", true, notes)
                .and_then(|image| image.source_url)
        };
        assert_eq!(
            kept(
                "https://wp.example.org/uploads/Schlafqualität über.jpg",
                &mut notes
            )
            .as_deref(),
            Some("https://wp.example.org/uploads/Schlafqualit%C3%A4t%20%C3%BCber.jpg")
        );
        assert_eq!(
            kept("//cdn.example.org/a.jpg", &mut notes).as_deref(),
            Some("https://cdn.example.org/a.jpg")
        );
        assert_eq!(
            kept("https://bücher.example/a.jpg", &mut notes).as_deref(),
            Some("https://xn--bcher-kva.example/a.jpg")
        );
        assert_eq!(kept("data:image/png;base64,AAAA", &mut notes), None);
        assert_eq!(kept("/images/a.jpg", &mut notes), None);
    }
    use super::check_site_url;

    #[test]
    fn a_site_url_must_be_an_absolute_web_address_without_query_or_fragment() {
        assert_eq!(
            check_site_url("https://example.org/").as_deref(),
            Ok("https://example.org")
        );
        assert_eq!(
            check_site_url("http://example.org/blog/a b").as_deref(),
            Ok("http://example.org/blog/a%20b")
        );
        for bad in [
            "example.org",
            "/blog",
            "ftp://example.org",
            "javascript:alert(1)",
            "https://example.org/?x=1",
            "https://example.org/?",
            "https://example.org/#top",
            "https://user:pw@example.org",
            "https://",
            "",
        ] {
            let refused = check_site_url(bad).unwrap_err();
            assert!(
                refused.starts_with("--site-url must be"),
                "{bad}: {refused}"
            );
        }
    }
}
