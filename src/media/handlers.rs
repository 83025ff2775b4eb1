//! HTTP handlers for `/api/v1/media` (upload, list, read, edit, delete) and `/media/{file}` (the
//! files themselves).

use super::files;
use super::input::{ImageBytes, MediaQuery, MediaTexts, UpdateMedia};
use super::library::{self, shown};
use super::model;
use super::upload;
use super::uses;
use super::view::{MediaMeta, MediaPage, MediaView};
use crate::auth::{Caller, Scope};
use crate::changes::versioned;
use crate::error::{ApiError, ApiResult};
use crate::http::conditional::{check_version, created, if_match, ok_with_version};
use crate::http::extract::{require_identity_coding, JsonBody, NoQuery};
use crate::http::openapi_responses::{
    BadRequest, Conflict, Forbidden, NotFound, PayloadTooLarge, PreconditionFailed, Unauthorized,
    UnsupportedMediaType, ValidationFailed,
};
use crate::http::purge_keys::{tagged, Shows};
use crate::jobs::media::make_variants;
use crate::state::AppState;
use crate::support::key::path_id;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpRequest, HttpResponse};

/// `Cache-Control` of media files: their names are their content's hash, so they never change.
const IMMUTABLE: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");

/// Upload an image (needs `content:write`).
///
/// The body is the image's bytes, nothing else (any `Content-Type`: the format is found in the
/// bytes, so a declared type or a file name is never trusted): JPEG, PNG, WebP or GIF (AVIF and
/// everything else is a 415). At most `HEALTHHUB_MEDIA_MAX_BYTES` bytes (413) and
/// `HEALTHHUB_MEDIA_MAX_PIXELS` pixels, read from the header before decoding (422); a corrupt
/// image is a 422. EXIF (GPS position included), XMP, IPTC and comments are removed without
/// re-encoding; the colour profile stays. The item is named by the SHA-256 of the bytes kept:
/// uploading the same bytes again answers `200` with the stored item, unchanged (edit its texts
/// with PATCH). Variants at `HEALTHHUB_MEDIA_WIDTHS` narrower than the image are made once, in
/// the background: `variants` fills in on later reads.
#[utoipa::path(
    post, path = "/api/v1/media", tag = "media",
    params(MediaTexts),
    request_body(description = "The image's bytes. Sent as `application/octet-stream` or under any \
        other type (`image/jpeg`…): the declared type is ignored, the bytes decide",
        content((ImageBytes = "application/octet-stream"))),
    responses(
        (status = 201, description = "Stored; `Location` names the new item", body = MediaView,
            headers(("Location" = String, description = "URL of the new item"),
                    ("ETag" = String, description = "The item's version, `\"1\"`"))),
        (status = 200, description = "These bytes were stored before: the existing item, unchanged", body = MediaView,
            headers(("Location" = String, description = "URL of the item"),
                    ("ETag" = String, description = "The item's version"))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = ValidationFailed),
    ),
    security(("bearer" = ["content:write"]))
)]
pub async fn upload_media(
    state: web::Data<AppState>,
    caller: Caller,
    texts: web::Query<MediaTexts>,
    req: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let journal = state.journal_of(caller.require(Scope::Write)?);
    require_identity_coding(&req)?;
    let texts = texts.into_inner();
    texts.check()?;
    let limit = state.config.media.max_bytes;
    let too_large = || {
        ApiError::PayloadTooLarge(format!(
            "the image is larger than {limit} bytes (HEALTHHUB_MEDIA_MAX_BYTES)"
        ))
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Err(too_large());
    }
    let body = payload
        .to_bytes_limited(limit)
        .await
        .map_err(|_| too_large())?
        .map_err(|e| ApiError::BadRequest(format!("could not read the request body: {e}")))?;
    let max_pixels = state.config.media.max_pixels;
    let prepared = web::block(move || upload::prepare(body, max_pixels)).await??;
    let now = state.clock.now().naive_utc();
    let (view, is_new) =
        library::add(&state.db, &state.media, prepared, texts, journal, now).await?;
    let location = format!("/api/v1/media/{}", view.id);
    if !is_new {
        return Ok(HttpResponse::Ok()
            .insert_header((header::LOCATION, location))
            .insert_header((header::ETAG, format!("\"{}\"", view.version)))
            .json(&view));
    }
    actix_web::rt::spawn(make_variants(state.clone(), view.id));
    Ok(created(location, view.version, &view))
}

