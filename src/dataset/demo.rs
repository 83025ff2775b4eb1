//! The demo content loaded into a brand-new database: a `Health` tree, three (fictional) people,
//! four tags and three published articles with their authors, medical review, references, tags
//! and feature images (small gradients drawn at load time, stored like uploads).

use crate::changes::model::{self as changes, Journal};
use crate::dataset::import::{import_from, ImportOptions};
use crate::dataset::Layout;
use crate::db::schema::categories;
use crate::db::Database;
use crate::media::input::MediaTexts;
use crate::media::library;
use crate::media::storage::MediaStore;
use crate::media::upload;
use anyhow::Context;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use image::{ImageFormat, Rgb, RgbImage};
use serde_json::{json, Value};
use std::io::Cursor;

/// The demo set, in the data-set format (`categories` with `parent_slug`, `people`, `tags`,
/// `articles` with `category_slug`, `author_slugs`, `reviewer_slug` and `tag_slugs`); the
/// feature images are added when it is loaded.
const DEMO_JSON: &str = include_str!("demo.json");

/// Size in pixels of the demo pictures (wide enough for the 320 and 640 px variants).
const PICTURE_SIZE: (u32, u32) = (960, 540);

/// A demo article's feature image: a picture fading between two colours, with its texts.
struct Picture {
    /// The article's slug.
    article: &'static str,
    /// The colours of the top and bottom rows.
    colours: [[u8; 3]; 2],
    alt: &'static str,
    caption: &'static str,
}

/// The demo articles' feature images.
const PICTURES: [Picture; 3] = [
    Picture {
        article: "is-it-normal-to-feel-lonely-in-a-crowd-what-psychologists-say",
        colours: [[86, 101, 160], [214, 170, 140]],
        alt: "A dusk sky fading from blue to apricot",
        caption: "Loneliness can find us anywhere, even among people.",
    },
    Picture {
        article: "why-do-we-wake-up-at-3-a-m-sleep-cycles-explained",
        colours: [[18, 24, 64], [70, 60, 120]],
        alt: "A night sky deepening from indigo to violet",
        caption: "Most of us surface briefly between sleep cycles.",
    },
    Picture {
        article: "does-drinking-water-before-meals-really-help-digestion",
        colours: [[170, 220, 240], [40, 120, 170]],
        alt: "Clear water shading from pale to deep blue",
        caption: "",
    },
];

/// A picture of `PICTURE_SIZE` fading from the first of `colours` (top) to the second, as a
/// JPEG.
fn picture([top, bottom]: [[u8; 3]; 2]) -> anyhow::Result<Vec<u8>> {
    let (width, height) = PICTURE_SIZE;
    let image = RgbImage::from_fn(width, height, |_, y| {
        let mix = |a: u8, b: u8| {
            let (a, b, y, h) = (u32::from(a), u32::from(b), y, height - 1);
            u8::try_from((a * (h - y) + b * y) / h).unwrap_or(u8::MAX)
        };
        Rgb([0, 1, 2].map(|i| mix(top[i], bottom[i])))
    });
    let mut out = Cursor::new(Vec::new());
    image
        .write_to(&mut out, ImageFormat::Jpeg)
        .context("drawing a demo picture")?;
    Ok(out.into_inner())
}

/// Loads the demo content: the pictures into `store` and the library, then the rest in one
/// transaction, each article with its picture as feature image; returns how many articles it
/// added.
pub async fn load(db: &Database, store: &MediaStore, now: NaiveDateTime) -> anyhow::Result<usize> {
    let mut data: Value = serde_json::from_str(DEMO_JSON).context("reading the demo set")?;
    for demo in PICTURES {
        let prepared = upload::prepare(picture(demo.colours)?.into(), u64::MAX)
            .map_err(|error| anyhow::anyhow!("preparing a demo picture: {error}"))?;
        let texts = MediaTexts {
            alt: demo.alt.to_owned(),
            caption: String::new(),
            credit: "HealthHub demo".to_owned(),
        };
        let journal = Journal::system(ImportOptions::default().revisions_kept);
        let (medium, _) = library::add(db, store, prepared, texts, journal, now)
            .await
            .map_err(|error| anyhow::anyhow!("storing a demo picture: {error:?}"))?;
        let articles = data["articles"].as_array_mut().context("demo articles")?;
        for article in articles.iter_mut().filter(|a| a["slug"] == demo.article) {
            article["feature_image"] =
                json!({"sha256": medium.sha256, "alt": demo.alt, "caption": demo.caption});
        }
    }
    let text = serde_json::to_vec(&data)?;
    let summary = import_from(
        db,
        text.as_slice(),
        text.len() as u64,
        Layout::Document,
        ImportOptions::default(),
        now,
    )?;
    Ok(summary.articles)
}

/// True when nothing has ever been written to the database's content: no category and no entry
/// in the changes log. A database only migrated (`healthhub migrate`) or only holding tokens
/// (`healthhub token create` run before the first `serve`) still gets the demo content; one
/// whose content was all deleted does not get it back.
pub fn untouched(db: &Database) -> anyhow::Result<bool> {
    db.read_blocking(|conn| {
        let has_categories: bool = diesel::select(diesel::dsl::exists(
            categories::table.select(categories::id),
        ))
        .get_result(conn)?;
        Ok(!has_categories && changes::last_seq(conn)? == 0)
    })
}
