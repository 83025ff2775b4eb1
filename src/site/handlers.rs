//! HTTP handlers for `GET /feed.xml` (Atom 1.0) and `GET /sitemap.xml` (sitemaps.org 0.9): public documents, the same for every caller, cached and validated like every anonymous read.

use super::feed::{self, ATOM_CONTENT_TYPE};
use super::model::{self, PageKind};
use super::params::{FeedParams, SitemapParams};
use super::sitemap::{self, Located};
use crate::error::{ApiError, ApiResult};
use crate::http::openapi_responses::{BadRequest, NotFound};
use crate::http::purge_keys::{tagged, Shows};
use crate::state::AppState;
use actix_web::{web, HttpResponse};

/// The media type of a sitemap.
const SITEMAP_CONTENT_TYPE: &str = "application/xml; charset=utf-8";

/// The Atom 1.0 feed (RFC 4287) of the newest published articles: of the whole publication,
/// of one category (`category`, with `include_descendants=true` its subcategories too), of one
/// author (`author`), or of both together.
///
/// Entries are newest publication first and link to the public site's pages
/// (`HEALTHHUB_PUBLIC_BASE_URL` and the page templates). An entry's `id` is a `tag:` URI that
/// survives a change of slug; `updated` is the article's `updated_at` (its `published_at` when
/// later), `published` its `published_at`, `summary` its excerpt; its authors and its category
/// follow. The feed names the publication as its author, for articles without one. Only what
/// anonymous readers see is there: no draft, no scheduled article before its `published_at`,
/// none after its `unpublish_at`; a scheduled article appears at its `published_at` exactly.
/// The same for every caller: a token changes nothing.
#[utoipa::path(
    get, path = "/feed.xml", tag = "site", security(()),
    params(FeedParams),
    responses(
        (status = 200, description = "The Atom feed", body = String, content_type = "application/atom+xml; charset=utf-8",
            headers(
                ("Surrogate-Key" = String, description = "Purge keys (Fastly), space-separated: `articles categories people tags`"),
                ("Cache-Tag" = String, description = "The same purge keys (Cloudflare), comma-separated"),
            )),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
    )
)]
pub async fn feed(
    state: web::Data<AppState>,
    params: web::Query<FeedParams>,
) -> ApiResult<HttpResponse> {
    let request = params.request()?;
    let now = state.clock.now().naive_utc();
    let urls = state.site.clone();
    let body = state
        .db
        .read(move |conn| {
            let subject = model::subject(conn, &request)?;
            let articles = model::newest(conn, &subject, request.limit, now, &urls)?;
            Ok(feed::atom(&urls, &subject, &articles))
        })
        .await?;
    let response = HttpResponse::Ok()
        .content_type(ATOM_CONTENT_TYPE)
        .body(body);
    Ok(tagged(response, &Shows::SiteDocument))
}

/// The sitemap (sitemaps.org protocol 0.9) of the public site: every published article, every
/// category, every person and every tag, each page with its `lastmod`.
///
/// Articles come first, then categories, then people, then tags, each in id order. An article's
/// `lastmod` is its `updated_at` (its `published_at` when later), a category's, person's or
/// tag's its `updated_at`. Up to `HEALTHHUB_SITEMAP_MAX_URLS` URLs (default 50 000, the protocol's limit)
/// it is one `<urlset>`; past it, `/sitemap.xml` is a `<sitemapindex>` of
/// `/sitemap.xml?page=1`, `?page=2`, … on the public site, each a `<urlset>` of that many URLs
/// (the last of the rest), with the `lastmod` of its latest page. Scheduled and unpublished
/// articles are listed exactly while they are public.
#[utoipa::path(
    get, path = "/sitemap.xml", tag = "site", security(()),
    params(SitemapParams),
    responses(
        (status = 200, description = "A `<urlset>`, or without `page` on a site with more URLs than one file holds, a `<sitemapindex>`",
            body = String, content_type = "application/xml; charset=utf-8",
            headers(
                ("Surrogate-Key" = String, description = "Purge keys (Fastly), space-separated: `articles categories people tags`"),
                ("Cache-Tag" = String, description = "The same purge keys (Cloudflare), comma-separated"),
            )),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
    )
)]
pub async fn sitemap(
    state: web::Data<AppState>,
    params: web::Query<SitemapParams>,
) -> ApiResult<HttpResponse> {
    let page = params.page()?;
    let now = state.clock.now().naive_utc();
    let per_file = i64::try_from(state.config.site.sitemap_max_urls).unwrap_or(i64::MAX);
    let urls = state.site.clone();
    let body = state
        .db
        .read(move |conn| {
            let mut counts = Vec::with_capacity(PageKind::ALL.len());
            for kind in PageKind::ALL {
                counts.push((kind, model::count(conn, kind, now)?));
            }
            let total: i64 = counts.iter().map(|(_, count)| count).sum();
            let files = sitemap::files(total, per_file);
            let mut file = |n: i64| -> ApiResult<Vec<Located>> {
                let mut skip = (n - 1) * per_file;
                let mut left = per_file;
                let mut located = Vec::new();
                for &(kind, count) in &counts {
                    if left > 0 && skip < count {
                        for page in model::window(conn, kind, now, skip, left)? {
                            left -= 1;
                            located.push(Located {
                                loc: match page.kind {
                                    PageKind::Article => urls.article(&page.slug),
                                    PageKind::Category => urls.category(&page.slug),
                                    PageKind::Person => urls.person(&page.slug),
                                    PageKind::Tag => urls.tag(&page.slug),
                                },
                                lastmod: Some(page.last_modified),
                            });
                        }
                    }
                    skip = (skip - count).max(0);
                }
                Ok(located)
            };
            match page {
                Some(n) if n > files => Err(ApiError::NotFound(format!(
                    "the sitemap has {files} page(s), not {n}"
                ))),
                Some(n) => Ok(sitemap::urlset(&file(n)?)),
                None if files == 1 => Ok(sitemap::urlset(&file(1)?)),
                None => {
                    let mut index = Vec::new();
                    for n in 1..=files {
                        let lastmod = file(n)?.into_iter().filter_map(|url| url.lastmod).max();
                        index.push(Located {
                            loc: urls.sitemap_page(n),
                            lastmod,
                        });
                    }
                    Ok(sitemap::index(&index))
                }
            }
        })
        .await?;
    let response = HttpResponse::Ok()
        .content_type(SITEMAP_CONTENT_TYPE)
        .body(body);
    Ok(tagged(response, &Shows::SiteDocument))
}
