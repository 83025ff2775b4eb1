//! The demo content loaded into a brand-new database: a `Health` tree and three published articles.

use crate::articles::dto::{ArticleStatus, CreateArticle};
use crate::articles::model as articles;
use crate::categories::dto::CreateCategory;
use crate::categories::model as categories;
use crate::db::Database;
use crate::error::ApiError;
use crate::lookup::Key;
use crate::sections::dto::SectionInput;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Deserialize;

/// The demo set, in the data-set format (`categories` with `parent_slug`, `articles` with `category_slug`).
const DEMO_JSON: &str = include_str!("demo.json");

#[derive(Deserialize)]
struct DemoSet {
    categories: Vec<DemoCategory>,
    articles: Vec<DemoArticle>,
}

#[derive(Deserialize)]
struct DemoCategory {
    name: String,
    slug: String,
    description: String,
    parent_slug: Option<String>,
}

#[derive(Deserialize)]
struct DemoArticle {
    title: String,
    slug: String,
    subtitle: String,
    excerpt: String,
    status: ArticleStatus,
    published_at: DateTime<Utc>,
    view_count: i64,
    category_slug: String,
    sections: Vec<DemoSection>,
}

#[derive(Deserialize)]
struct DemoSection {
    position: i32,
    heading: String,
    body: String,
}

/// Loads the demo content in one transaction; returns how many articles it added.
pub fn load(db: &Database, now: NaiveDateTime) -> anyhow::Result<usize> {
    let set: DemoSet = serde_json::from_str(DEMO_JSON)?;
    db.write_blocking(|conn| {
        for (position, category) in (0..).zip(&set.categories) {
            let parent_id = match &category.parent_slug {
                Some(slug) => Some(categories::get(conn, &Key::Slug(slug.clone()))?.id),
                None => None,
            };
            let request = CreateCategory {
                name: category.name.clone(),
                slug: Some(category.slug.clone()),
                description: category.description.clone(),
                parent_id,
                position,
            };
            request.check()?;
            categories::create(conn, &request, now)?;
        }
        for article in &set.articles {
            let category = categories::get(conn, &Key::Slug(article.category_slug.clone()))?;
            let request = CreateArticle {
                title: article.title.clone(),
                slug: Some(article.slug.clone()),
                subtitle: article.subtitle.clone(),
                excerpt: article.excerpt.clone(),
                status: Some(article.status),
                published_at: Some(article.published_at),
                category_id: category.id,
                sections: sections_in_order(&article.sections),
            };
            request.check()?;
            let row = articles::create(conn, &request, now)?;
            articles::set_view_count(conn, row.id, article.view_count)?;
        }
        Ok::<_, ApiError>(set.articles.len())
    })
}

fn sections_in_order(sections: &[DemoSection]) -> Vec<SectionInput> {
    let mut ordered: Vec<&DemoSection> = sections.iter().collect();
    ordered.sort_by_key(|s| s.position);
    ordered
        .into_iter()
        .map(|s| SectionInput {
            heading: s.heading.clone(),
            body: s.body.clone(),
        })
        .collect()
}
