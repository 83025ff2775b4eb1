//! The media library: uploaded images stored content-addressed, with their alt text, caption,
//! credit and width variants, served at stable URLs; and the feature images articles show and the
//! avatars people show.
//!
//! `format` (what the bytes are), `decode` (header and bounded decoding), `strip` (metadata),
//! `upload` (the whole check of an upload), `variants` (resizing), `files` (names and URLs),
//! `storage` (a directory or an S3-compatible bucket), `input`, `model`, `view`, `journal`,
//! `library` (adding an image), `feature_images` (the image an article shows, beside the
//! article), `avatars` (a person's picture, beside the person) and `uses` (what keeps a medium
//! from being deleted) are the cores;
//! `handlers` answers requests; this file routes them ([`endpoints`] under `/api/v1`,
//! [`file_endpoints`] for the files) and documents them ([`MediaApi`]).

pub mod avatars;
pub mod decode;
pub mod feature_images;
pub mod files;
pub mod format;
pub mod handlers;
pub mod input;
pub mod journal;
pub mod library;
pub mod model;
pub mod storage;
pub mod strip;
pub mod upload;
pub mod uses;
pub mod variants;
pub mod view;

use crate::http::routing::{on, Endpoint};
use actix_web::http::Method;
use utoipa::OpenApi;

/// The `/api/v1` endpoints of media, in registration order.
pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::new(
            "/media",
            vec![
                on(Method::GET, handlers::list_media),
                on(Method::POST, handlers::upload_media),
            ],
        ),
        Endpoint::new(
            "/media/{id}",
            vec![
                on(Method::GET, handlers::get_media),
                on(Method::PATCH, handlers::update_media),
                on(Method::DELETE, handlers::delete_media),
            ],
        ),
    ]
}

/// The files, with their full paths (outside `/api/v1`: stable URLs a page embeds).
pub fn file_endpoints() -> Vec<Endpoint> {
    vec![Endpoint::new(
        "/media/{file}",
        vec![on(Method::GET, handlers::serve_file)],
    )]
}

/// The media's part of the OpenAPI document: their operations and bodies.
#[derive(OpenApi)]
#[openapi(
    paths(
        handlers::list_media,
        handlers::get_media,
        handlers::upload_media,
        handlers::update_media,
        handlers::delete_media,
        handlers::serve_file,
    ),
    components(schemas(
        view::MediaView,
        view::VariantView,
        view::ImageFile,
        view::MediaPage,
        view::MediaMeta,
        format::Format,
        input::UpdateMedia,
        input::ImageBytes,
        feature_images::FeatureImage,
        feature_images::FeatureImageView,
        avatars::Avatar,
        avatars::AvatarView,
    ))
)]
pub struct MediaApi;
