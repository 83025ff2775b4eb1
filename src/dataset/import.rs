//! `healthhub import`: streams a data set into the database in one transaction, with bounded
//! memory, upserting by slug, and either stops at the first bad record (changing nothing) or,
//! with `continue_on_error`, skips and reports bad records.

use super::{
    ArticleRecord, CategoryRecord, FeatureImageRecord, Layout, PersonRecord, Record, SeoRecord,
    TagRecord,
};
use crate::articles::history;
use crate::articles::input::CreateArticle;
use crate::articles::model as articles_model;
use crate::articles::seo::SeoInput;
use crate::categories::input::CreateCategory;
use crate::categories::model as categories_model;
use crate::changes::model::Journal as WriteJournal;
use crate::changes::versioned;
use crate::config::Journal;
use crate::db::DbConn;
use crate::db::{bulk, Database};
use crate::error::ApiError;
use crate::media::avatars::Avatar;
use crate::media::feature_images::FeatureImage;
use crate::media::model as media_model;
use crate::people::bylines::{Byline, ReviewInput};
use crate::people::input::CreatePerson;
use crate::people::model as people_model;
use crate::sections::input::SectionInput;
use crate::support::key::Key;
use crate::tags::input::CreateTag;
use crate::tags::model as tags_model;
use anyhow::Context;
use chrono::NaiveDateTime;
use indicatif::{ProgressBar, ProgressStyle};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader, IsTerminal, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How an import treats bad records, and how many revisions it keeps per article.
#[derive(Debug, Clone, Copy)]
pub struct ImportOptions {
    /// Skip bad records (reporting them) instead of stopping and rolling back.
    pub continue_on_error: bool,
    /// Revisions kept per article (`HEALTHHUB_REVISIONS_PER_ARTICLE`).
    pub revisions_kept: u32,
}

impl Default for ImportOptions {
    fn default() -> Self {
        Self {
            continue_on_error: false,
            revisions_kept: Journal::default().revisions_per_article,
        }
    }
}

/// What an import did.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ImportSummary {
    /// Categories created or updated.
    pub categories: usize,
    /// Categories already identical to the record (left untouched).
    pub categories_unchanged: usize,
    /// People created or updated.
    pub people: usize,
    /// People already identical to the record (left untouched).
    pub people_unchanged: usize,
    /// Tags created or updated.
    pub tags: usize,
    /// Tags already identical to the record (left untouched).
    pub tags_unchanged: usize,
    /// Articles created or updated.
    pub articles: usize,
    /// Articles already identical to the record (left untouched).
    pub unchanged: usize,
    /// Sections written.
    pub sections: usize,
    /// Bad records skipped (with `continue_on_error`), each with where it was and why.
    pub skipped: Vec<String>,
    /// Records of any kind that did not exist before (a part of the written ones).
    pub created: usize,
}

impl fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} categories, {} people, {} tags and {} articles ({} sections) written, {} categories, {} people, {} tags and {} articles unchanged, {} records skipped",
            self.categories,
            self.people,
            self.tags,
            self.articles,
            self.sections,
            self.categories_unchanged,
            self.people_unchanged,
            self.tags_unchanged,
            self.unchanged,
            self.skipped.len()
        )
    }
}

/// Imports the data set at `path` (layout from its extension) in one transaction, then merges
/// the search index's new segments ([`Database::merge_search_index_until_done`]) and refreshes
/// the query planner's statistics.
pub fn import(
    db: &Database,
    path: &Path,
    options: ImportOptions,
    now: NaiveDateTime,
) -> anyhow::Result<ImportSummary> {
    let file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    import_from(db, file, size, Layout::of_path(path), options, now)
        .with_context(|| format!("importing {} (nothing was written)", path.display()))
}

