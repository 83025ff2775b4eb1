//! Shaping articles for responses: embeds loaded in one batched query each, sparse fields, body formats.

use super::dto::{ArticleState, ArticleView};
use super::model::ArticleRow;
use super::query::{Embed, Shape};
use crate::categories::dto::CategoryRef;
use crate::categories::model::{self as categories_model, CategoryLink};
use crate::sections::dto::SectionView;
use crate::sections::model::{self as sections_model, SectionRow};
use crate::support::markdown;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::Value;
use std::collections::HashMap;

/// Deepest category path followed when building breadcrumbs.
const MAX_DEPTH: usize = 64;

/// What the embeds of a set of articles need, loaded in batches.
#[derive(Debug, Default)]
pub struct Embeds {
    categories: HashMap<i32, CategoryLink>,
    sections: HashMap<i32, Vec<SectionRow>>,
}

impl Embeds {
    /// Loads what `shape` embeds for `articles`: every category in one query (the tree is
    /// small) and every section of every article in another.
    pub fn load(
        conn: &mut SqliteConnection,
        articles: &[&ArticleRow],
        shape: &Shape,
    ) -> QueryResult<Self> {
        let mut embeds = Embeds::default();
        if shape.include.contains(&Embed::Category) || shape.include.contains(&Embed::Breadcrumbs) {
            embeds.categories = categories_model::links(conn)?
                .into_iter()
                .map(|c| (c.id, c))
                .collect();
        }
        if shape.include.contains(&Embed::Sections) {
            let ids: Vec<i32> = articles.iter().map(|a| a.id).collect();
            for section in sections_model::for_articles(conn, &ids)? {
                embeds
                    .sections
                    .entry(section.article_id)
                    .or_default()
                    .push(section);
            }
        }
        Ok(embeds)
    }

    fn category(&self, id: i32) -> Option<CategoryRef> {
        self.categories.get(&id).map(CategoryRef::from)
    }

    fn breadcrumbs(&self, id: i32) -> Vec<CategoryRef> {
        let mut path = Vec::new();
        let mut next = Some(id);
        while let Some(category) = next.and_then(|id| self.categories.get(&id)) {
            if path.len() == MAX_DEPTH {
                break;
            }
            path.push(CategoryRef::from(category));
            next = category.parent_id;
        }
        path.reverse();
        path
    }
}

/// Search extras of a list item: bm25 rank and the raw snippet.
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
    let excerpt = if row.excerpt.is_empty() {
        row.derived_excerpt.clone()
    } else {
        row.excerpt.clone()
    };
    ArticleView {
        id: row.id,
        status: ArticleState::of(&row, now),
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
        rank: hit.as_ref().map(|h| h.rank),
        snippet: hit.map(|h| crate::articles::search::highlight(&h.snippet)),
    }
}

/// `view` as JSON, narrowed to `shape.fields` (plus `id` and the embeds) when given.
pub fn shaped(view: &ArticleView, shape: &Shape) -> Value {
    let mut value = serde_json::to_value(view).unwrap_or(Value::Null);
    if let (Some(fields), Value::Object(map)) = (&shape.fields, &mut value) {
        map.retain(|key, _| {
            key == "id"
                || fields.iter().any(|f| f == key)
                || matches!(key.as_str(), "category" | "breadcrumbs" | "sections")
        });
    }
    value
}

/// The view of one article with what `shape` embeds (two or three small queries).
pub fn single(
    conn: &mut SqliteConnection,
    row: ArticleRow,
    shape: &Shape,
    now: NaiveDateTime,
) -> QueryResult<ArticleView> {
    let mut embeds = Embeds::load(conn, &[&row], shape)?;
    Ok(article_view(row, &mut embeds, shape, now, None))
}
