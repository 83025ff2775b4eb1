//! Article responses: the `ArticleView` shape, list pages and their paging facts, view counts, and how they are built from rows (embeds loaded in one batched query each, sparse fields).

use super::listing::ListedArticle;
use super::model::ArticleRow;
use super::parts::{self, OneRowParts};
use super::query::{Embed, Shape};
use super::seo::{Derivable, SeoView, SocialImageView};
use super::status::ArticleState;
use crate::categories::links_cache::LinkMap;
use crate::categories::model as categories_model;
use crate::categories::view::CategoryRef;
use crate::db::DbConn;
use crate::media::feature_images::{FeatureImageView, FeatureSource};
use crate::media::model::{self as media_model, MediaRow, VariantRow};
use crate::people::bylines::{self, PersonRef, Shown};
use crate::references::model::{self as references_model, ReferenceRow};
use crate::references::view::ReferenceView;
use crate::sections::model::{self as sections_model, SectionRow};
use crate::sections::view::SectionView;
use crate::site::urls::SiteUrls;
use crate::support::markdown;
use crate::tags::article_tags::{self, TagRef};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;
use utoipa::ToSchema;

/// An article as single reads and writes return it: every field but the embeds is always
/// there. `include` chooses the embeds (`category`, `breadcrumbs`, `sections`). Lists may
/// narrow items with `fields` ([`SparseArticle`]).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 2, "slug": "why-do-we-wake-up-at-3-a-m-sleep-cycles-explained",
    "title": "Why Do We Wake Up at 3 a.m.? Sleep Cycles Explained",
    "subtitle": "Is it a sign of a sleep problem, or simply how the night is structured?",
    "excerpt": "Middle-of-the-night awakenings are common. Here is how sleep cycles, stress, and evening habits may explain waking in the early hours.",
    "status": "published", "published_at": "2025-04-19T09:30:00Z", "unpublish_at": null,
    "category_id": 3, "view_count": 2255, "version": 1, "word_count": 480, "reading_time_minutes": 3,
    "created_at": "2025-04-19T09:30:00Z", "updated_at": "2025-04-19T09:30:00Z",
    "category": {"id": 3, "slug": "sleep", "name": "Sleep"}
}))]
pub struct ArticleView {
    pub id: i32,
    pub slug: String,
    pub title: String,
    /// One line under the title.
    pub subtitle: String,
    /// The given excerpt, or one derived from the first section (cut on a word boundary with "…").
    pub excerpt: String,
    pub status: ArticleState,
    /// When it is (or was, or will be) public; `null` for a draft never scheduled.
    #[schema(required = true)]
    pub published_at: Option<DateTime<Utc>>,
    /// When it stops being public; `null` for never.
    #[schema(required = true)]
    pub unpublish_at: Option<DateTime<Utc>>,
    pub category_id: i32,
    /// Counted views. Anonymous reads answered from the server's response cache may show a count
    /// up to `HEALTHHUB_VIEW_COUNT_MAX_AGE_SECONDS` (default 60) behind the stored one, which
    /// itself lags counted views by up to `HEALTHHUB_VIEW_FLUSH_MS`; nothing else in a response
    /// ever lags, and its `ETag` covers the count it shows.
    pub view_count: i64,
    /// Starts at 1 and grows with every change to the article or its sections.
    pub version: i32,
    /// Words in the section headings and bodies.
    pub word_count: i32,
    /// At 200 words per minute, at least 1.
    pub reading_time_minutes: u32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Embed `category`: the category it is filed in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<CategoryRef>,
    /// Embed `breadcrumbs`: the category path, top-level first, its own category last.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub breadcrumbs: Option<Vec<CategoryRef>>,
    /// Embed `sections`: the sections in order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sections: Option<Vec<SectionView>>,
    /// Embed `references`: the works it cites, in order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub references: Option<Vec<ReferenceView>>,
    /// Embed `authors`: who wrote it, in byline order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authors: Option<Vec<PersonRef>>,
    /// Embed `review`: who last reviewed it medically and when; `null` when nobody has.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<ReviewView>)]
    pub review: Option<Option<ReviewView>>,
    /// Embed `tags`: the topics it carries, in the order its writer gave.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<TagRef>>,
    /// Embed `seo`: its meta title, meta description and canonical URL, derived where none is
    /// stored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seo: Option<SeoView>,
    /// Embed `feature_image`: its feature image with the file's URLs and variants; `null` when
    /// it has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<FeatureImageView>)]
    pub feature_image: Option<Option<FeatureImageView>>,
    /// Search results only: the best matching passage, HTML-escaped, hits wrapped in `<mark>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
    /// Search results only: bm25 relevance (lower is more relevant).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank: Option<f64>,
}

