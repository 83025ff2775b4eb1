//! The JSON shapes of preview links: one as minted, with its token ([`MintedPreview`]), one as listed, without it ([`PreviewView`]), and the list ([`PreviewList`]).

use crate::auth::records::TokenRow;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// The URL a preview token reads: the article's own, fetched with `Authorization: Bearer`.
pub fn article_url(article: i32) -> String {
    format!("/api/v1/articles/{article}")
}

/// A preview link just minted: the only answer that shows its token.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MintedPreview {
    /// The token's id (`jti`): what `DELETE …/previews/{token_id}` revokes.
    pub id: String,
    /// The bearer token. Send it as `Authorization: Bearer <token>`: tokens in query strings
    /// are refused (URLs end up in logs and histories).
    pub token: String,
    /// The article it reads.
    pub article_id: i32,
    /// What it reads: `GET` (or `HEAD`) of this URL with the token.
    pub url: String,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

/// A live preview link, as listed (its token is never shown again).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PreviewView {
    /// The token's id (`jti`).
    pub id: String,
    /// The article it reads.
    pub article_id: i32,
    /// What it reads.
    pub url: String,
    /// When it was minted.
    pub created_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// When it was last used, as of the last write of the usage buffer (a few seconds late).
    pub last_used_at: Option<DateTime<Utc>>,
}

impl PreviewView {
    /// The preview of `article` that `row` records.
    pub fn new(row: TokenRow, article: i32) -> Self {
        Self {
            id: row.jti,
            article_id: article,
            url: article_url(article),
            created_at: row.created_at.and_utc(),
            expires_at: row.expires_at.and_utc(),
            last_used_at: row.last_used_at.map(|at| at.and_utc()),
        }
    }
}

/// An article's live preview links, newest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PreviewList {
    /// The links.
    pub data: Vec<PreviewView>,
    /// How many.
    pub meta: PreviewsMeta,
}

/// `meta` of the preview list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PreviewsMeta {
    /// How many live links the article has.
    pub total: usize,
}
