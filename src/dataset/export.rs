//! `healthhub export`: writes every category and article in the data-set format (a JSON document
//! or NDJSON, by the file's extension), streaming articles in batches from one read snapshot.

use super::{
    ArticleRecord, AvatarRecord, CategoryRecord, FeatureImageRecord, Layout, PersonRecord, Record,
    SectionRecord, SeoRecord, TagRecord,
};
use crate::articles::model as articles_model;
use crate::articles::seo;
use crate::articles::status::ArticleStatus;
use crate::categories::model::{self as categories_model, CategoryRow};
use crate::db::Database;
use crate::error::ApiError;
use crate::media::avatars;
use crate::media::feature_images;
use crate::media::model as media_model;
use crate::people::bylines;
use crate::people::model as people_model;
use crate::references::input::ReferenceInput;
use crate::references::model as references_model;
use crate::sections::model as sections_model;
use crate::tags::article_tags;
use crate::tags::model as tags_model;
use anyhow::Context;
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

/// Articles read per query.
const BATCH: i64 = 500;

/// What an export wrote.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ExportSummary {
    pub categories: usize,
    pub people: usize,
    pub tags: usize,
    pub articles: usize,
}

/// Writes the whole database to `path`.
pub fn export(db: &Database, path: &Path) -> anyhow::Result<ExportSummary> {
    let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let layout = Layout::of_path(path);
    let summary =
        db.read_blocking(|conn| write_all(conn, &mut out, layout).map_err(ApiError::Internal))?;
    out.flush()
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(summary)
}

/// Categories with parents before children (by depth, then position and name).
fn categories_parents_first(rows: Vec<CategoryRow>) -> Vec<CategoryRow> {
    let parents: HashMap<i32, Option<i32>> = rows.iter().map(|c| (c.id, c.parent_id)).collect();
    let depth = |mut id: i32| {
        let mut depth = 0;
        while let Some(Some(parent)) = parents.get(&id) {
            depth += 1;
            id = *parent;
            if depth > categories_model::MAX_DEPTH {
                break;
            }
        }
        depth
    };
    let mut ordered: Vec<(usize, CategoryRow)> =
        rows.into_iter().map(|c| (depth(c.id), c)).collect();
    ordered.sort_by(|(da, a), (db, b)| {
        (da, a.position, &a.name, a.id).cmp(&(db, b.position, &b.name, b.id))
    });
    ordered.into_iter().map(|(_, c)| c).collect()
}