/// Imports a data set of `size` bytes read from `source`, in one transaction.
pub fn import_from(
    db: &Database,
    source: impl Read,
    size: u64,
    layout: Layout,
    options: ImportOptions,
    now: NaiveDateTime,
) -> anyhow::Result<ImportSummary> {
    let progress = Progress::new(size);
    let reader =
        BufReader::with_capacity(1 << 20, CountingReader::new(source, progress.read.clone()));
    let left_wal = db.on_writer(bulk::leave_wal)?;
    let summary = db.write_blocking(|conn| {
        let cache = bulk::CacheSize::widen(conn)?;
        let outcome = import_records(conn, reader, layout, options, now, &progress);
        let restored = cache.restore(conn);
        let summary = outcome?;
        restored?;
        Ok(summary)
    });
    progress.finish();
    if left_wal {
        db.on_writer(bulk::back_to_wal)?;
    }
    let summary = summary?;
    db.merge_search_index_until_done()?;
    db.refresh_statistics()?;
    Ok(summary)
}

/// Writes records a source converted (see [`super::sources`]) in one transaction, as
/// [`import`] does; `dry_run` rolls the transaction back and returns what it would have done.
pub fn import_converted(
    db: &Database,
    records: Vec<Record>,
    options: ImportOptions,
    dry_run: bool,
    now: NaiveDateTime,
) -> anyhow::Result<ImportSummary> {
    let progress = Progress::records(records.len() as u64);
    let mut rolled_back = None;
    let outcome = db.write_blocking(|conn| {
        let suspended = bulk::suspend_search_triggers(conn)?;
        let mut importer = Importer::new(&mut *conn, options, now, &progress);
        for (index, record) in records.into_iter().enumerate() {
            progress.read.fetch_add(1, Ordering::Relaxed);
            let (location, outcome) = match record {
                Record::Category(category) => (
                    format!("category '{}'", category.slug),
                    importer.category(category),
                ),
                Record::Person(person) => {
                    (format!("person '{}'", person.slug), importer.person(person))
                }
                Record::Tag(tag) => (format!("tag '{}'", tag.slug), importer.tag(tag)),
                Record::Article(article) => (
                    format!("article '{}' (record {})", article.slug, index + 1),
                    importer.article(*article),
                ),
            };
            importer
                .settle(location, outcome)
                .map_err(ApiError::BadRequest)?;
        }
        let summary = importer.summary;
        bulk::reindex_written_at(conn, now)?;
        bulk::restore_search_triggers(conn, suspended)?;
        if dry_run {
            rolled_back = Some(summary);
            return Err(ApiError::BadRequest(DRY_RUN.to_owned()));
        }
        Ok(summary)
    });
    progress.finish();
    if let Some(summary) = rolled_back {
        return Ok(summary);
    }
    let summary = outcome?;
    db.merge_search_index_until_done()?;
    db.refresh_statistics()?;
    Ok(summary)
}

/// The reason a dry run gives for rolling its transaction back.
const DRY_RUN: &str = "dry run: rolled back";

/// The body of the import's transaction: the records, then the search rows of what they wrote.
fn import_records(
    conn: &mut DbConn,
    reader: impl BufRead,
    layout: Layout,
    options: ImportOptions,
    now: NaiveDateTime,
    progress: &Progress,
) -> Result<ImportSummary, ApiError> {
    // The search rows of the imported articles are rebuilt in one pass at the end.
    let suspended = bulk::suspend_search_triggers(conn)?;
    let mut importer = Importer::new(&mut *conn, options, now, progress);
    let outcome = match layout {
        Layout::Ndjson => importer.ndjson(reader),
        Layout::Document => importer.document(reader),
    };
    outcome.map_err(ApiError::BadRequest)?;
    let summary = importer.summary;
    bulk::reindex_written_at(conn, now)?;
    bulk::restore_search_triggers(conn, suspended)?;
    Ok(summary)
}