/// An article in a list (`GET /articles`, `GET /search`): the fields of [`ArticleView`], each
/// there unless `fields=` left it out (`id` always stays).
pub struct SparseArticle;

impl utoipa::PartialSchema for SparseArticle {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::Schema;
        use utoipa::openapi::RefOr;
        let mut schema = <ArticleView as utoipa::PartialSchema>::schema();
        if let RefOr::T(Schema::Object(object)) = &mut schema {
            object.required.retain(|field| field == "id");
            object.description = Some(
                "An article in a list: the fields of `ArticleView`, each there unless `fields=` \
                 left it out (`id` always stays)."
                    .to_owned(),
            );
        }
        schema
    }
}

impl ToSchema for SparseArticle {
    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        <ArticleView as ToSchema>::schemas(schemas);
    }
}

/// Paging facts of a page mode list (`page`, `per_page`).
#[derive(Debug, Serialize, ToSchema)]
pub struct PageMeta {
    /// The page number (from 1).
    pub page: i64,
    /// Items per page.
    pub per_page: i64,
    /// Items matching the query over all pages; also `X-Total-Count`.
    pub total: i64,
    /// The number of pages.
    pub total_pages: i64,
}

/// Paging facts of a cursor mode list (`limit`, `after`).
#[derive(Debug, Serialize, ToSchema)]
pub struct CursorMeta {
    /// Items per page.
    pub limit: i64,
    /// Pass as `after` for the next page; `null` on the last page. Also in `Link: rel="next"`.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
    /// With `count=true` only: items matching the query over all pages; also `X-Total-Count`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<i64>,
}

/// Paging facts of a list, by its paging mode.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum ListMeta {
    /// `page`/`per_page` paging.
    Pages(PageMeta),
    /// Keyset cursor paging.
    Cursor(CursorMeta),
}

/// A page of articles (`GET /articles`, `GET /search`).
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticlePage {
    /// The items, each shaped by `fields` and `include`.
    #[schema(value_type = Vec<SparseArticle>)]
    pub data: Vec<Value>,
    pub meta: ListMeta,
}

/// A medical review as an article shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReviewView {
    /// Who reviewed it.
    pub reviewer: PersonRef,
    /// The date of the review.
    pub reviewed_at: NaiveDate,
}

/// Facts of an unpaged list.
#[derive(Debug, Serialize, ToSchema)]
pub struct RelatedMeta {
    /// Number of items in `data`.
    pub total: i64,
}

/// Articles related to one (`GET /articles/{id_or_slug}/related`), whole.
#[derive(Debug, Serialize, ToSchema)]
pub struct RelatedArticles {
    pub data: Vec<ArticleView>,
    pub meta: RelatedMeta,
}

/// The view counter after counting one view.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"view_count": 2256}))]
pub struct ViewCount {
    pub view_count: i64,
}

/// What the embeds of a set of articles need, loaded in batches.
#[derive(Debug, Default)]
pub struct Embeds {
    categories: Arc<LinkMap>,
    sections: HashMap<i32, Vec<SectionRow>>,
    references: HashMap<i32, Vec<ReferenceRow>>,
    bylines: HashMap<i32, Shown>,
    tags: HashMap<i32, Vec<TagRef>>,
    /// SEO fields and feature images.
    parts: HashMap<i32, OneRowParts>,
    /// The variants of the feature images' media, by media id.
    variants: HashMap<i32, Vec<VariantRow>>,
    /// The media named as social images, by media id.
    social_media: HashMap<i32, MediaRow>,
    /// The public site, for the canonical URLs of the `seo` embed.
    site: Option<SiteUrls>,
    /// The category tree, when this load read it from the database.
    read_links: Option<Arc<LinkMap>>,
}

impl Embeds {
    /// Loads what `shape` embeds for `articles`: every category in one query (the tree is
    /// small) and every section of every article in another.
    pub fn load(
        conn: &mut DbConn,
        articles: &[&ArticleRow],
        shape: &Shape,
        site: &SiteUrls,
    ) -> QueryResult<Self> {
        Self::load_with(conn, articles, shape, None, site)
    }

