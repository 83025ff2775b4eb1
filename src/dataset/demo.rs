//! The demo content loaded into a brand-new database: a `Health` tree, three (fictional) people
//! with their avatars, four tags and three published articles with their authors, medical
//! review, references, tags and feature images (the pictures are gradients drawn at load time,
//! stored like uploads).

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

/// Size in pixels of the demo feature images (wide enough for the 320 and 640 px variants).
const FEATURE_SIZE: (u32, u32) = (960, 540);

/// Size in pixels of the demo avatars.
const AVATAR_SIZE: (u32, u32) = (400, 400);

/// Where a demo picture is shown.
enum Place {
    /// As the feature image of the article with this slug.
    FeatureImageOf(&'static str),
    /// As the avatar of the person with this slug.
    AvatarOf(&'static str),
}

/// A demo picture: a gradient between two colours, with its texts and where it is shown.
struct Picture {
    place: Place,
    /// The colours of the top and bottom rows.
    colours: [[u8; 3]; 2],
    alt: &'static str,
    caption: &'static str,
}

/// The demo pictures: the articles' feature images and the people's avatars.
const PICTURES: [Picture; 6] = [
    Picture {
        place: Place::FeatureImageOf(
            "is-it-normal-to-feel-lonely-in-a-crowd-what-psychologists-say",
        ),
        colours: [[86, 101, 160], [214, 170, 140]],
        alt: "A dusk sky fading from blue to apricot",
        caption: "Loneliness can find us anywhere, even among people.",
    },
    Picture {
        place: Place::FeatureImageOf("why-do-we-wake-up-at-3-a-m-sleep-cycles-explained"),
        colours: [[18, 24, 64], [70, 60, 120]],
        alt: "A night sky deepening from indigo to violet",
        caption: "Most of us surface briefly between sleep cycles.",
    },
    Picture {
        place: Place::FeatureImageOf("does-drinking-water-before-meals-really-help-digestion"),
        colours: [[170, 220, 240], [40, 120, 170]],
        alt: "Clear water shading from pale to deep blue",
        caption: "",
    },
    Picture {
        place: Place::AvatarOf("maya-okafor"),
        colours: [[240, 190, 120], [200, 90, 70]],
        alt: "Maya Okafor's avatar: a warm amber gradient",
        caption: "",
    },
    Picture {
        place: Place::AvatarOf("daniel-reyes"),
        colours: [[120, 200, 170], [30, 110, 120]],
        alt: "Daniel Reyes's avatar: a teal gradient",
        caption: "",
    },
    Picture {
        place: Place::AvatarOf("lena-brandt"),
        colours: [[200, 180, 230], [90, 70, 150]],
        alt: "Lena Brandt's avatar: a lavender gradient",
        caption: "",
    },
];

/// A picture of `(width, height)` pixels fading from the first of `colours` (top) to the
/// second, as a JPEG.
fn picture((width, height): (u32, u32), [top, bottom]: [[u8; 3]; 2]) -> anyhow::Result<Vec<u8>> {
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
/// transaction, each article with its picture as feature image and each person with theirs as
/// avatar; returns how many articles it added.
pub async fn load(db: &Database, store: &MediaStore, now: NaiveDateTime) -> anyhow::Result<usize> {
    let mut data: Value = serde_json::from_str(DEMO_JSON).context("reading the demo set")?;
    for demo in PICTURES {
        let size = match demo.place {
            Place::FeatureImageOf(_) => FEATURE_SIZE,
            Place::AvatarOf(_) => AVATAR_SIZE,
        };
        let prepared = upload::prepare(picture(size, demo.colours)?.into(), u64::MAX)
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
        let (records, slug, field, value) = match demo.place {
            Place::FeatureImageOf(slug) => (
                "articles",
                slug,
                "feature_image",
                json!({"sha256": medium.sha256, "alt": demo.alt, "caption": demo.caption}),
            ),
            Place::AvatarOf(slug) => (
                "people",
                slug,
                "avatar",
                json!({"sha256": medium.sha256, "alt": demo.alt}),
            ),
        };
        let records = data[records].as_array_mut().context("demo records")?;
        for record in records.iter_mut().filter(|r| r["slug"] == slug) {
            record[field] = value.clone();
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
