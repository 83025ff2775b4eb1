//! HTTP handlers for `/api/v1/categories`.

use super::dto::{
    CategoryDetail, CategoryList, CategoryListQuery, CategoryRef, CategoryView, CountMeta,
    CreateCategory, UpdateCategory,
};
use super::model;
use crate::app::AppState;
use crate::auth::{Caller, Scope};
use crate::error::ApiResult;
use crate::extract::JsonBody;
use crate::http::created;
use crate::lookup::Key;
use crate::responses::{
    BadRequest, Conflict, Forbidden, NotFound, PayloadTooLarge, Unauthorized, UnsupportedMediaType,
    ValidationFailed,
};
use actix_web::{web, HttpResponse};

/// List categories, flat, ordered by position then name.
#[utoipa::path(
    get, path = "/api/v1/categories", tag = "categories",
    params(CategoryListQuery),
    responses(
        (status = 200, description = "The categories", body = CategoryList),
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
) -> ApiResult<web::Json<CategoryList>> {
    let parent = query.into_inner().parent.map(|p| Key::parse(&p));
    let rows = state
        .db
        .read(move |conn| {
            let parent_id = match parent {
                Some(key) => Some(model::get(conn, &key)?.id),
                None => None,
            };
            Ok(model::list(conn, parent_id)?)
        })
        .await?;
    let data: Vec<CategoryView> = rows.into_iter().map(CategoryView::from).collect();
    Ok(web::Json(CategoryList {
        meta: CountMeta { total: data.len() },
        data,
    }))
}

/// One category with its breadcrumbs (root first, itself last) and its children.
#[utoipa::path(
    get, path = "/api/v1/categories/{id_or_slug}", tag = "categories",
    params(("id_or_slug" = String, Path, description = "Category id (all digits) or slug")),
    responses(
        (status = 200, description = "The category", body = CategoryDetail),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    ),
    security((), ("bearer" = []))
)]
pub async fn get_category(
    state: web::Data<AppState>,
    _caller: Caller,
    id_or_slug: web::Path<String>,
) -> ApiResult<web::Json<CategoryDetail>> {
    let key = Key::parse(&id_or_slug);
    let detail = state
        .db
        .read(move |conn| {
            let row = model::get(conn, &key)?;
            let breadcrumbs = model::path(conn, row.id)?;
            let children = model::list(conn, Some(row.id))?;
            Ok(CategoryDetail {
                category: row.into(),
                breadcrumbs: breadcrumbs.into_iter().map(CategoryRef::from).collect(),
                children: children.into_iter().map(CategoryView::from).collect(),
            })
        })
        .await?;
    Ok(web::Json(detail))
}

/// Create a category (needs `content:write`).
#[utoipa::path(
    post, path = "/api/v1/categories", tag = "categories",
    request_body = CreateCategory,
    responses(
        (status = 201, description = "Created; `Location` names the new category", body = CategoryView,
            headers(("Location" = String, description = "URL of the new category"))),
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
    state: web::Data<AppState>,
    caller: Caller,
    JsonBody(request): JsonBody<CreateCategory>,
) -> ApiResult<HttpResponse> {
    caller.require(Scope::Write)?;
    request.check()?;
    let now = state.clock.now().naive_utc();
    let row = state
        .db
        .write(move |conn| model::create(conn, &request, now))
        .await?;
    Ok(created(
        format!("/api/v1/categories/{}", row.id),
        &CategoryView::from(row),
    ))
}

/// Change some fields of a category (needs `content:write`).
#[utoipa::path(
    patch, path = "/api/v1/categories/{id_or_slug}", tag = "categories",
    params(("id_or_slug" = String, Path, description = "Category id (all digits) or slug")),
    request_body = UpdateCategory,
    responses(
        (status = 200, description = "The updated category", body = CategoryView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = ValidationFailed),
    ),
    security(("bearer" = ["content:write"]))
)]
pub async fn update_category(
    state: web::Data<AppState>,
    caller: Caller,
    id_or_slug: web::Path<String>,
    JsonBody(request): JsonBody<UpdateCategory>,
) -> ApiResult<web::Json<CategoryView>> {
    caller.require(Scope::Write)?;
    request.check()?;
    let key = Key::parse(&id_or_slug);
    let now = state.clock.now().naive_utc();
    let row = state
        .db
        .write(move |conn| model::change(conn, &key, &request, now))
        .await?;
    Ok(web::Json(row.into()))
}

/// Delete a category; 409 while it still has articles or subcategories (needs `content:write`).
#[utoipa::path(
    delete, path = "/api/v1/categories/{id_or_slug}", tag = "categories",
    params(("id_or_slug" = String, Path, description = "Category id (all digits) or slug")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ),
    security(("bearer" = ["content:write"]))
)]
pub async fn delete_category(
    state: web::Data<AppState>,
    caller: Caller,
    id_or_slug: web::Path<String>,
) -> ApiResult<HttpResponse> {
    caller.require(Scope::Write)?;
    let key = Key::parse(&id_or_slug);
    state
        .db
        .write(move |conn| {
            let row = model::get(conn, &key)?;
            model::delete(conn, row.id)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