/// Media items, in id order, a page at a time.
#[utoipa::path(
    get, path = "/api/v1/media", tag = "media",
    params(MediaQuery),
    responses(
        (status = 200, description = "A page of media items", body = MediaPage,
            headers(
                ("Surrogate-Key" = String, description = "Purge keys (Fastly): `media`"),
                ("Cache-Tag" = String, description = "The same purge keys (Cloudflare)"),
            )),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
    ),
    security((), ("bearer" = []))
)]
pub async fn list_media(
    state: web::Data<AppState>,
    _caller: Caller,
    query: web::Query<MediaQuery>,
) -> ApiResult<HttpResponse> {
    let (limit, after) = query.page()?;
    let (data, more) = state
        .db
        .read(move |conn| {
            let mut rows = model::page(conn, after, limit + 1)?;
            let more = rows.len() as i64 > limit;
            rows.truncate(limit as usize);
            let ids: Vec<i32> = rows.iter().map(|row| row.id).collect();
            let mut variants = model::variants_of(conn, &ids)?;
            let data: Vec<MediaView> = rows
                .into_iter()
                .map(|row| {
                    let own = variants.remove(&row.id).unwrap_or_default();
                    MediaView::new(row, own)
                })
                .collect();
            Ok((data, more))
        })
        .await?;
    let next_after = data.last().filter(|_| more).map(|item| item.id);
    let page = MediaPage {
        data,
        meta: MediaMeta { limit, next_after },
    };
    Ok(tagged(HttpResponse::Ok().json(page), &Shows::Media))
}

/// One media item: its file's facts and URL, its variants so far, its texts.
#[utoipa::path(
    get, path = "/api/v1/media/{id}", tag = "media",
    params(("id" = i32, Path, description = "Media item id")),
    responses(
        (status = 200, description = "The media item", body = MediaView,
            headers(
                ("ETag" = String, description = "`\"<version>-<digest>\"`; its version part works in If-Match"),
                ("Surrogate-Key" = String, description = "Purge keys (Fastly): `media-<id>`"),
                ("Cache-Tag" = String, description = "The same purge keys (Cloudflare)"),
            )),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    ),
    security((), ("bearer" = []))
)]
pub async fn get_media(
    _no_query: web::Query<NoQuery>,
    state: web::Data<AppState>,
    _caller: Caller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = path_id("media item", &id)?;
    let view = state
        .db
        .read(move |conn| {
            let row = model::get(conn, id)?;
            Ok(shown(conn, row)?)
        })
        .await?;
    Ok(tagged(
        ok_with_version(view.version, &view),
        &Shows::Medium(view.id),
    ))
}

/// Change the alt text, caption or credit of a media item (needs `content:write`).
#[utoipa::path(
    patch, path = "/api/v1/media/{id}", tag = "media",
    params(
        ("id" = i32, Path, description = "Media item id"),
        ("If-Match" = Option<String>, Header, description = "Only update if the item is still at this version, e.g. `\"3\"` (RFC 9110 §13.1.1)"),
    ),
    request_body = UpdateMedia,
    responses(
        (status = 200, description = "The updated item (unchanged, same version, when nothing differed)", body = MediaView,
            headers(("ETag" = String, description = "The item's new version, `\"<version>\"`"))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 412, response = PreconditionFailed),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = ValidationFailed),
    ),
    security(("bearer" = ["content:write"]))
)]
pub async fn update_media(
    _no_query: web::Query<NoQuery>,
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<String>,
    JsonBody(request): JsonBody<UpdateMedia>,
) -> ApiResult<HttpResponse> {
    let journal = state.journal_of(caller.require(Scope::Write)?);
    request.check()?;
    let expected = if_match(&req)?;
    let id = path_id("media item", &id)?;
    let now = state.clock.now().naive_utc();
    let view = state
        .db
        .write(move |conn| {
            let current = model::get(conn, id)?;
            check_version(&expected, current.version)?;
            let merged = request.merged_onto(&current);
            let row = model::write_content(conn, &current, merged, now)?;
            versioned::record(conn, Some(&current), &row, &journal, now)?;
            Ok(shown(conn, row)?)
        })
        .await?;
    Ok(ok_with_version(view.version, &view))
}