    /// [`Self::load`], with the category tree taken from `known` (the links cache) instead of
    /// the database when it holds every category the articles' breadcrumbs pass through.
    pub fn load_with(
        conn: &mut DbConn,
        articles: &[&ArticleRow],
        shape: &Shape,
        known: Option<Arc<LinkMap>>,
        site: &SiteUrls,
    ) -> QueryResult<Self> {
        let mut embeds = Embeds::default();
        let ids: Vec<i32> = articles.iter().map(|a| a.id).collect();
        let include = |embed| shape.include.contains(&embed);
        if include(Embed::Seo) || include(Embed::FeatureImage) {
            embeds.parts = parts::of_articles(conn, &ids)?;
        }
        if include(Embed::Seo) {
            embeds.site = Some(site.clone());
            let named: Vec<i32> = embeds
                .parts
                .values()
                .filter_map(|p| p.seo.og_image)
                .collect();
            if !named.is_empty() {
                embeds.social_media = media_model::find_many(conn, &named)?;
            }
        }
        if include(Embed::FeatureImage) {
            let shown: Vec<i32> = embeds
                .parts
                .values()
                .filter_map(|p| p.feature_image.as_ref()?.medium().map(|m| m.id))
                .collect();
            if !shown.is_empty() {
                embeds.variants = media_model::variants_of(conn, &shown)?;
            }
        }
        if shape.include.contains(&Embed::Category) || shape.include.contains(&Embed::Breadcrumbs) {
            match known.filter(|links| articles.iter().all(|a| covers(links, a.category_id))) {
                Some(links) => embeds.categories = links,
                None => {
                    let links: Arc<LinkMap> = Arc::new(
                        categories_model::links(conn)?
                            .into_iter()
                            .map(|c| (c.id, c))
                            .collect(),
                    );
                    embeds.read_links = Some(Arc::clone(&links));
                    embeds.categories = links;
                }
            }
        }
        if include(Embed::Sections) {
            for section in sections_model::for_articles(conn, &ids)? {
                embeds
                    .sections
                    .entry(section.article_id)
                    .or_default()
                    .push(section);
            }
        }
        let (authors, review) = (include(Embed::Authors), include(Embed::Review));
        if authors || review {
            embeds.bylines = bylines::shown(conn, &ids, authors, review)?;
        }
        if include(Embed::Tags) {
            embeds.tags = article_tags::shown(conn, &ids)?;
        }
        if include(Embed::References) {
            for reference in references_model::for_articles(conn, &ids)? {
                embeds
                    .references
                    .entry(reference.article_id)
                    .or_default()
                    .push(reference);
            }
        }
        Ok(embeds)
    }

    /// The category tree this load read from the database, if it did (to offer to the links
    /// cache).
    pub fn read_links(&self) -> Option<Arc<LinkMap>> {
        self.read_links.clone()
    }

    fn category(&self, id: i32) -> Option<CategoryRef> {
        self.categories.get(&id).map(CategoryRef::from)
    }

    fn breadcrumbs(&self, id: i32) -> Vec<CategoryRef> {
        let mut path = Vec::new();
        let mut next = Some(id);
        while let Some(category) = next.and_then(|id| self.categories.get(&id)) {
            if path.len() == categories_model::MAX_DEPTH {
                break;
            }
            path.push(CategoryRef::from(category));
            next = category.parent_id;
        }
        path.reverse();
        path
    }
}

/// True when `links` holds `category` and each of its ancestors up to the root (or up to the
/// depth breadcrumbs stop at).
fn covers(links: &LinkMap, category: i32) -> bool {
    let mut next = Some(category);
    for _ in 0..=categories_model::MAX_DEPTH {
        match next {
            None => return true,
            Some(id) => match links.get(&id) {
                Some(link) => next = link.parent_id,
                None => return false,
            },
        }
    }
    true
}

/// Search extras of a list item: bm25 rank and the highlighted columns (`search::HIGHLIGHT_SQL`).
#[derive(Debug, Clone)]
pub struct SearchHit {
    pub rank: f64,
    pub snippet: String,
}

