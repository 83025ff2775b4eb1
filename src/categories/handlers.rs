//! HTTP handlers for `/api/v1/categories`.

use super::content::CategoryContent;
use super::input::{CategoryListQuery, CategoryTreeQuery, CreateCategory, UpdateCategory};
use super::view::{
    CategoryDetail, CategoryList, CategoryRef, CategoryTree, CategoryView, CountMeta,
};
use super::{model, tree};
use crate::articles::model::visible_counts_by_category;
use crate::articles::model::Found;
use crate::auth::{Caller, Scope};
use crate::changes::versioned;
use crate::error::ApiResult;
use crate::http::conditional::{check_version, created, if_match, moved, ok_with_version};
use crate::http::extract::{JsonBody, NoQuery};
use crate::http::openapi_responses::{
    BadRequest, Conflict, Forbidden, NotFound, PayloadTooLarge, PreconditionFailed, Unauthorized,
    UnsupportedMediaType, ValidationFailed,
};
use crate::http::purge_keys::{tagged, Shows};
use crate::state::AppState;
use crate::support::key::Key;
use actix_web::{web, HttpRequest, HttpResponse};

/// List categories, flat, ordered by position then name.
#[utoipa::path(
    get, path = "/api/v1/categories", tag = "categories",
    params(CategoryListQuery),
    responses(
        (status = 200, description = "The categories", body = CategoryList,
            headers(
                ("Surrogate-Key" = String, description = "Purge keys (Fastly), space-separated: `categories`"),
                ("Cache-Tag" = String, description = "The same purge keys (Cloudflare), comma-separated"),
            )),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    ),
    security((), ("bearer" = []))
)]
pub async fn list_categories(
    state: web::Data<AppState>,
    _caller: Caller,
    query: web::Query<CategoryListQuery>,
) -> ApiResult<HttpResponse> {
    let parent = query.into_inner().parent.map(|p| Key::parse(&p));
    let data = state
        .db
        .read(move |conn| {
            let parent_id = match &parent {
                Some(key) => Some(model::get(conn, key)?.id),
                None => None,
            };
            let rows = model::list(conn, None)?;
            let mut paths = model::slug_paths(&rows);
            Ok(rows
                .into_iter()
                .filter(|row| parent_id.is_none() || row.parent_id == parent_id)
                .map(|row| {
                    let path = paths.remove(&row.id).unwrap_or_default();
                    CategoryView::new(row, path)
                })
                .collect::<Vec<_>>())
        })
        .await?;
    let list = CategoryList {
        meta: CountMeta { total: data.len() },
        data,
    };
    Ok(tagged(HttpResponse::Ok().json(list), &Shows::Categories))
}

/// The category tree: every category (or one subtree), nested, optionally with article counts.
///
/// Siblings are ordered by position then name. With `counts=true` every node carries the number
/// of articles anonymous readers see now filed directly in it (`article_count`) and in its whole
/// subtree (`subtree_article_count`, whatever the `depth`).
#[utoipa::path(
    get, path = "/api/v1/categories/tree", tag = "categories",
    params(CategoryTreeQuery),
    responses(
        (status = 200, description = "The top-level categories (or the requested root), each with its subcategories", body = CategoryTree,
            headers(
                ("Surrogate-Key" = String, description = "Purge keys (Fastly), space-separated: `categories`, and `articles` too with `counts=true`"),
                ("Cache-Tag" = String, description = "The same purge keys (Cloudflare), comma-separated"),
            )),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    ),
    security((), ("bearer" = []))
)]
pub async fn category_tree(
    state: web::Data<AppState>,
    _caller: Caller,
    query: web::Query<CategoryTreeQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.into_inner();
    query.check()?;
    let root = query.root.map(|r| Key::parse(&r));
    let depth = query.depth.and_then(|d| usize::try_from(d).ok());
    let counted = query.counts.unwrap_or(false);
    let counts_at = counted.then(|| state.clock.now().naive_utc());
    let data = state
        .db
        .read(move |conn| {
            let rows = model::list(conn, None)?;
            let root_id = match &root {
                Some(key) => Some(model::get(conn, key)?.id),
                None => None,
            };
            let counts = match counts_at {
                Some(now) => Some(visible_counts_by_category(conn, now)?),
                None => None,
            };
            Ok(tree::build(rows, root_id, depth, counts.as_ref()))
        })
        .await?;
    let shows = match counted {
        true => Shows::CategoriesWithCounts,
        false => Shows::Categories,
    };
    Ok(tagged(
        HttpResponse::Ok().json(CategoryTree { data }),
        &shows,
    ))
}