/// Counts the bytes read, for the progress display.
struct CountingReader<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R> CountingReader<R> {
    fn new(inner: R, read: Arc<AtomicU64>) -> Self {
        Self { inner, read }
    }
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// A progress bar on a terminal; a plain line every few seconds otherwise.
struct Progress {
    read: Arc<AtomicU64>,
    bar: Option<ProgressBar>,
    size: u64,
    started: Instant,
    last_line: std::cell::Cell<Instant>,
}

impl Progress {
    fn new(size: u64) -> Self {
        Self::with_template(
            size,
            "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {msg}",
        )
    }

    /// A progress over `count` records instead of bytes.
    fn records(count: u64) -> Self {
        Self::with_template(
            count,
            "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} records {msg}",
        )
    }

    fn with_template(size: u64, template: &str) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(size);
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style);
            }
            bar
        });
        Self {
            read: Arc::new(AtomicU64::new(0)),
            bar,
            size,
            started: Instant::now(),
            last_line: std::cell::Cell::new(Instant::now()),
        }
    }

    fn tick(&self, articles: usize) {
        let read = self.read.load(Ordering::Relaxed);
        match &self.bar {
            Some(bar) => {
                bar.set_position(read);
                bar.set_message(format!("{articles} articles"));
            }
            None if self.last_line.get().elapsed() >= Duration::from_secs(5) => {
                self.last_line.set(Instant::now());
                eprintln!(
                    "import: {articles} articles, {} of {} MB read, {:.0} s",
                    read >> 20,
                    self.size >> 20,
                    self.started.elapsed().as_secs_f64()
                );
            }
            None => {}
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

struct Importer<'a> {
    conn: &'a mut DbConn,
    category_ids: HashMap<String, i32>,
    person_ids: HashMap<String, i32>,
    tag_ids: HashMap<String, i32>,
    now: NaiveDateTime,
    options: ImportOptions,
    /// Imports are the command line's writes: logged without a subject.
    journal: WriteJournal,
    summary: ImportSummary,
    progress: &'a Progress,
}

impl<'a> Importer<'a> {
    fn new(
        conn: &'a mut DbConn,
        options: ImportOptions,
        now: NaiveDateTime,
        progress: &'a Progress,
    ) -> Self {
        Self {
            conn,
            category_ids: HashMap::new(),
            person_ids: HashMap::new(),
            tag_ids: HashMap::new(),
            now,
            options,
            journal: WriteJournal::system(options.revisions_kept),
            summary: ImportSummary::default(),
            progress,
        }
    }

    /// Reads one record a line.
    fn ndjson(&mut self, reader: impl BufRead) -> Result<(), String> {
        for (index, line) in reader.lines().enumerate() {
            let number = index + 1;
            let line = line.map_err(|e| format!("line {number}: {e}"))?;
            if line.trim().is_empty() {
                continue;
            }
            let outcome = serde_json::from_str::<Record>(&line)
                .map_err(|e| e.to_string())
                .and_then(|record| match record {
                    Record::Category(category) => self.category(category),
                    Record::Person(person) => self.person(person),
                    Record::Tag(tag) => self.tag(tag),
                    Record::Article(article) => self.article(*article),
                });
            self.settle(format!("line {number}"), outcome)?;
        }
        Ok(())
    }

    /// Reads `{"categories": […], "articles": […]}`, one record at a time.
    fn document(&mut self, reader: impl Read) -> Result<(), String> {
        let mut deserializer = serde_json::Deserializer::from_reader(reader);
        de::Deserializer::deserialize_map(&mut deserializer, DocumentVisitor { importer: self })
            .map_err(|e| e.to_string())?;
        deserializer
            .end()
            .map_err(|e| format!("after the document: {e}"))
    }

    /// Records the outcome of one record: skipped (and reported) or fatal.
    fn settle(&mut self, location: String, outcome: Result<(), String>) -> Result<(), String> {
        self.progress
            .tick(self.summary.articles + self.summary.unchanged);
        match outcome {
            Ok(()) => Ok(()),
            Err(reason) if self.options.continue_on_error => {
                self.summary.skipped.push(format!("{location}: {reason}"));
                Ok(())
            }
            Err(reason) => Err(format!("{location}: {reason}")),
        }
    }

    fn category(&mut self, record: CategoryRecord) -> Result<(), String> {
        if record.only_if_missing && self.category_id(&record.slug).is_ok() {
            self.summary.categories_unchanged += 1;
            return Ok(());
        }
        let parent_id = match &record.parent_slug {
            Some(parent) if *parent == record.slug => {
                return Err(format!(
                    "category '{}' cannot be its own parent",
                    record.slug
                ))
            }
            Some(parent) => Some(self.category_id(parent)?),
            None => None,
        };
        let request = CreateCategory {
            name: record.name,
            slug: Some(record.slug),
            description: record.description,
            parent_id,
            position: record.position.unwrap_or_else(|| {
                let place = self.summary.categories + self.summary.categories_unchanged;
                i32::try_from(place).unwrap_or(i32::MAX)
            }),
        };
        request.check().map_err(describe)?;
        let (before, after) =
            categories_model::upsert(self.conn, &request, self.now).map_err(describe)?;
        versioned::record(self.conn, before.as_ref(), &after, &self.journal, self.now)
            .map_err(describe)?;
        if let Some(slug) = request.slug {
            self.category_ids.insert(slug, after.id);
        }
        self.summary.created += usize::from(before.is_none());
        if before.is_none_or(|b| b.version != after.version) {
            self.summary.categories += 1;
        } else {
            self.summary.categories_unchanged += 1;
        }
        Ok(())
    }

    fn person(&mut self, record: PersonRecord) -> Result<(), String> {
        let avatar = match record.avatar {
            Some(avatar) => Some(Avatar {
                media_id: self.media_id("avatar", &avatar.sha256)?,
                alt: avatar.alt,
            }),
            None => None,
        };
        let request = CreatePerson {
            name: record.name,
            slug: Some(record.slug),
            credentials: record.credentials,
            bio: record.bio,
            links: record.links,
            avatar,
        };
        request.check().map_err(describe)?;
        let (before, after) =
            people_model::upsert(self.conn, &request, self.now).map_err(describe)?;
        versioned::record(self.conn, before.as_ref(), &after, &self.journal, self.now)
            .map_err(describe)?;
        self.summary.created += usize::from(before.is_none());
        if before.is_none_or(|b| b.version != after.version) {
            self.summary.people += 1;
        } else {
            self.summary.people_unchanged += 1;
        }
        self.person_ids.insert(after.slug, after.id);
        Ok(())
    }

    fn person_id(&mut self, slug: &str) -> Result<i32, String> {
        id_by_slug(
            self.conn,
            &mut self.person_ids,
            "person",
            slug,
            |conn, key| Ok(people_model::find(conn, key)?.map(|row| row.id)),
        )
    }

    fn tag(&mut self, record: TagRecord) -> Result<(), String> {
        let request = CreateTag {
            name: record.name,
            slug: Some(record.slug),
            description: record.description,
        };
        request.check().map_err(describe)?;
        let (before, after) =
            tags_model::upsert(self.conn, &request, self.now).map_err(describe)?;
        versioned::record(self.conn, before.as_ref(), &after, &self.journal, self.now)
            .map_err(describe)?;
        self.summary.created += usize::from(before.is_none());
        if before.is_none_or(|b| b.version != after.version) {
            self.summary.tags += 1;
        } else {
            self.summary.tags_unchanged += 1;
        }
        self.tag_ids.insert(after.slug, after.id);
        Ok(())
    }

    /// The ids of the tags of `record`, found by slug.
    fn tag_ids(&mut self, record: &ArticleRecord) -> Result<Vec<i32>, String> {
        record
            .tag_slugs
            .iter()
            .map(|slug| {
                id_by_slug(self.conn, &mut self.tag_ids, "tag", slug, |conn, key| {
                    Ok(tags_model::find(conn, key)?.map(|row| row.id))
                })
            })
            .collect()
    }

    /// The id of the media item whose file has the SHA-256 `sha256`, which `field` names.
    fn media_id(&mut self, field: &str, sha256: &str) -> Result<i32, String> {
        let medium = media_model::find_by_sha256(self.conn, sha256)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| {
                format!("{field}: no media item has the sha256 '{sha256}' (upload its file first)")
            })?;
        Ok(medium.id)
    }

    /// The feature image `record` names: its media item found by the SHA-256 of its file, or
    /// its external address.
    fn feature_image(&mut self, record: FeatureImageRecord) -> Result<FeatureImage, String> {
        match (record.sha256, record.source_url) {
            (Some(sha256), None) => Ok(FeatureImage::stored(
                self.media_id("feature_image", &sha256)?,
                record.alt,
                record.caption,
            )),
            (None, Some(url)) => Ok(FeatureImage::external(url, record.alt, record.caption)),
            _ => Err("feature_image: give exactly one of sha256 and source_url".to_string()),
        }
    }

    /// The SEO fields `record` gives, its social image found by the SHA-256 of its file.
    fn seo(&mut self, record: SeoRecord) -> Result<SeoInput, String> {
        let og_image = match &record.og_image_sha256 {
            Some(sha256) => Some(self.media_id("seo.og_image_sha256", sha256)?),
            None => None,
        };
        Ok(SeoInput {
            meta_title: record.meta_title,
            meta_description: record.meta_description,
            canonical_url: record.canonical_url,
            og_image,
        })
    }

    /// The byline of `record`, its people found by slug.
    fn byline(&mut self, record: &ArticleRecord) -> Result<Byline, String> {
        let authors = record
            .author_slugs
            .iter()
            .map(|slug| self.person_id(slug))
            .collect::<Result<_, _>>()?;
        let reviewer_id = match &record.reviewer_slug {
            Some(slug) => Some(self.person_id(slug)?),
            None => None,
        };
        Ok(Byline {
            authors,
            reviewer_id,
            reviewed_at: record.reviewed_at,
        })
    }

    fn category_id(&mut self, slug: &str) -> Result<i32, String> {
        id_by_slug(
            self.conn,
            &mut self.category_ids,
            "category",
            slug,
            |conn, key| Ok(categories_model::find(conn, key)?.map(|row| row.id)),
        )
    }

    fn article(&mut self, mut record: ArticleRecord) -> Result<(), String> {
        if record.view_count < 0 {
            return Err(format!(
                "view_count must be an integer from 0 to {}, not {}",
                i64::MAX,
                record.view_count
            ));
        }
        record.sections.sort_by_key(|s| s.position);
        let byline = self.byline(&record)?;
        let tags = self.tag_ids(&record)?;
        let feature_image = match record.feature_image {
            Some(image) => Some(self.feature_image(*image)?),
            None => None,
        };
        let seo = match record.seo {
            Some(seo) => Some(self.seo(seo)?),
            None => None,
        };
        let request = CreateArticle {
            title: record.title,
            slug: Some(record.slug),
            subtitle: record.subtitle,
            excerpt: record.excerpt,
            status: Some(record.status),
            published_at: record.published_at,
            unpublish_at: record.unpublish_at,
            category_id: self.category_id(&record.category_slug)?,
            sections: record
                .sections
                .into_iter()
                .map(|s| SectionInput {
                    heading: s.heading,
                    body: s.body,
                })
                .collect(),
            references: record.references,
            authors: byline.authors.clone(),
            review: byline
                .reviewer_id
                .zip(byline.reviewed_at)
                .map(|(reviewer_id, reviewed_at)| ReviewInput {
                    reviewer_id,
                    reviewed_at,
                }),
            tags,
            seo,
            feature_image,
        };
        request.check().map_err(describe)?;
        let slug = Key::Slug(request.slug.clone().unwrap_or_default());
        let before = articles_model::find(self.conn, &slug).map_err(|e| describe(e.into()))?;
        let written = articles_model::upsert(
            self.conn,
            &request,
            Some(&byline),
            record.view_count,
            self.now,
        )
        .map_err(describe)?;
        self.summary.created += usize::from(before.is_none());
        if let Some(id) = written {
            history::record(self.conn, id, before.as_ref(), &self.journal, self.now)
                .map_err(describe)?;
            self.summary.articles += 1;
            self.summary.sections += request.sections.len();
        } else {
            self.summary.unchanged += 1;
        }
        Ok(())
    }
}

