//! Swagger UI under `/docs/`: its files, served from the binary (no CDN, no network), pointed at `/openapi.json`.

use crate::error::{ApiError, ApiResult};
use actix_web::http::header;
use actix_web::{web, HttpResponse};
use std::sync::{Arc, LazyLock};
use utoipa_swagger_ui::Config;

/// Where Swagger UI reads the document from.
pub const DOCUMENT_URL: &str = "/openapi.json";

/// The Swagger UI configuration: one document, [`DOCUMENT_URL`].
static CONFIG: LazyLock<Arc<Config<'static>>> =
    LazyLock::new(|| Arc::new(Config::from(DOCUMENT_URL)));

/// `GET /docs/`: the Swagger UI page.
pub async fn docs_index() -> ApiResult<HttpResponse> {
    docs_response("")
}

/// `GET /docs/{file}`: one file of Swagger UI; any other name is a 404.
pub async fn docs_file(file: web::Path<String>) -> ApiResult<HttpResponse> {
    docs_response(&file)
}

/// The file `name` (the page itself when empty), with its media type.
fn docs_response(name: &str) -> ApiResult<HttpResponse> {
    let file = utoipa_swagger_ui::serve(name, Arc::clone(&CONFIG))
        .map_err(|error| ApiError::Internal(anyhow::anyhow!("serving Swagger UI: {error}")))?
        .ok_or_else(|| ApiError::not_found("documentation file", name))?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, file.content_type))
        .body(file.bytes.into_owned()))
}

/// `GET /docs`: a permanent redirect to `/docs/`, where Swagger UI is served (its page loads
/// its files by relative URLs, so the slash belongs to its address).
pub async fn redirect_to_docs() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, "/docs/"))
        .finish()
}