fn write_all(
    conn: &mut crate::db::DbConn,
    out: &mut impl Write,
    layout: Layout,
) -> anyhow::Result<ExportSummary> {
    let mut summary = ExportSummary::default();
    let categories = categories_parents_first(categories_model::list(conn, None)?);
    let slugs: HashMap<i32, String> = categories.iter().map(|c| (c.id, c.slug.clone())).collect();
    let mut writer = RecordWriter::new(out, layout)?;
    writer.begin("categories")?;
    for category in categories {
        writer.record(&Record::Category(CategoryRecord {
            parent_slug: category.parent_id.and_then(|p| slugs.get(&p).cloned()),
            name: category.name,
            slug: category.slug,
            description: category.description,
            position: Some(category.position),
            only_if_missing: false,
        }))?;
        summary.categories += 1;
    }
    writer.begin("people")?;
    let mut person_slugs: HashMap<i32, String> = HashMap::new();
    let mut after_person = 0;
    loop {
        let rows = people_model::page(conn, after_person, BATCH)?;
        let Some(last) = rows.last() else { break };
        after_person = last.id;
        let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
        let mut avatars = avatars::of_people(conn, &ids)?;
        let media_ids: Vec<i32> = avatars.values().map(|avatar| avatar.media_id).collect();
        let shas = media_model::sha256_of(conn, &media_ids)?;
        for person in rows {
            person_slugs.insert(person.id, person.slug.clone());
            let avatar = avatars.remove(&person.id).map(|avatar| {
                Box::new(AvatarRecord {
                    sha256: shas.get(&avatar.media_id).cloned().unwrap_or_default(),
                    alt: avatar.alt,
                })
            });
            writer.record(&Record::Person(PersonRecord {
                avatar,
                links: person.links(),
                name: person.name,
                slug: person.slug,
                credentials: person.credentials,
                bio: person.bio,
            }))?;
            summary.people += 1;
        }
    }
    writer.begin("tags")?;
    let mut tag_slugs: HashMap<i32, String> = HashMap::new();
    let mut after_tag = 0;
    loop {
        let rows = tags_model::page(conn, after_tag, BATCH)?;
        let Some(last) = rows.last() else { break };
        after_tag = last.id;
        for tag in rows {
            tag_slugs.insert(tag.id, tag.slug.clone());
            writer.record(&Record::Tag(TagRecord {
                name: tag.name,
                slug: tag.slug,
                description: tag.description,
            }))?;
            summary.tags += 1;
        }
    }
    writer.begin("articles")?;
    let mut after = 0;
    loop {
        let rows = articles_model::batch_after(conn, after, BATCH)?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
        let mut sections: HashMap<i32, Vec<SectionRecord>> = HashMap::new();
        for section in sections_model::for_articles(conn, &ids)? {
            sections
                .entry(section.article_id)
                .or_default()
                .push(SectionRecord {
                    position: section.position,
                    heading: section.heading,
                    body: section.body,
                });
        }
        let mut references: HashMap<i32, Vec<ReferenceInput>> = HashMap::new();
        for reference in references_model::for_articles(conn, &ids)? {
            references
                .entry(reference.article_id)
                .or_default()
                .push(reference.input());
        }
        let mut bylines = bylines::of_articles(conn, &ids)?;
        let mut tags = article_tags::of_articles(conn, &ids)?;
        let mut seo = seo::of_articles(conn, &ids)?;
        let mut images = feature_images::of_articles(conn, &ids)?;
        let media_ids: Vec<i32> = images
            .values()
            .filter_map(|image| image.media_id)
            .chain(seo.values().filter_map(|fields| fields.og_image))
            .collect();
        let shas = media_model::sha256_of(conn, &media_ids)?;
        let slug_of = |id: &i32| person_slugs.get(id).cloned().unwrap_or_default();
        let tag_slug_of = |id: &i32| tag_slugs.get(id).cloned().unwrap_or_default();
        for row in rows {
            let byline = bylines.remove(&row.id).unwrap_or_default();
            let tags = tags.remove(&row.id).unwrap_or_default();
            let feature_image = images.remove(&row.id).map(|image| {
                Box::new(FeatureImageRecord {
                    sha256: image
                        .media_id
                        .map(|id| shas.get(&id).cloned().unwrap_or_default()),
                    source_url: image.source_url,
                    alt: image.alt,
                    caption: image.caption,
                })
            });
            writer.record(&Record::Article(Box::new(ArticleRecord {
                seo: seo.remove(&row.id).map(|fields| SeoRecord {
                    og_image_sha256: fields.og_image.and_then(|id| shas.get(&id).cloned()),
                    meta_title: fields.meta_title,
                    meta_description: fields.meta_description,
                    canonical_url: fields.canonical_url,
                }),
                feature_image,
                tag_slugs: tags.iter().map(tag_slug_of).collect(),
                author_slugs: byline.authors.iter().map(slug_of).collect(),
                reviewer_slug: byline.reviewer_id.as_ref().map(slug_of),
                reviewed_at: byline.reviewed_at,
                sections: sections.remove(&row.id).unwrap_or_default(),
                references: references.remove(&row.id).unwrap_or_default(),
                category_slug: slugs.get(&row.category_id).cloned().unwrap_or_default(),
                status: ArticleStatus::from_stored(&row.status),
                title: row.title,
                slug: row.slug,
                subtitle: row.subtitle,
                excerpt: row.excerpt,
                published_at: row.published_at.map(|t| t.and_utc()),
                unpublish_at: row.unpublish_at.map(|t| t.and_utc()),
                view_count: row.view_count,
            })))?;
            summary.articles += 1;
        }
    }
    writer.end()?;
    Ok(summary)
}

/// Writes records as NDJSON lines, or inside the arrays of one JSON document.
struct RecordWriter<'w, W: Write> {
    out: &'w mut W,
    layout: Layout,
    in_array: bool,
    first: bool,
}

impl<'w, W: Write> RecordWriter<'w, W> {
    fn new(out: &'w mut W, layout: Layout) -> std::io::Result<Self> {
        if layout == Layout::Document {
            out.write_all(b"{")?;
        }
        Ok(Self {
            out,
            layout,
            in_array: false,
            first: true,
        })
    }

    fn begin(&mut self, name: &str) -> std::io::Result<()> {
        if self.layout == Layout::Document {
            if self.in_array {
                self.out.write_all(b"\n],\n")?;
            }
            write!(self.out, "\"{name}\": [")?;
            self.in_array = true;
            self.first = true;
        }
        Ok(())
    }

    fn record(&mut self, record: &Record) -> anyhow::Result<()> {
        match self.layout {
            Layout::Ndjson => {
                serde_json::to_writer(&mut *self.out, record)?;
                self.out.write_all(b"\n")?;
            }
            Layout::Document => {
                self.out
                    .write_all(if self.first { b"\n" } else { b",\n" })?;
                match record {
                    Record::Category(category) => serde_json::to_writer(&mut *self.out, category)?,
                    Record::Person(person) => serde_json::to_writer(&mut *self.out, person)?,
                    Record::Tag(tag) => serde_json::to_writer(&mut *self.out, tag)?,
                    Record::Article(article) => serde_json::to_writer(&mut *self.out, article)?,
                }
                self.first = false;
            }
        }
        Ok(())
    }

    fn end(&mut self) -> std::io::Result<()> {
        if self.layout == Layout::Document {
            self.out.write_all(b"\n]}\n")?;
        }
        Ok(())
    }
}