/// Delete a media item and its files; 409 while an article shows it as its feature image or a
/// person as their avatar (needs `content:write`).
#[utoipa::path(
    delete, path = "/api/v1/media/{id}", tag = "media",
    params(
        ("id" = i32, Path, description = "Media item id"),
        ("If-Match" = Option<String>, Header, description = "Only delete if the item is still at this version (RFC 9110 §13.1.1)"),
    ),
    responses(
        (status = 204, description = "Deleted; its files are no longer served"),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 412, response = PreconditionFailed),
    ),
    security(("bearer" = ["content:write"]))
)]
pub async fn delete_media(
    _no_query: web::Query<NoQuery>,
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let journal = state.journal_of(caller.require(Scope::Write)?);
    let expected = if_match(&req)?;
    let id = path_id("media item", &id)?;
    let now = state.clock.now().naive_utc();
    let gone = state
        .db
        .write(move |conn| {
            let row = model::get(conn, id)?;
            check_version(&expected, row.version)?;
            uses::require_unused(conn, row.id)?;
            let view = shown(conn, row.clone())?;
            model::delete(conn, row.id)?;
            versioned::record_deletion(conn, &row, &journal, now)?;
            Ok(view)
        })
        .await?;
    let urls = std::iter::once(gone.url).chain(gone.variants.into_iter().map(|v| v.url));
    for url in urls {
        let name = url
            .trim_start_matches(files::FILES_PATH)
            .trim_start_matches('/');
        if let Err(error) = state.media.delete(name).await {
            tracing::warn!(
                error = format!("{error:#}"),
                "could not remove a deleted medium's file"
            );
        }
    }
    Ok(HttpResponse::NoContent().finish())
}

/// A media file: an original or a variant, by the name its item's `url` gives. The name is the
/// hash of the bytes, so the answer is cacheable for a year and never revalidated
/// (`immutable`); `Content-Type` is the format found in the bytes at upload.
#[utoipa::path(
    get, path = "/media/{file}", tag = "media", security(()),
    params(("file" = String, Path,
        description = "`<sha256>.<ext>` or `<sha256>-<width>w.<ext>`, as in a media item's `url`s",
        pattern = r"^[0-9a-f]{64}(-[1-9][0-9]{0,4}w)?\.(jpg|png|webp|gif)$", max_length = 76)),
    responses(
        (status = 200, description = "The file",
            content((ImageBytes = "image/jpeg"), (ImageBytes = "image/png"), (ImageBytes = "image/webp"), (ImageBytes = "image/gif")),
            headers(
                ("Cache-Control" = String, description = "`public, max-age=31536000, immutable`"),
                ("ETag" = String, description = "`\"<file name>\"`"),
            )),
        (status = 304, description = "The client's copy (`If-None-Match`) is this file"),
        (status = 404, response = NotFound),
    )
)]
pub async fn serve_file(
    state: web::Data<AppState>,
    req: HttpRequest,
    file: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let name = file.into_inner();
    let missing = || ApiError::NotFound(format!("no media file is named '{name}'"));
    let format = files::parse(&name).ok_or_else(missing)?;
    let etag = format!("\"{name}\"");
    let held = req
        .headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|tag| tag.trim().trim_start_matches("W/") == etag);
    let bytes = state
        .media
        .get(&name)
        .await
        .map_err(ApiError::Internal)?
        .ok_or_else(missing)?;
    let mut response = if held {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::CACHE_CONTROL, IMMUTABLE))
        .insert_header((header::ETAG, etag));
    if held {
        return Ok(response.finish());
    }
    Ok(response
        .insert_header((header::CONTENT_TYPE, format.media_type()))
        .body(bytes))
}
