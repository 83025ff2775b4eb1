//! The query language of `GET /articles` and `GET /search`: filters, sort, sparse fields,
//! embeds, page or cursor paging, read strictly from the raw query string.

pub mod cursor;
pub mod sort;

pub use sort::{default_keys, sort_spec, SortField, SortKey, MAX_SORT_KEYS};

use super::status::ArticleState;
use crate::error::ApiError;
use crate::sections::input::BodyFormat;
use crate::support::query_number;
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc};
use cursor::Cursor;
use serde::Deserialize;
use std::collections::HashSet;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::Required;
use utoipa::IntoParams;

/// Default page size.
pub const DEFAULT_LIMIT: i64 = 20;
/// Largest page size.
pub const MAX_LIMIT: i64 = 100;
/// Most values in an `in` filter.
pub const MAX_IN_VALUES: usize = 100;

/// A field lists can be filtered on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterField {
    Status,
    PublishedAt,
    UpdatedAt,
    Category,
    Slug,
    Title,
    ViewCount,
    Tag,
}

impl FilterField {
    /// Every filterable field.
    pub const ALL: [FilterField; 8] = [
        FilterField::Status,
        FilterField::PublishedAt,
        FilterField::UpdatedAt,
        FilterField::Category,
        FilterField::Slug,
        FilterField::Title,
        FilterField::ViewCount,
        FilterField::Tag,
    ];

    /// The field's name in `filter[<name>][<op>]`.
    pub fn name(self) -> &'static str {
        match self {
            FilterField::Status => "status",
            FilterField::PublishedAt => "published_at",
            FilterField::UpdatedAt => "updated_at",
            FilterField::Category => "category",
            FilterField::Slug => "slug",
            FilterField::Title => "title",
            FilterField::ViewCount => "view_count",
            FilterField::Tag => "tag",
        }
    }

    /// The operators the field accepts.
    pub fn ops(self) -> &'static [Op] {
        use Op::*;
        match self {
            FilterField::Status | FilterField::Category | FilterField::Tag => &[Eq, Ne, In],
            FilterField::PublishedAt => &[Eq, Ne, Lt, Lte, Gt, Gte, Null],
            FilterField::UpdatedAt => &[Eq, Ne, Lt, Lte, Gt, Gte],
            FilterField::Slug => &[Eq, Ne, In, Contains, StartsWith],
            FilterField::Title => &[Eq, Ne, Contains, StartsWith],
            FilterField::ViewCount => &[Eq, Ne, Lt, Lte, Gt, Gte, In],
        }
    }

    /// What a value of this field looks like, for the documentation.
    pub fn value_description(self) -> &'static str {
        match self {
            FilterField::Status => "draft, scheduled, published or expired",
            FilterField::PublishedAt | FilterField::UpdatedAt => {
                "an RFC 3339 timestamp or a date (YYYY-MM-DD, midnight UTC)"
            }
            FilterField::Category => "a category id or slug",
            FilterField::Tag => "a tag id or slug (an article matches when it carries the tag)",
            FilterField::Slug | FilterField::Title => "text",
            FilterField::ViewCount => "an integer",
        }
    }

    fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// A filter operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Lte,
    Gt,
    Gte,
    In,
    Contains,
    StartsWith,
    Null,
}

impl Op {
    const ALL: [Op; 10] = [
        Op::Eq,
        Op::Ne,
        Op::Lt,
        Op::Lte,
        Op::Gt,
        Op::Gte,
        Op::In,
        Op::Contains,
        Op::StartsWith,
        Op::Null,
    ];

    /// The operator's name in `filter[<field>][<name>]`.
    pub fn name(self) -> &'static str {
        match self {
            Op::Eq => "eq",
            Op::Ne => "ne",
            Op::Lt => "lt",
            Op::Lte => "lte",
            Op::Gt => "gt",
            Op::Gte => "gte",
            Op::In => "in",
            Op::Contains => "contains",
            Op::StartsWith => "starts_with",
            Op::Null => "null",
        }
    }

    fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.name() == name)
    }
}

