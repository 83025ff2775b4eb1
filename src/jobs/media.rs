//! Making media variants in the background: right after an upload ([`make_variants`]), and at
//! start-up for every item still missing some ([`catch_up`]: after a restart mid-way or a new
//! `HEALTHHUB_MEDIA_WIDTHS`). Each width is made once: a stored variant is never made again.
//! Each stored variant is a new version of its medium, logged as `media.updated` (so a CDN
//! purges the pages that show it: their `media-<id>` key).

use crate::caching::store::Change;
use crate::changes::versioned;
use crate::media::files;
use crate::media::format::Format;
use crate::media::model::{self, MediaRow, VariantRecord, VariantRow};
use crate::media::{decode, variants};
use crate::state::AppState;
use actix_web::web;
use anyhow::Context;

/// Items read per page by [`catch_up`].
const PAGE: i64 = 100;

/// Makes the variants medium `id` is missing, logging a failure (a later start tries again).
pub async fn make_variants(state: web::Data<AppState>, id: i32) {
    let found = state
        .db
        .read(move |conn| {
            let row = model::find(conn, id)?;
            Ok(model::with_widths(conn, row.into_iter().collect())?)
        })
        .await;
    match found {
        Ok(rows) => {
            for (row, stored) in rows {
                make_missing(&state, row, &stored).await;
            }
        }
        Err(error) => tracing::warn!(%error, id, "could not read a medium to make its variants"),
    }
}

/// Makes every missing variant of every medium, a page at a time.
pub async fn catch_up(state: web::Data<AppState>) {
    let mut after = 0;
    loop {
        let page = state
            .db
            .read(move |conn| {
                let rows = model::page(conn, after, PAGE)?;
                Ok(model::with_widths(conn, rows)?)
            })
            .await;
        let rows = match page {
            Ok(rows) => rows,
            Err(error) => {
                tracing::warn!(%error, "could not list media to make their variants");
                return;
            }
        };
        let Some((last, _)) = rows.last() else {
            return;
        };
        after = last.id;
        for (row, stored) in rows {
            make_missing(&state, row, &stored).await;
        }
    }
}

/// Makes the variants of `row` whose widths are not in `stored`.
async fn make_missing(state: &web::Data<AppState>, row: MediaRow, stored: &[i32]) {
    let format = row.format();
    let missing: Vec<i32> = variants::wanted(format, row.width, &state.config.media.widths)
        .into_iter()
        .filter(|width| !stored.contains(width))
        .collect();
    if missing.is_empty() {
        return;
    }
    if let Err(error) = make(state, &row, format, missing).await {
        tracing::warn!(
            error = format!("{error:#}"),
            id = row.id,
            "could not make a medium's variants"
        );
    }
}

/// Decodes the stored original of `row` once, then makes, stores and records each of `widths`.
async fn make(
    state: &web::Data<AppState>,
    row: &MediaRow,
    format: Format,
    widths: Vec<i32>,
) -> anyhow::Result<()> {
    let original = state
        .media
        .get(&files::original(&row.sha256, format))
        .await?
        .context("the original file is missing")?;
    let max_pixels = state.config.media.max_pixels;
    let made = web::block(move || -> anyhow::Result<Vec<variants::Made>> {
        let image = decode::decode(&original, format, max_pixels)
            .map_err(|error| anyhow::anyhow!("decoding the original: {error}"))?;
        widths
            .into_iter()
            .map(|width| variants::make(&image, format, width.unsigned_abs()))
            .collect()
    })
    .await??;
    for variant in made {
        let width = i32::try_from(variant.width)?;
        let record = VariantRow {
            media_id: row.id,
            width,
            height: i32::try_from(variant.height)?,
            byte_size: i64::try_from(variant.bytes.len())?,
        };
        let name = files::variant(&row.sha256, width, format);
        state.media.put(&name, variant.bytes).await?;
        let journal = state.system_journal();
        let now = state.clock.now().naive_utc();
        let sha256 = row.sha256.clone();
        let recorded = state
            .db
            .write(move |conn| {
                let recorded = model::add_variant(conn, &record, now)?;
                if let VariantRecord::Added(change) = &recorded {
                    let (before, after) = change.as_ref();
                    versioned::record(conn, Some(before), after, &journal, now)?;
                }
                // Bytes uploaded again since are a new item with the same files: keep them.
                let orphan = matches!(recorded, VariantRecord::MediumGone)
                    && model::find_by_sha256(conn, &sha256)?.is_none();
                Ok((recorded, orphan))
            })
            .await?;
        match recorded {
            (VariantRecord::Added(_), _) => state.content_changed(&Change::Everything),
            (VariantRecord::Known, _) => {}
            (VariantRecord::MediumGone, orphan) => {
                // Deleted while this was made: its delete could not see this file.
                if orphan {
                    state.media.delete(&name).await?;
                }
                return Ok(());
            }
        }
    }
    Ok(())
}