/// The id of the `what` ("category", "person", "tag") whose current slug is `slug`: from
/// `known` (the ids this import has met), else looked up with `find` and remembered.
fn id_by_slug(
    conn: &mut DbConn,
    known: &mut HashMap<String, i32>,
    what: &str,
    slug: &str,
    find: impl FnOnce(&mut DbConn, &Key) -> diesel::QueryResult<Option<i32>>,
) -> Result<i32, String> {
    if let Some(id) = known.get(slug) {
        return Ok(*id);
    }
    let id = find(conn, &Key::Slug(slug.to_owned()))
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no {what} has the slug '{slug}'"))?;
    known.insert(slug.to_owned(), id);
    Ok(id)
}

/// A one-line reason for a failed record.
fn describe(error: ApiError) -> String {
    match error {
        ApiError::Validation(errors) | ApiError::StateConflict(errors) => errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

struct DocumentVisitor<'i, 'a> {
    importer: &'i mut Importer<'a>,
}

impl<'de> Visitor<'de> for DocumentVisitor<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object with \"categories\", \"people\", \"tags\" and \"articles\" arrays")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<(), M::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "categories" => map.next_value_seed(RecordsSeed {
                    importer: &mut *self.importer,
                    kind: Kind::Category,
                })?,
                "people" => map.next_value_seed(RecordsSeed {
                    importer: &mut *self.importer,
                    kind: Kind::Person,
                })?,
                "tags" => map.next_value_seed(RecordsSeed {
                    importer: &mut *self.importer,
                    kind: Kind::Tag,
                })?,
                "articles" => map.next_value_seed(RecordsSeed {
                    importer: &mut *self.importer,
                    kind: Kind::Article,
                })?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

#[derive(Clone, Copy)]
enum Kind {
    Category,
    Person,
    Tag,
    Article,
}

/// Imports the elements of one array as they are parsed (never the whole array at once).
struct RecordsSeed<'i, 'a> {
    importer: &'i mut Importer<'a>,
    kind: Kind,
}

impl<'de> DeserializeSeed<'de> for RecordsSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RecordsSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of records")
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<(), S::Error> {
        let name = match self.kind {
            Kind::Category => "categories",
            Kind::Person => "people",
            Kind::Tag => "tags",
            Kind::Article => "articles",
        };
        let mut index = 0usize;
        while let Some(value) = seq.next_element::<serde_json::Value>()? {
            let outcome = match self.kind {
                Kind::Category => serde_json::from_value(value)
                    .map_err(|e| e.to_string())
                    .and_then(|record| self.importer.category(record)),
                Kind::Person => serde_json::from_value(value)
                    .map_err(|e| e.to_string())
                    .and_then(|record| self.importer.person(record)),
                Kind::Tag => serde_json::from_value(value)
                    .map_err(|e| e.to_string())
                    .and_then(|record| self.importer.tag(record)),
                Kind::Article => serde_json::from_value(value)
                    .map_err(|e| e.to_string())
                    .and_then(|record| self.importer.article(record)),
            };
            self.importer
                .settle(format!("{name}[{index}]"), outcome)
                .map_err(de::Error::custom)?;
            index += 1;
        }
        Ok(())
    }
}