/// A typed filter value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Int(i64),
    Time(NaiveDateTime),
    Bool(bool),
    State(ArticleState),
    /// A category id or slug, resolved against the database when the query runs.
    Category(String),
    /// A tag id or slug, resolved against the database when the query runs.
    Tag(String),
}

/// One `filter[field][op]=value` (for `in`, several values).
#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    pub field: FilterField,
    pub op: Op,
    pub values: Vec<Value>,
}

/// Another name `include` takes for the `review` embed.
pub const REVIEWER_ALIAS: &str = "reviewer";

/// An embed that `include` can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Embed {
    Category,
    Breadcrumbs,
    Sections,
    References,
    Authors,
    Review,
    Tags,
    Seo,
    FeatureImage,
}

impl Embed {
    pub const ALL: [Embed; 9] = [
        Embed::Category,
        Embed::Breadcrumbs,
        Embed::Sections,
        Embed::References,
        Embed::Authors,
        Embed::Review,
        Embed::Tags,
        Embed::Seo,
        Embed::FeatureImage,
    ];

    /// The embed's name in `include`.
    pub fn name(self) -> &'static str {
        match self {
            Embed::Category => "category",
            Embed::Breadcrumbs => "breadcrumbs",
            Embed::Sections => "sections",
            Embed::References => "references",
            Embed::Authors => "authors",
            Embed::Review => "review",
            Embed::Tags => "tags",
            Embed::Seo => "seo",
            Embed::FeatureImage => "feature_image",
        }
    }

    /// The embed `include` names `name`: its own name, or `reviewer` for [`Embed::Review`] (the
    /// name issue 14 gave it; the field it adds is `review`).
    pub fn named(name: &str) -> Option<Self> {
        if name == REVIEWER_ALIAS {
            return Some(Embed::Review);
        }
        Self::ALL.into_iter().find(|e| e.name() == name)
    }

    /// The fields of an article view this embed adds.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            Embed::Category => &["category"],
            Embed::Breadcrumbs => &["breadcrumbs"],
            Embed::Sections => &["sections"],
            Embed::References => &["references"],
            Embed::Authors => &["authors"],
            Embed::Review => &["review"],
            Embed::Tags => &["tags"],
            Embed::Seo => &["seo"],
            Embed::FeatureImage => &["feature_image"],
        }
    }
}

/// How the list is paged.
#[derive(Debug, Clone, PartialEq)]
pub enum Paging {
    /// `page` and `per_page`: totals are always computed.
    Pages { page: i64, per_page: i64 },
    /// `limit` and optionally `after`: keyset pages, totals only with `count=true`.
    Cursor { limit: i64, after: Option<Cursor> },
}

impl Paging {
    /// The number of items asked for.
    pub fn limit(&self) -> i64 {
        match self {
            Paging::Pages { per_page, .. } => *per_page,
            Paging::Cursor { limit, .. } => *limit,
        }
    }
}

/// The output shape: sparse fields, embeds and body format.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    /// Only these top-level fields (plus `id`); `None` for all.
    pub fields: Option<Vec<String>>,
    /// The embeds to add.
    pub include: HashSet<Embed>,
    /// Section body representations.
    pub format: BodyFormat,
}

/// A parsed list query.
#[derive(Debug, Clone, PartialEq)]
pub struct ListQuery {
    pub filters: Vec<Filter>,
    /// `category=<id or slug>`.
    pub category: Option<String>,
    /// With `category`: also its subcategories.
    pub include_descendants: bool,
    /// `author=<person id or slug>`: only articles with this person among their authors.
    pub author: Option<String>,
    /// `reviewer=<person id or slug>`: only articles this person reviewed medically.
    pub reviewer: Option<String>,
    /// `tag=<tag id or slug>`: only articles that carry this tag.
    pub tag: Option<String>,
    /// Full-text search input.
    pub q: Option<String>,
    pub sort: Vec<SortKey>,
    pub paging: Paging,
    /// Compute the total in cursor mode.
    pub count: bool,
    pub shape: Shape,
}