/// One category with its breadcrumbs (root first, itself last) and its children.
#[utoipa::path(
    get, path = "/api/v1/categories/{id_or_slug}", tag = "categories",
    params(("id_or_slug" = String, Path, description = "Category id (all digits) or slug")),
    responses(
        (status = 200, description = "The category", body = CategoryDetail,
            headers(
                ("ETag" = String, description = "`\"<version>-<digest>\"`; its version part works in If-Match"),
                ("Surrogate-Key" = String, description = "Purge keys (Fastly), space-separated: `category-<id> categories` (its breadcrumbs and children are categories too)"),
                ("Cache-Tag" = String, description = "The same purge keys (Cloudflare), comma-separated"),
            )),
        (status = 308, description = "The category was renamed: `Location` has its current URL",
            headers(("Location" = String, description = "The current URL"))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    ),
    security((), ("bearer" = []))
)]
pub async fn get_category(
    _no_query: web::Query<NoQuery>,
    state: web::Data<AppState>,
    _caller: Caller,
    req: HttpRequest,
    id_or_slug: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let key = Key::parse(&id_or_slug);
    let detail = state
        .db
        .read(move |conn| {
            let row = model::get(conn, &key)?;
            if matches!(&key, Key::Slug(asked) if *asked != row.slug) {
                return Ok(Found::MovedTo(row.slug));
            }
            let breadcrumbs = model::path(conn, row.id)?;
            let children = model::list(conn, Some(row.id))?;
            let path = model::join_slugs(&breadcrumbs);
            Ok(Found::Here(CategoryDetail {
                children: children
                    .into_iter()
                    .map(|child| {
                        let child_path = format!("{path}/{}", child.slug);
                        CategoryView::new(child, child_path)
                    })
                    .collect(),
                category: CategoryView::new(row, path),
                breadcrumbs: breadcrumbs.into_iter().map(CategoryRef::from).collect(),
            }))
        })
        .await?;
    match detail {
        Found::Here(detail) => Ok(tagged(
            ok_with_version(detail.category.version, &detail),
            &Shows::Category(detail.category.id),
        )),
        Found::MovedTo(current) => Ok(moved(&req, &id_or_slug, &current)),
    }
}

/// Create a category (needs `content:write`).
#[utoipa::path(
    post, path = "/api/v1/categories", tag = "categories",
    request_body = CreateCategory,
    responses(
        (status = 201, description = "Created; `Location` names the new category", body = CategoryView,
            headers(("Location" = String, description = "URL of the new category"),
                    ("ETag" = String, description = "The category's version, `\"1\"`"))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = ValidationFailed),
    ),
    security(("bearer" = ["content:write"]))
)]
pub async fn create_category(
    _no_query: web::Query<NoQuery>,
    state: web::Data<AppState>,
    caller: Caller,
    JsonBody(request): JsonBody<CreateCategory>,
) -> ApiResult<HttpResponse> {
    let journal = state.journal_of(caller.require(Scope::Write)?);
    request.check()?;
    let now = state.clock.now().naive_utc();
    let view = state
        .db
        .write(move |conn| {
            let row = model::create(conn, &request, now)?;
            versioned::record(conn, None, &row, &journal, now)?;
            let path = model::slug_path(conn, row.id)?;
            Ok(CategoryView::new(row, path))
        })
        .await?;
    Ok(created(
        format!("/api/v1/categories/{}", view.id),
        view.version,
        &view,
    ))
}

/// Change some fields of a category (needs `content:write`).
#[utoipa::path(
    patch, path = "/api/v1/categories/{id_or_slug}", tag = "categories",
    params(
        ("id_or_slug" = String, Path, description = "Category id (all digits), slug or old slug"),
        ("If-Match" = Option<String>, Header, description = "Only update if the category is still at this version, e.g. `\"3\"` (RFC 9110 §13.1.1)"),
    ),
    request_body = UpdateCategory,
    responses(
        (status = 200, description = "The updated category (unchanged, same version, when nothing differed)", body = CategoryView,
            headers(("ETag" = String, description = "The category's new version, `\"<version>\"`"))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 412, response = PreconditionFailed),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = ValidationFailed),
    ),
    security(("bearer" = ["content:write"]))
)]
pub async fn update_category(
    _no_query: web::Query<NoQuery>,
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id_or_slug: web::Path<String>,
    JsonBody(request): JsonBody<UpdateCategory>,
) -> ApiResult<HttpResponse> {
    let journal = state.journal_of(caller.require(Scope::Write)?);
    request.check()?;
    let expected = if_match(&req)?;
    let key = Key::parse(&id_or_slug);
    let now = state.clock.now().naive_utc();
    let view = state
        .db
        .write(move |conn| {
            let current = model::get(conn, &key)?;
            check_version(&expected, current.version)?;
            let merged = request.merged_onto(&CategoryContent::from(&current));
            let row = model::write_content(conn, &current, merged, now)?;
            versioned::record(conn, Some(&current), &row, &journal, now)?;
            let path = model::slug_path(conn, row.id)?;
            Ok(CategoryView::new(row, path))
        })
        .await?;
    Ok(ok_with_version(view.version, &view))
}

/// Delete a category; 409 while it still has articles or subcategories (needs `content:write`).
#[utoipa::path(
    delete, path = "/api/v1/categories/{id_or_slug}", tag = "categories",
    params(
        ("id_or_slug" = String, Path, description = "Category id (all digits), slug or old slug"),
        ("If-Match" = Option<String>, Header, description = "Only delete if the category is still at this version (RFC 9110 §13.1.1)"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 412, response = PreconditionFailed),
    ),
    security(("bearer" = ["content:write"]))
)]
pub async fn delete_category(
    _no_query: web::Query<NoQuery>,
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id_or_slug: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let journal = state.journal_of(caller.require(Scope::Write)?);
    let expected = if_match(&req)?;
    let key = Key::parse(&id_or_slug);
    let now = state.clock.now().naive_utc();
    state
        .db
        .write(move |conn| {
            let row = model::get(conn, &key)?;
            check_version(&expected, row.version)?;
            model::delete(conn, row.id)?;
            versioned::record_deletion(conn, &row, &journal, now)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