/// The full view of `row` with the embeds `shape` asks for, at `now`.
pub fn article_view(
    row: ArticleRow,
    embeds: &mut Embeds,
    shape: &Shape,
    now: NaiveDateTime,
    hit: Option<SearchHit>,
) -> ArticleView {
    let include = |embed| shape.include.contains(&embed);
    let category = include(Embed::Category)
        .then(|| embeds.category(row.category_id))
        .flatten();
    let breadcrumbs = include(Embed::Breadcrumbs).then(|| embeds.breadcrumbs(row.category_id));
    let sections = include(Embed::Sections).then(|| {
        embeds
            .sections
            .remove(&row.id)
            .unwrap_or_default()
            .into_iter()
            .map(|s| SectionView::new(s, shape.format))
            .collect()
    });
    let references = include(Embed::References).then(|| {
        let rows = embeds.references.remove(&row.id).unwrap_or_default();
        rows.into_iter().map(ReferenceView::from).collect()
    });
    let parts = embeds.parts.remove(&row.id).unwrap_or_default();
    let byline = embeds.bylines.remove(&row.id).unwrap_or_default();
    let review = include(Embed::Review).then(|| {
        byline.review.map(|(reviewer, reviewed_at)| ReviewView {
            reviewer,
            reviewed_at,
        })
    });
    let authors = include(Embed::Authors).then_some(byline.authors);
    let tags = include(Embed::Tags).then(|| embeds.tags.remove(&row.id).unwrap_or_default());
    let og_image = match parts.seo.og_image {
        Some(id) => embeds
            .social_media
            .get(&id)
            .map(|medium| SocialImageView::new(medium, medium.alt.clone())),
        None => parts.feature_image.as_ref().map(|f| match &f.source {
            FeatureSource::Stored(medium) => SocialImageView::new(medium, f.alt.clone()),
            FeatureSource::External(url) => SocialImageView::external(url, f.alt.clone()),
        }),
    };
    let feature_image = include(Embed::FeatureImage).then(|| {
        parts.feature_image.map(|f| {
            let variants = f
                .medium()
                .and_then(|m| embeds.variants.remove(&m.id))
                .unwrap_or_default();
            FeatureImageView::new(f.alt, f.caption, f.source, variants)
        })
    });
    let excerpt = if row.excerpt.is_empty() {
        row.derived_excerpt.clone()
    } else {
        row.excerpt.clone()
    };
    let seo = match (include(Embed::Seo), &embeds.site) {
        (true, Some(site)) => Some(SeoView::new(
            parts.seo,
            Derivable {
                title: &row.title,
                subtitle: &row.subtitle,
                excerpt: &excerpt,
            },
            site.article(&row.slug),
            og_image,
        )),
        _ => None,
    };
    ArticleView {
        id: row.id,
        status: row.state(now),
        slug: row.slug,
        title: row.title,
        subtitle: row.subtitle,
        excerpt,
        published_at: row.published_at.map(|t| t.and_utc()),
        unpublish_at: row.unpublish_at.map(|t| t.and_utc()),
        category_id: row.category_id,
        view_count: row.view_count,
        version: row.version,
        word_count: row.word_count,
        reading_time_minutes: markdown::reading_time_minutes(
            usize::try_from(row.word_count).unwrap_or(0),
        ),
        created_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
        category,
        breadcrumbs,
        sections,
        references,
        authors,
        review,
        tags,
        seo,
        feature_image,
        rank: hit.as_ref().map(|h| h.rank),
        snippet: hit.map(|h| crate::articles::search::snippet_html(&h.snippet)),
    }
}

/// The views of a list page's `items` at `now`, with what `shape` embeds loaded for all of them
/// at once ([`Embeds::load_with`]: the category tree from `known` when it covers them) and, when
/// `searching`, their rank and snippet; also the tree when this read it from the database.
pub fn listed(
    conn: &mut DbConn,
    items: Vec<ListedArticle>,
    shape: &Shape,
    now: NaiveDateTime,
    known: Option<Arc<LinkMap>>,
    site: &SiteUrls,
    searching: bool,
) -> QueryResult<(Vec<ArticleView>, Option<Arc<LinkMap>>)> {
    let rows: Vec<&ArticleRow> = items.iter().map(|item| &item.article).collect();
    let mut embeds = Embeds::load_with(conn, &rows, shape, known, site)?;
    let views = items
        .into_iter()
        .map(|item| {
            let hit = searching.then_some(SearchHit {
                rank: item.rank,
                snippet: item.snippet,
            });
            article_view(item.article, &mut embeds, shape, now, hit)
        })
        .collect();
    Ok((views, embeds.read_links()))
}

/// `view` as JSON, narrowed to `shape.fields` (plus `id` and the fields of the included embeds)
/// when given.
pub fn shaped(view: &ArticleView, shape: &Shape) -> Value {
    let mut value = serde_json::to_value(view).unwrap_or(Value::Null);
    if let (Some(fields), Value::Object(map)) = (&shape.fields, &mut value) {
        let embedded = |key: &str| shape.include.iter().any(|e| e.fields().contains(&key));
        map.retain(|key, _| key == "id" || fields.iter().any(|f| f == key) || embedded(key));
    }
    value
}

/// The view of one article with what `shape` embeds (two or three small queries).
pub fn single(
    conn: &mut DbConn,
    row: ArticleRow,
    shape: &Shape,
    now: NaiveDateTime,
    site: &SiteUrls,
) -> QueryResult<ArticleView> {
    Ok(single_with(conn, row, shape, now, None, site)?.0)
}

/// [`single`], with the category tree from `known` when it covers the article ([`Embeds::load_with`]);
/// also returns the tree when it was read from the database.
pub fn single_with(
    conn: &mut DbConn,
    row: ArticleRow,
    shape: &Shape,
    now: NaiveDateTime,
    known: Option<Arc<LinkMap>>,
    site: &SiteUrls,
) -> QueryResult<(ArticleView, Option<Arc<LinkMap>>)> {
    let mut embeds = Embeds::load_with(conn, &[&row], shape, known, site)?;
    let read = embeds.read_links();
    Ok((article_view(row, &mut embeds, shape, now, None), read))
}