impl ListQuery {
    /// True when the query could select articles that anonymous readers may not see.
    pub fn asks_for_unpublished(&self) -> bool {
        self.filters.iter().any(|f| {
            f.field == FilterField::Status
                && (f.op == Op::Ne
                    || f.values
                        .iter()
                        .any(|v| *v != Value::State(ArticleState::Published)))
        })
    }

    /// The sort spec as written in `sort` (for cursors and links).
    pub fn sort_spec(&self) -> String {
        sort_spec(&self.sort)
    }

    /// `GET /articles?author=<person_id>` in cursor `paging`, every other parameter at its
    /// default (newest first, list items embedding their category): the list of a person's
    /// page. Read it for anonymous readers to list only their published articles.
    pub fn authored_by(person_id: i32, paging: Paging) -> Self {
        Self {
            filters: Vec::new(),
            category: None,
            include_descendants: false,
            author: Some(person_id.to_string()),
            reviewer: None,
            tag: None,
            q: None,
            sort: default_keys(false),
            paging,
            count: false,
            shape: Shape::default_for(LIST),
        }
    }
}

/// The scalar fields `fields` may name.
pub const ARTICLE_FIELDS: [&str; 17] = [
    "id",
    "slug",
    "title",
    "subtitle",
    "excerpt",
    "status",
    "published_at",
    "unpublish_at",
    "category_id",
    "view_count",
    "version",
    "word_count",
    "reading_time_minutes",
    "created_at",
    "updated_at",
    "snippet",
    "rank",
];

/// The query parameters `GET /articles` accepts (filters aside).
pub const LIST_PARAMS: [&str; 15] = [
    "category",
    "include_descendants",
    "author",
    "reviewer",
    "tag",
    "status",
    "q",
    "sort",
    "fields",
    "include",
    "format",
    "page",
    "per_page",
    "limit",
    "after",
];

/// What a list endpoint defaults to.
#[derive(Debug, Clone, Copy)]
pub struct Defaults {
    /// Embeds when `include` is absent.
    pub include: &'static [Embed],
    /// `q` must be given (the search endpoint).
    pub requires_q: bool,
}

/// `GET /articles`: list items embed their category.
pub const LIST: Defaults = Defaults {
    include: &[Embed::Category],
    requires_q: false,
};

/// `GET /search`: like the list, `q` required.
pub const SEARCH: Defaults = Defaults {
    include: &[Embed::Category],
    requires_q: true,
};

/// Single reads and write responses: everything a page needs.
pub const SINGLE: Defaults = Defaults {
    include: &Embed::ALL,
    requires_q: false,
};

impl Shape {
    /// The shape a request without `fields`, `include` or `format` gets.
    pub fn default_for(defaults: Defaults) -> Self {
        Self {
            fields: None,
            include: defaults.include.iter().copied().collect(),
            format: BodyFormat::default(),
        }
    }

    /// The shape asked for by the `fields`, `include` and `format` parameters.
    pub fn parse(
        fields: Option<&str>,
        include: Option<&str>,
        format: Option<&str>,
        defaults: Defaults,
    ) -> Result<Self, ApiError> {
        Ok(Self {
            fields: fields.map(parse_fields).transpose()?,
            include: parse_include(include.map(str::to_owned), defaults.include)?,
            format: format
                .map(BodyFormat::parse)
                .transpose()?
                .unwrap_or_default(),
        })
    }
}

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::BadRequest(message.into())
}

