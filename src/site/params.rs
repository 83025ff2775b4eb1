//! The query parameters of `GET /feed.xml` and `GET /sitemap.xml`, read strictly: unknown parameters, malformed names and out-of-range numbers are `400`s that say what is accepted.

use crate::error::ApiError;
use crate::support::key::{self, MAX_KEY_LEN};
use crate::support::query_number;
use serde::Deserialize;
use utoipa::IntoParams;

/// Entries in a feed when `limit` is absent.
pub const DEFAULT_FEED_LIMIT: i64 = 50;

/// The most entries a feed may be asked for.
pub const MAX_FEED_LIMIT: i64 = 100;

/// Query parameters of `GET /feed.xml`: `category`, `author` and `tag` narrow the feed of the
/// whole publication (together: the articles that match each), `limit` bounds it.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FeedParams {
    /// Only articles filed in this category: its id or slug (an earlier slug works too). An
    /// unknown one is a 404.
    #[param(pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 100)]
    pub category: Option<String>,
    /// With `category`: also the articles of its subcategories (default false).
    #[param(value_type = Option<bool>)]
    pub include_descendants: Option<String>,
    /// Only articles this person wrote (among their authors): id or slug. An unknown one is a
    /// 404.
    #[param(pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 100)]
    pub author: Option<String>,
    /// Only articles that carry this tag: id or slug. An unknown one is a 404.
    #[param(pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 100)]
    pub tag: Option<String>,
    /// Entries, newest publication first: 1–100 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
}

/// A checked feed request: which articles (each filter named by id or slug) and how many.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedRequest {
    /// Only articles in this category.
    pub category: Option<String>,
    /// With `category`: its subcategories too.
    pub include_descendants: bool,
    /// Only articles with this person among their authors.
    pub author: Option<String>,
    /// Only articles that carry this tag.
    pub tag: Option<String>,
    /// Entries at most.
    pub limit: i64,
}

impl FeedParams {
    /// The checked request. Errors (`400`): a `category`, `author` or `tag` that is not an id or slug
    /// in form, `include_descendants` other than true or false, a `limit` outside 1–100.
    pub fn request(&self) -> Result<FeedRequest, ApiError> {
        let limit = query_number::parse("limit", self.limit.as_deref(), 1, MAX_FEED_LIMIT)?
            .unwrap_or(DEFAULT_FEED_LIMIT);
        let include_descendants = match self.include_descendants.as_deref() {
            None | Some("false") => false,
            Some("true") => true,
            Some(other) => {
                return Err(ApiError::BadRequest(format!(
                    "include_descendants must be true or false, not '{other}'"
                )))
            }
        };
        let key = |name: &str, value: &Option<String>| {
            value.as_deref().map(|v| checked_key(name, v)).transpose()
        };
        let category = key("category", &self.category)?;
        Ok(FeedRequest {
            include_descendants: include_descendants && category.is_some(),
            category,
            author: key("author", &self.author)?,
            tag: key("tag", &self.tag)?,
            limit,
        })
    }
}

/// Query parameters of `GET /sitemap.xml`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SitemapParams {
    /// One file of a sitemap split into several, from 1 (the index at `/sitemap.xml` lists
    /// them); without it, the whole sitemap or its index. A page past the last is a 404.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 50000)]
    pub page: Option<String>,
}

impl SitemapParams {
    /// The page asked for. Errors (`400`): anything but an integer from 1 to 50 000 (the most
    /// sitemaps an index may list).
    pub fn page(&self) -> Result<Option<i64>, ApiError> {
        let most = i64::try_from(crate::config::SITEMAP_URL_LIMIT).unwrap_or(i64::MAX);
        query_number::parse("page", self.page.as_deref(), 1, most)
    }
}

/// `value` of parameter `name` when it is an id or a slug in form; a `400` otherwise.
fn checked_key(name: &str, value: &str) -> Result<String, ApiError> {
    if key::is_well_formed(value) {
        Ok(value.to_owned())
    } else {
        Err(ApiError::BadRequest(format!(
            "{name} must be an id or a slug (lowercase letters and digits in runs joined by \
             single hyphens, at most {MAX_KEY_LEN} characters), not '{value}'"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::support::key::KEY_PATTERN;
    use utoipa::openapi::schema::Schema;
    use utoipa::openapi::RefOr;

    fn params(category: Option<&str>, author: Option<&str>, limit: Option<&str>) -> FeedParams {
        FeedParams {
            category: category.map(str::to_owned),
            include_descendants: None,
            author: author.map(str::to_owned),
            tag: None,
            limit: limit.map(str::to_owned),
        }
    }

    #[test]
    fn filters_are_ids_or_slugs_and_limits_are_bounded() {
        let request = params(Some("sleep"), Some("7"), None).request().unwrap();
        assert_eq!(request.limit, DEFAULT_FEED_LIMIT);
        assert_eq!(request.category.as_deref(), Some("sleep"));
        assert_eq!(request.author.as_deref(), Some("7"));
        assert!(params(Some("Sleep"), None, None).request().is_err());
        assert!(params(None, Some(""), None).request().is_err());
        assert!(params(None, None, Some("101")).request().is_err());
        assert_eq!(params(None, None, Some("3")).request().unwrap().limit, 3);
    }

    #[test]
    fn the_documented_names_are_the_checked_ones() {
        use utoipa::IntoParams;
        for parameter in FeedParams::into_params(|| None) {
            if !["category", "author", "tag"].contains(&parameter.name.as_str()) {
                continue;
            }
            let Some(RefOr::T(Schema::Object(schema))) = parameter.schema else {
                panic!("{} has no inline schema", parameter.name);
            };
            assert_eq!(schema.pattern.as_deref(), Some(KEY_PATTERN));
            assert_eq!(schema.max_length, Some(MAX_KEY_LEN));
        }
    }
}