/// Parses a raw query string strictly: unknown parameters, fields, operators and values are 400s
/// that name them; repeated parameters are refused.
pub fn parse(raw_query: &str, defaults: Defaults) -> Result<ListQuery, ApiError> {
    let mut seen = HashSet::new();
    let mut filters = Vec::new();
    let mut params: std::collections::HashMap<String, String> = Default::default();
    for (key, value) in form_urlencoded::parse(raw_query.as_bytes()) {
        if !seen.insert(key.to_string()) {
            return Err(bad(format!(
                "the parameter '{key}' is given more than once"
            )));
        }
        if let Some(rest) = key.strip_prefix("filter") {
            filters.push(parse_filter(rest, &key, &value)?);
        } else if key == "count" || LIST_PARAMS.contains(&key.as_ref()) {
            params.insert(key.into_owned(), value.into_owned());
        } else {
            return Err(bad(format!(
                "unknown query parameter '{key}'; known: {}, count and filter[<field>][<op>]",
                LIST_PARAMS.join(", ")
            )));
        }
    }
    let mut take = |name: &str| params.remove(name);
    if let Some(status) = take("status") {
        let state = ArticleState::parse(&status).ok_or_else(|| {
            bad(format!(
                "status must be draft, scheduled, published or expired, not '{status}'"
            ))
        })?;
        filters.push(Filter {
            field: FilterField::Status,
            op: Op::Eq,
            values: vec![Value::State(state)],
        });
    }
    let q = take("q").map(|q| q.trim().to_owned());
    if defaults.requires_q && q.as_deref().is_none_or(str::is_empty) {
        return Err(bad("q is required: the words to search for"));
    }
    let q = q.filter(|q| !q.is_empty());
    let category = named("category", take("category"))?;
    // Without a category every category is in the list already: nothing more to include.
    let include_descendants =
        parse_bool("include_descendants", take("include_descendants"))? && category.is_some();
    let author = named("author", take("author"))?;
    let reviewer = named("reviewer", take("reviewer"))?;
    let tag = named("tag", take("tag"))?;
    let sort = sort::parse(take("sort"), q.is_some()).map_err(bad)?;
    let shape = Shape::parse(
        take("fields").as_deref(),
        take("include").as_deref(),
        take("format").as_deref(),
        defaults,
    )?;
    let count = parse_bool("count", take("count"))?;
    let paging = parse_paging(
        take("page"),
        take("per_page"),
        take("limit"),
        take("after"),
        &sort,
    )?;
    Ok(ListQuery {
        filters,
        category,
        include_descendants,
        author,
        reviewer,
        tag,
        q,
        sort,
        paging,
        count,
        shape,
    })
}

/// The id or slug a shortcut filter (`category`, `author`, `reviewer`, `tag`) was given; a 400
/// when it is empty (an unset variable in a frontend's URL must not list everything).
fn named(name: &str, value: Option<String>) -> Result<Option<String>, ApiError> {
    match value {
        Some(value) if value.is_empty() => Err(ApiError::BadRequest(format!(
            "{name} is empty: give an id or a slug, or leave the parameter out"
        ))),
        value => Ok(value),
    }
}

/// Parses the `[field][op]` after `filter` in a key.
fn parse_filter(rest: &str, key: &str, value: &str) -> Result<Filter, ApiError> {
    let malformed = || {
        bad(format!(
            "malformed filter '{key}': write filter[<field>][<op>]=<value>"
        ))
    };
    let inner = rest
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .ok_or_else(malformed)?;
    let (field_name, op_name) = inner.split_once("][").ok_or_else(malformed)?;
    let field = FilterField::parse(field_name).ok_or_else(|| {
        bad(format!(
            "unknown filter field '{field_name}'; known: {}",
            FilterField::ALL.map(FilterField::name).join(", ")
        ))
    })?;
    let op = Op::parse(op_name)
        .filter(|op| field.ops().contains(op))
        .ok_or_else(|| {
            bad(format!(
                "unknown operator '{op_name}' for {}; known: {}",
                field.name(),
                field
                    .ops()
                    .iter()
                    .map(|o| o.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?;
    let raw_values: Vec<&str> = if op == Op::In {
        value.split(',').collect()
    } else {
        vec![value]
    };
    if raw_values.len() > MAX_IN_VALUES {
        return Err(bad(format!("{key} takes at most {MAX_IN_VALUES} values")));
    }
    let values = raw_values
        .into_iter()
        .map(|raw| parse_value(field, op, raw))
        .collect::<Result<Vec<_>, String>>()
        .map_err(|why| bad(format!("{key}: {why}")))?;
    Ok(Filter { field, op, values })
}

fn parse_value(field: FilterField, op: Op, raw: &str) -> Result<Value, String> {
    if op == Op::Null {
        return match raw {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            other => Err(format!("null takes true or false, not '{other}'")),
        };
    }
    if raw.is_empty() {
        return Err("the value is empty".to_owned());
    }
    match field {
        FilterField::Status => ArticleState::parse(raw)
            .map(Value::State)
            .ok_or_else(|| format!("'{raw}' is not draft, scheduled, published or expired")),
        FilterField::PublishedAt | FilterField::UpdatedAt => parse_time(raw).map(Value::Time),
        FilterField::Category => Ok(Value::Category(raw.to_owned())),
        FilterField::Tag => Ok(Value::Tag(raw.to_owned())),
        FilterField::Slug | FilterField::Title => Ok(Value::Text(raw.to_owned())),
        FilterField::ViewCount => raw.parse().map(Value::Int).map_err(|_| {
            format!(
                "'{raw}' is not an integer from {} to {}",
                i64::MIN,
                i64::MAX
            )
        }),
    }
}

/// An RFC 3339 timestamp or a plain date (midnight UTC) of the years 0001 to 9999, as RFC 3339
/// writes them (a signed or longer year such as `-5000-01-01`, which `%Y` would take, is
/// refused: PostgreSQL cannot even compare it with a stored time, and no article has one).
fn parse_time(raw: &str) -> Result<NaiveDateTime, String> {
    let at = match DateTime::parse_from_rfc3339(raw) {
        Ok(at) => Some(at.with_timezone(&Utc).naive_utc()),
        Err(_) => NaiveDate::parse_from_str(raw, "%Y-%m-%d")
            .ok()
            .filter(|date| (1..=9999).contains(&date.year()))
            .and_then(|d| d.and_hms_opt(0, 0, 0)),
    };
    at.ok_or_else(|| format!("'{raw}' is not an RFC 3339 timestamp or a YYYY-MM-DD date"))
}

fn parse_bool(name: &str, value: Option<String>) -> Result<bool, ApiError> {
    match value.as_deref() {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(bad(format!("{name} must be true or false, not '{other}'"))),
    }
}

fn parse_fields(value: &str) -> Result<Vec<String>, ApiError> {
    value
        .split(',')
        .map(|name| {
            if ARTICLE_FIELDS.contains(&name) {
                Ok(name.to_owned())
            } else {
                Err(bad(format!(
                    "unknown field '{name}' in fields; known: {} (embeds are chosen with include)",
                    ARTICLE_FIELDS.join(", ")
                )))
            }
        })
        .collect()
}

fn parse_include(value: Option<String>, default: &[Embed]) -> Result<HashSet<Embed>, ApiError> {
    let Some(value) = value else {
        return Ok(default.iter().copied().collect());
    };
    if value.is_empty() {
        return Ok(HashSet::new());
    }
    value
        .split(',')
        .map(|name| {
            Embed::named(name).ok_or_else(|| {
                let known = Embed::ALL.map(Embed::name).join(", ");
                bad(format!("unknown embed '{name}' in include; known: {known}"))
            })
        })
        .collect()
}

fn parse_paging(
    page: Option<String>,
    per_page: Option<String>,
    limit: Option<String>,
    after: Option<String>,
    sort: &[SortKey],
) -> Result<Paging, ApiError> {
    let page = query_number::parse("page", page.as_deref(), 1, i64::MAX)?;
    let per_page = query_number::parse("per_page", per_page.as_deref(), 1, MAX_LIMIT)?;
    let limit = query_number::parse("limit", limit.as_deref(), 1, MAX_LIMIT)?;
    let cursor_mode = limit.is_some() || after.is_some();
    if cursor_mode && (page.is_some() || per_page.is_some()) {
        return Err(bad("use either page/per_page or limit/after, not both"));
    }
    if !cursor_mode {
        return Ok(Paging::Pages {
            page: page.unwrap_or(1),
            per_page: per_page.unwrap_or(DEFAULT_LIMIT),
        });
    }
    cursor_page(limit, after.as_deref(), sort)
}

/// A cursor page of `limit` items (default 20) after the cursor `after` made for `sort`: a 400
/// when the cursor is not one the server made for that sort.
fn cursor_page(
    limit: Option<i64>,
    after: Option<&str>,
    sort: &[SortKey],
) -> Result<Paging, ApiError> {
    let after = after.map(|raw| Cursor::decode(raw, sort)).transpose()?;
    Ok(Paging::Cursor {
        limit: limit.unwrap_or(DEFAULT_LIMIT),
        after,
    })
}

/// The cursor paging of a list sorted by `sort` from the raw `limit` (1–100, default 20) and
/// `after` (a cursor made for `sort`) parameters, as `GET /articles` reads them: a 400 naming
/// the parameter otherwise.
pub fn cursor_paging(
    limit: Option<&str>,
    after: Option<&str>,
    sort: &[SortKey],
) -> Result<Paging, ApiError> {
    let limit = query_number::parse("limit", limit, 1, MAX_LIMIT)?;
    cursor_page(limit, after, sort)
}

/// The shape parameters of single reads: `include` and `format` (a single read is whole:
/// `fields` is for lists).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ShapeQuery {
    /// Comma-separated embeds: `category`, `breadcrumbs`, `sections`, `references`, `authors`,
    /// `review` (also named `reviewer`), `tags`, `seo`, `feature_image` (default all nine;
    /// empty for none).
    #[param(
        pattern = "^(?:(?:category|breadcrumbs|sections|references|authors|review|tags|seo|feature_image|reviewer)(?:,(?:category|breadcrumbs|sections|references|authors|review|tags|seo|feature_image|reviewer))*)?$"
    )]
    pub include: Option<String>,
    /// Section bodies: `markdown` (`body`), `html` (`body_html`) or `both` (default).
    #[param(inline)]
    pub format: Option<BodyFormat>,
}

impl ShapeQuery {
    /// The shape asked for, over `defaults`.
    pub fn shape(&self, defaults: Defaults) -> Result<Shape, ApiError> {
        Shape::parse(
            None,
            self.include.as_deref(),
            self.format.map(BodyFormat::name),
            defaults,
        )
    }
}

/// `a|b|c`: one of `names`, for the documented patterns.
fn alternatives<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    names.into_iter().collect::<Vec<_>>().join("|")
}

/// The documented pattern of a comma-separated list of `item`s: `min` to `max` of them.
fn list_pattern(item: &str, max: usize) -> String {
    format!("^(?:{item})(?:,(?:{item})){{0,{}}}$", max - 1)
}

/// The pattern `fields` must match: comma-separated names of [`ARTICLE_FIELDS`] (at least one).
pub fn fields_pattern() -> String {
    format!(
        "^(?:{0})(?:,(?:{0}))*$",
        alternatives(ARTICLE_FIELDS.iter().copied())
    )
}

/// The pattern `include` must match: comma-separated embeds, or empty for none.
pub fn include_pattern() -> String {
    format!(
        "^(?:(?:{0})(?:,(?:{0}))*)?$",
        alternatives(
            Embed::ALL
                .map(Embed::name)
                .into_iter()
                .chain([REVIEWER_ALIAS])
        )
    )
}

/// The pattern `sort` must match: 1 to [`MAX_SORT_KEYS`] known keys, `-` for descending.
pub fn sort_pattern() -> String {
    list_pattern(
        &format!(
            "-?(?:{})",
            alternatives(SortField::ALL.map(SortField::name))
        ),
        MAX_SORT_KEYS,
    )
}

/// The pattern of an `in` list of `field`: 1 to [`MAX_IN_VALUES`] comma-separated values.
pub fn in_pattern(field: FilterField) -> String {
    let item = match field {
        FilterField::Status => alternatives(ArticleState::ALL.map(ArticleState::name)),
        // Up to 18 digits always fit an i64 (longer numbers may or may not).
        FilterField::ViewCount => "[+-]?[0-9]{1,18}".to_owned(),
        _ => "[^,]+".to_owned(),
    };
    list_pattern(&item, MAX_IN_VALUES)
}

/// The characters Rust's `str::trim` removes (Unicode White_Space): `q` on `/search` must
/// have a character outside them.
pub const BLANK_CHARACTERS: &str =
    r"\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";

/// The alphabet of cursors (base64url without padding).
pub const CURSOR_PATTERN: &str = "^[A-Za-z0-9_-]+$";

/// The documented parameters of the list endpoints, generated from the same tables the parser
/// uses (every `filter[<field>][<op>]` is listed). Every pattern, range and format here is the
/// parser's rule: a value it allows is accepted (cursors aside: only a cursor the server made is
/// one), and the parser refuses what it does not.
pub struct ListParams;

impl IntoParams for ListParams {
    fn into_params(_parameter_in_provider: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        use utoipa::openapi::schema::{AnyOfBuilder, Schema};
        let text = || ObjectBuilder::new().schema_type(Type::String);
        let nonempty = || text().min_length(Some(1));
        let matching = |pattern: String| text().pattern(Some(pattern));
        let integer = |min: i64, max: i64| {
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
                .minimum(Some(min))
                .maximum(Some(max))
        };
        let boolean = || ObjectBuilder::new().schema_type(Type::Boolean);
        let time = || -> Schema {
            let format = |f| text().format(Some(SchemaFormat::KnownFormat(f))).build();
            AnyOfBuilder::new()
                .item(format(KnownFormat::DateTime))
                .item(format(KnownFormat::Date))
                .build()
                .into()
        };
        let param = |name: &str, description: &str, schema: Schema| {
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Query)
                .required(Required::False)
                .description(Some(description))
                .schema(Some(schema))
                .build()
        };
        let states = ArticleState::ALL.map(ArticleState::name);
        let mut params = vec![
            param("q", "Full-text search; any input is safe; the last word matches as a prefix", text().into()),
            param("category", "Only articles in this category (id or slug); never empty (400)", text().into()),
            param("include_descendants", "With category: also its subcategories", boolean().into()),
            param("author", "Only articles with this person among their authors (id or slug); never empty (400)", text().into()),
            param("reviewer", "Only articles this person reviewed medically (id or slug); never empty (400)", text().into()),
            param("tag", "Only articles that carry this tag (id or slug); never empty (400). Several: filter[tag][in]", text().into()),
            param(
                "status",
                "Shortcut for filter[status][eq]: draft, scheduled, published or expired (all but published need content:read)",
                text().enum_values(Some(states)).into(),
            ),
            param(
                "sort",
                "Up to 3 of published_at, updated_at, title, slug, view_count, id, rank, comma-separated; `-` for descending; a field named again keeps its first direction. `rank` is the relevance to q (without q every article is equally relevant). Default -published_at (rank with q); ties are broken by id",
                matching(sort_pattern()).into(),
            ),
            param(
                "fields",
                "Comma-separated fields to keep (id always stays)",
                matching(fields_pattern()).into(),
            ),
            param(
                "include",
                "Comma-separated embeds: category, breadcrumbs, sections, references, authors, review (also named reviewer), tags, seo, feature_image (default category; empty for none)",
                matching(include_pattern()).into(),
            ),
            param(
                "format",
                "Section bodies: markdown, html or both (default)",
                text().enum_values(Some(["markdown", "html", "both"])).into(),
            ),
            param("page", "Page mode: page number (default 1)", integer(1, i64::MAX).into()),
            param(
                "per_page",
                "Page mode: items per page (default 20); not with limit or after",
                integer(1, MAX_LIMIT).into(),
            ),
            param(
                "limit",
                "Cursor mode: items per page (default 20); not with page or per_page",
                integer(1, MAX_LIMIT).into(),
            ),
            param(
                "after",
                "Cursor mode: meta.next_cursor of the previous page, with the same sort (a cursor is opaque: only one the server made is valid, anything else is a 400)",
                matching(CURSOR_PATTERN.to_owned()).into(),
            ),
            param("count", "Cursor mode: also compute meta.total and X-Total-Count", boolean().into()),
        ];
        for field in FilterField::ALL {
            for op in field.ops() {
                let (description, schema): (String, Schema) = match op {
                    Op::Null => (
                        "true: it is null; false: it is not".to_owned(),
                        boolean().into(),
                    ),
                    Op::In => (
                        format!(
                            "{} in this comma-separated list (at most {MAX_IN_VALUES}) of {}",
                            field.name(),
                            field.value_description()
                        ),
                        matching(in_pattern(field)).into(),
                    ),
                    other => (
                        format!(
                            "{} {} the value: {}",
                            field.name(),
                            other.name(),
                            field.value_description()
                        ),
                        match field {
                            FilterField::ViewCount => integer(i64::MIN, i64::MAX).into(),
                            FilterField::Status => text().enum_values(Some(states)).into(),
                            FilterField::PublishedAt | FilterField::UpdatedAt => time(),
                            _ => nonempty().into(),
                        },
                    ),
                };
                params.push(param(
                    &format!("filter[{}][{}]", field.name(), op.name()),
                    &description,
                    schema,
                ));
            }
        }
        params
    }
}

/// The parameters of `GET /search`: those of the list, with `q` required and not blank.
pub struct SearchParams;

impl IntoParams for SearchParams {
    fn into_params(parameter_in_provider: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let mut params = ListParams::into_params(parameter_in_provider);
        for param in params.iter_mut().filter(|p| p.name == "q") {
            param.required = Required::True;
            param.description = Some(
                "Full-text search, required: at least one character that is not white space; any input is safe; the last word matches as a prefix".to_owned(),
            );
            param.schema = Some(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .min_length(Some(1))
                    .pattern(Some(format!("[^{BLANK_CHARACTERS}]")))
                    .into(),
            );
        }
        params
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(raw: &str) -> String {
        match parse(raw, LIST) {
            Err(ApiError::BadRequest(message)) => message,
            other => panic!("expected a 400 for {raw}, got {other:?}"),
        }
    }

    #[test]
    fn reads_filters_sort_fields_and_include() {
        let query = parse(
            "filter%5Bview_count%5D%5Bgte%5D=10&filter[slug][in]=a,b&sort=-view_count,title&fields=title,slug&include=sections,breadcrumbs&format=html",
            LIST,
        )
        .unwrap();
        assert_eq!(query.filters.len(), 2);
        assert_eq!(query.filters[0].values, [Value::Int(10)]);
        assert_eq!(query.filters[1].values.len(), 2);
        assert_eq!(query.sort_spec(), "-view_count,title");
        assert_eq!(query.shape.fields.as_deref().unwrap(), ["title", "slug"]);
        assert!(query.shape.include.contains(&Embed::Sections));
        assert!(!query.shape.include.contains(&Embed::Category));
        assert_eq!(query.shape.format, BodyFormat::Html);
    }

    #[test]
    fn defaults_to_newest_first_pages_of_twenty() {
        let query = parse("", LIST).unwrap();
        assert_eq!(query.sort_spec(), "-published_at");
        assert_eq!(
            query.paging,
            Paging::Pages {
                page: 1,
                per_page: 20
            }
        );
        assert!(query.shape.include.contains(&Embed::Category));
        assert_eq!(parse("q=sleep", LIST).unwrap().sort_spec(), "rank");
    }

    #[test]
    fn names_what_is_unknown_or_malformed() {
        assert!(error("foo=1").contains("'foo'"));
        assert!(error("filter[colour][eq]=red").contains("'colour'"));
        assert!(error("filter[title][gt]=a").contains("'gt'"));
        assert!(error("filter[title]=a").contains("malformed"));
        assert!(error("filter[view_count][eq]=many").contains("not an integer"));
        assert!(error("filter[published_at][lt]=yesterday").contains("RFC 3339"));
        assert!(error("sort=colour").contains("'colour'"));
        assert!(error("fields=title,colour").contains("'colour'"));
        assert!(error("include=author").contains("'author'"));
        assert!(error("page=0").contains("page"));
        assert!(error("per_page=abc").contains("per_page"));
        assert!(error("page=2&limit=5").contains("either"));
        assert!(error("limit=101").contains("100"));
        assert!(error("sort=title&sort=slug").contains("more than once"));
        assert!(error("fields=title,%20slug").contains("' slug'"));
        assert!(error("include=category,").contains("''"));
        assert!(error("filter[status][in]=draft,%20published").contains("' published'"));
        assert!(error("after=garbage").contains("cursor"));
    }
}
