//! Tests: `healthhub import --from wordpress` on the fixtures of `tests/fixtures/import/`
//! (their README is the oracle): every mapping row, the category tree, statuses, slugs, the
//! warnings and skip counts, re-runs, dry runs, hostile files; and the WordPress theme unit test
//! export when `HEALTHHUB_TEST_WXR` names it.

use crate::test_db::TestDatabase;
use chrono::Utc;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use healthhub::dataset::export::export;
use healthhub::dataset::import::{import_converted, ImportOptions, ImportSummary};
use healthhub::dataset::sources::wordpress::xml::Element;
use healthhub::dataset::sources::{self, Converted, Source};
use healthhub::db::Database;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import/wordpress")
        .join(name)
}

/// A new database for one test; keep the guards alive while it is used.
pub fn fresh() -> (Database, TestDatabase, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let database = TestDatabase::create(dir.path());
    let db = Database::open(database.url(), 1).unwrap().0;
    (db, database, dir)
}

/// Converts and imports `path` as `healthhub import --from wordpress` does.
fn run(
    db: &Database,
    path: &Path,
    continue_on_error: bool,
    dry_run: bool,
) -> anyhow::Result<(Converted, ImportSummary)> {
    run_source(
        db,
        Source::Wordpress,
        path,
        None,
        continue_on_error,
        dry_run,
    )
}

/// Converts `path` from `source` and imports the records, as `healthhub import --from` does.
pub fn run_source(
    db: &Database,
    source: Source,
    path: &Path,
    site_url: Option<&str>,
    continue_on_error: bool,
    dry_run: bool,
) -> anyhow::Result<(Converted, ImportSummary)> {
    let mut converted = sources::convert(source, path, site_url, continue_on_error)?;
    let records = std::mem::take(&mut converted.records);
    let options = ImportOptions {
        continue_on_error,
        ..ImportOptions::default()
    };
    let summary = import_converted(db, records, options, dry_run, Utc::now().naive_utc())?;
    Ok((converted, summary))
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

pub fn count(db: &Database, sql: &'static str) -> i64 {
    db.read_blocking(move |conn| Ok(diesel::sql_query(sql).get_result::<Count>(conn)?.n))
        .expect("count")
}

/// What the database holds, as a HealthHub data set.
pub fn stored(db: &Database, dir: &Path) -> Value {
    let path = dir.join("export.json");
    export(db, &path).expect("export");
    serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("json")
}

pub fn by_slug<'a>(data: &'a Value, kind: &str) -> HashMap<String, &'a Value> {
    data[kind]
        .as_array()
        .expect("an array")
        .iter()
        .map(|v| (v["slug"].as_str().expect("slug").to_owned(), v))
        .collect()
}

/// The messages of every warning of `converted`.
pub fn messages(converted: &Converted) -> Vec<String> {
    converted
        .warnings
        .iter()
        .map(|w| w.message.clone())
        .collect()
}

/// The messages of the warnings about the post with this id (`post <id> …`).
pub fn warnings_of(converted: &Converted, post: &str) -> Vec<String> {
    converted
        .warnings
        .iter()
        .filter(|w| w.item.starts_with(&format!("post {post} ")))
        .map(|w| w.message.clone())
        .collect()
}

pub fn has(warnings: &[String], text: &str) -> bool {
    warnings.iter().any(|w| w.contains(text))
}

/// One row of an oracle's article table: slug, title, status, published_at, category, tags,
/// authors.
pub type Row<'a> = (
    &'a str,
    &'a str,
    &'a str,
    Option<&'a str>,
    &'a str,
    &'a [&'a str],
    &'a [&'a str],
);

/// Asserts that the stored articles are exactly `rows`.
pub fn assert_articles(articles: &HashMap<String, &Value>, rows: &[Row]) {
    assert_eq!(articles.len(), rows.len());
    for (slug, title, status, published_at, category, tags, authors) in rows {
        let article = articles[*slug];
        assert_eq!(article["title"], *title, "{slug}");
        assert_eq!(article["status"], *status, "{slug}");
        assert_eq!(article["published_at"].as_str(), *published_at, "{slug}");
        assert_eq!(article["category_slug"], *category, "{slug}");
        assert_eq!(strings(&article["tag_slugs"]), *tags, "{slug}");
        assert_eq!(strings(&article["author_slugs"]), *authors, "{slug}");
    }
}

/// The strings of a JSON array (none for anything else).
pub fn strings(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// Asserts the headings of the sections of the article `slug`, in order, and for each what
/// its body contains and what it must not.
pub fn assert_sections(
    articles: &HashMap<String, &Value>,
    slug: &str,
    expected: &[(&str, &[&str], &[&str])],
) {
    let sections = section_bodies(articles[slug]);
    let headings: Vec<&str> = sections.iter().map(|(h, _)| h.as_str()).collect();
    let wanted: Vec<&str> = expected.iter().map(|(h, _, _)| *h).collect();
    assert_eq!(headings, wanted, "{slug}");
    for ((_, body), (heading, contains, not)) in sections.iter().zip(expected) {
        for text in *contains {
            assert!(
                body.contains(text),
                "{slug} / {heading}: {text:?} not in {body:?}"
            );
        }
        for text in *not {
            assert!(
                !body.contains(text),
                "{slug} / {heading}: {text:?} in {body:?}"
            );
        }
    }
}

pub fn section_bodies(article: &Value) -> Vec<(String, String)> {
    article["sections"]
        .as_array()
        .map(|sections| {
            sections
                .iter()
                .map(|s| {
                    (
                        s["heading"].as_str().unwrap_or_default().to_owned(),
                        s["body"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_small_export_lands_as_the_fixture_readme_says() {
    let (db, _database, dir) = fresh();
    let (converted, summary) = run(&db, &fixture("small.xml"), false, false).unwrap();
    assert_eq!(
        (
            summary.people,
            summary.categories,
            summary.tags,
            summary.articles
        ),
        (2, 5, 6, 7),
        "{summary}"
    );
    let skipped: Vec<(String, usize)> = converted.skipped.clone().into_iter().collect();
    assert_eq!(
        skipped,
        [
            ("attachments", 1),
            ("comments", 2),
            ("menu items", 1),
            ("pages", 1),
            ("posts in the trash", 1),
            ("wp_block items", 1)
        ]
        .map(|(k, n)| (k.to_owned(), n))
    );

    let data = stored(&db, dir.path());
    let people = by_slug(&data, "people");
    assert_eq!(people["dr-amara"]["name"], "Dr. Amara Okafor");
    assert_eq!(people["lee-editor"]["name"], "Lee Chen");
    let serialized = data.to_string();
    assert!(!serialized.contains("@example.org"), "no e-mail is stored");

    let categories = by_slug(&data, "categories");
    for (slug, name, parent, position) in [
        ("health", "Health", None, 0),
        ("sleep", "Sleep & Rest", Some("health"), 0),
        ("sleep-disorders", "Sleep Disorders", Some("sleep"), 0),
        ("nutrition", "Nutrition", Some("health"), 1),
        ("uncategorized", "Uncategorized", None, 1),
    ] {
        let category = categories[slug];
        assert_eq!(category["name"], name, "{slug}");
        assert_eq!(category["parent_slug"].as_str(), parent, "{slug}");
        assert_eq!(category["position"], position, "{slug}");
    }
    assert_eq!(
        categories["sleep-disorders"]["description"],
        "Insomnia, apnoea, night terrors."
    );

    let tags = by_slug(&data, "tags");
    let mut tag_slugs: Vec<&str> = tags.keys().map(String::as_str).collect();
    tag_slugs.sort_unstable();
    assert_eq!(
        tag_slugs,
        [
            "caffeine",
            "ete",
            "insomnia",
            "melatonin",
            "night-shift",
            "sleep"
        ]
    );
    assert_eq!(tags["ete"]["name"], "Été");
    assert_eq!(tags["melatonin"]["description"], "The hormone of darkness.");
    assert_eq!(tags["night-shift"]["name"], "Night Shift");

    let articles = by_slug(&data, "articles");
    let rows: [Row; 7] = [
        (
            "why-we-wake-at-3am",
            "Why We Wake at 3 a.m.",
            "published",
            Some("2024-03-10T08:30:00Z"),
            "sleep-disorders",
            &["insomnia", "caffeine"][..],
            &["dr-amara"][..],
        ),
        (
            "why-we-wake-at-3am-2",
            "Why We Wake at 3 a.m. (update)",
            "draft",
            None,
            "sleep",
            &[],
            &["lee-editor"],
        ),
        (
            "caffeine-and-sleep",
            "Caffeine & Sleep: Is 5 < 10 Cups? Really ☕",
            "published",
            Some("2031-05-01T06:00:00Z"),
            "nutrition",
            &["caffeine"],
            &["lee-editor"],
        ),
        (
            "lnwm-lshy",
            "النوم الصحي — שינה בריאה",
            "draft",
            None,
            "health",
            &["ete", "night-shift"],
            &["dr-amara"],
        ),
        (
            "ten-minutes-of-daylight",
            "Ten Minutes of Daylight 🌞 a Day",
            "published",
            Some("2023-11-05T07:15:00Z"),
            "uncategorized",
            &[],
            &["dr-amara"],
        ),
        (
            "staff-notes",
            "Untitled (WordPress post 106)",
            "draft",
            None,
            "sleep",
            &[],
            &["lee-editor"],
        ),
        (
            "members-qa-night-terrors",
            "Members' Q&A: Night Terrors",
            "draft",
            None,
            "sleep-disorders",
            &[],
            &["dr-amara"],
        ),
    ];
    assert_articles(&articles, &rows);
    assert_eq!(
        articles["why-we-wake-at-3am"]["excerpt"],
        "Waking at 3 a.m. is common; here is why."
    );
    assert_eq!(
        articles["caffeine-and-sleep"]["excerpt"],
        "Coffee after noon can cost you sleep."
    );
    assert_eq!(
        articles["why-we-wake-at-3am"]["seo"]["meta_title"],
        "Why Do We Wake Up at 3 a.m.?"
    );
    assert_eq!(
        articles["why-we-wake-at-3am"]["seo"]["canonical_url"],
        "https://www.example.org/sleep/why-we-wake-at-3am"
    );
    assert_eq!(
        articles["caffeine-and-sleep"]["seo"]["meta_description"],
        "How much coffee is too much for a good night's sleep?"
    );
    assert!(articles["caffeine-and-sleep"]["seo"]["meta_title"].is_null());
    assert!(articles["lnwm-lshy"].get("seo").is_none_or(Value::is_null));
    assert_eq!(
        articles["why-we-wake-at-3am"]["feature_image"],
        json!({
            "source_url": "https://wp.example.org/wp-content/uploads/2024/01/sleeping-cat.jpg",
            "alt": "A cat asleep on a windowsill", "caption": "Photo: Jane Doe",
        }),
        "the featured image is kept as an external reference, never fetched"
    );
    assert_eq!(
        serialized.matches("\"feature_image\"").count(),
        1,
        "post 106's _thumbnail_id is not in the file"
    );

    // Sections.
    assert_sections(&articles, "why-we-wake-at-3am",
        &[
            ("Introduction", &["at least once.  \nIt is rarely a sign of illness.\n\nHere is what the research says."], &[]),
            ("Sleep cycles", &["four to six cycles", "![A cat asleep on a windowsill](https://wp.example.org/wp-content/uploads/2024/01/sleeping-cat.jpg)", "Cats sleep more than we do."], &["[caption", "\\[caption", "[/caption]"]),
            ("When to see a doctor", &["talk to your doctor.", "### Questions to ask", "Could it be sleep apnoea?", "Should I keep a sleep diary?"], &[]),
        ],
    );
    assert_sections(
        &articles,
        "why-we-wake-at-3am-2",
        &[(
            "Introduction",
            &["Updated figures will follow the 2024 review."],
            &[],
        )],
    );
    assert_sections(
        &articles,
        "caffeine-and-sleep",
        &[
            (
                "Introduction",
                &["Coffee is the most popular stimulant in the world."],
                &[],
            ),
            (
                "How caffeine works",
                &["blocks adenosine"],
                &["[gallery", "gallery ids"],
            ),
            (
                "Half-life & timing",
                &[
                    "still active at 8 p.m.",
                    "<https://www.youtube.com/watch?v=dQw4w9WgXcQ>",
                ],
                &["wp-block-embed", "<figure"],
            ),
        ],
    );
    assert_sections(
        &articles,
        "lnwm-lshy",
        &[
            (
                "Introduction",
                &["Night-shift workers sleep against their body clock."],
                &[],
            ),
            (
                "Light and melatonin",
                &[
                    "tells the brain it is day",
                    "<https://www.youtube.com/embed/abc123>",
                ],
                &["<iframe", "<script", "document.write", "tracking pixel"],
            ),
            ("Practical tips", &["Wear sunglasses on the way home."], &[]),
        ],
    );
    assert_sections(
        &articles,
        "ten-minutes-of-daylight",
        &[
            ("Introduction", &["Daylight sets the body clock."], &[]),
            (
                "Morning light",
                &[
                    "Ten minutes outside",
                    "<https://www.youtube.com/watch?v=xyz789>",
                ],
                &[],
            ),
            (
                "Evening light",
                &["Dim the lights two hours before bed."],
                &[],
            ),
        ],
    );
    assert_sections(
        &articles,
        "staff-notes",
        &[(
            "Introduction",
            &["Reminder: update the sleep hygiene checklist before March."],
            &[],
        )],
    );
    assert_sections(
        &articles,
        "members-qa-night-terrors",
        &[(
            "What are night terrors?",
            &["screaming and fear during deep sleep"],
            &[],
        )],
    );

    // Warnings, per post.
    let expected: &[(&str, &[&str])] = &[
        ("101", &["also filed in 1 more: sleep", "[caption] converted", "feature image kept as an external reference to https://wp.example.org/wp-content/uploads/2024/01/sleeping-cat.jpg"]),
        ("102", &["status 'pending' imported as a draft", "slug 'why-we-wake-at-3am' is taken"]),
        ("103", &["[gallery ids=\"100\" columns=\"1\"] removed", "embed kept as a link", "rank_math_title has template variables"]),
        ("104", &["'lnwm-lshy'", "<iframe> replaced by a link", "<script> removed", "tag 'night-shift' is not declared"]),
        ("105", &["no GMT date", "no category: filed in 'uncategorized'", "sticky not carried", "embed kept as a link"]),
        ("106", &["no title", "status 'private' imported as a draft", "_thumbnail_id 999 is not in the file"]),
        ("107", &["password-protected"]),
    ];
    for (post, texts) in expected {
        let warnings = warnings_of(&converted, post);
        for text in *texts {
            assert!(
                has(&warnings, text),
                "post {post}: {text:?} not in {warnings:?}"
            );
        }
    }
    assert!(converted
        .warnings
        .iter()
        .any(|w| w.item == "file" && w.message.contains("'ete'")));

    // The changes log saw every record.
    assert!(count(&db, "SELECT COUNT(*) AS n FROM changes") >= 20);
}

#[test]
fn a_second_run_changes_nothing_and_warns_the_same() {
    let (db, _database, dir) = fresh();
    let (first, _) = run(&db, &fixture("small.xml"), false, false).unwrap();
    let changes = count(&db, "SELECT COUNT(*) AS n FROM changes");
    let before = stored(&db, dir.path());
    let (second, summary) = run(&db, &fixture("small.xml"), false, false).unwrap();
    assert_eq!(
        (
            summary.categories,
            summary.people,
            summary.tags,
            summary.articles,
            summary.created
        ),
        (0, 0, 0, 0, 0),
        "{summary}"
    );
    assert_eq!(
        (
            summary.categories_unchanged,
            summary.people_unchanged,
            summary.tags_unchanged,
            summary.unchanged
        ),
        (5, 2, 6, 7)
    );
    assert_eq!(first.warnings, second.warnings);
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM changes"), changes);
    assert_eq!(stored(&db, dir.path()), before);
}

#[test]
fn a_dry_run_reports_everything_and_writes_nothing() {
    let (db, _database, _dir) = fresh();
    let articles = count(&db, "SELECT COUNT(*) AS n FROM articles");
    let changes = count(&db, "SELECT COUNT(*) AS n FROM changes");
    let (converted, summary) = run(&db, &fixture("small.xml"), false, true).unwrap();
    assert_eq!((summary.articles, summary.tags), (7, 6), "{summary}");
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM articles"), articles);
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM changes"), changes);
    let report = sources::report(&converted, &summary, true);
    assert!(
        report.starts_with("would write: 5 categories, 2 people, 6 tags, 7 articles"),
        "{report}"
    );
    assert!(report.contains("skipped: 1 attachments, 2 comments, 1 menu items, 1 pages, 1 posts in the trash, 1 wp_block items"), "{report}");
    assert!(
        report.contains("post 104 (lnwm-lshy): <iframe> replaced by a link"),
        "{report}"
    );
}

#[test]
fn hostile_files_are_refused_with_their_position_and_nothing_is_written() {
    let (db, _database, _dir) = fresh();
    let articles = count(&db, "SELECT COUNT(*) AS n FROM articles");
    for (file, continue_on_error, expected) in [
        ("billion-laughs.xml", false, "line 3: a DOCTYPE"),
        ("external-entity.xml", false, "line 3: a DOCTYPE"),
        ("truncated.xml", false, "inside <item> 2 (line 104)"),
        ("truncated.xml", true, "inside <item> 2 (line 104)"),
        (
            "missing-post-id.xml",
            false,
            "item 2 (line 31): <wp:post_id> missing",
        ),
        ("not-wxr.xml", false, "not a WordPress export (root <feed>"),
        (
            "deep-html.xml",
            false,
            "item 1 (line 9): HTML nested deeper than the limit",
        ),
    ] {
        let error = run(
            &db,
            &fixture(&format!("hostile/{file}")),
            continue_on_error,
            false,
        )
        .expect_err(file);
        let message = format!("{error:#}");
        assert!(message.contains(expected), "{file}: {message}");
        assert_eq!(
            count(&db, "SELECT COUNT(*) AS n FROM articles"),
            articles,
            "{file}"
        );
    }
}

#[test]
fn continue_on_error_leaves_bad_items_out_and_lists_them() {
    let (db, _database, dir) = fresh();
    let (converted, summary) =
        run(&db, &fixture("hostile/missing-post-id.xml"), true, false).unwrap();
    assert_eq!(summary.articles, 2, "{summary}");
    assert_eq!(converted.bad, ["item 2 (line 31): <wp:post_id> missing"]);
    let data = stored(&db, dir.path());
    let articles = by_slug(&data, "articles");
    assert!(articles.contains_key("a-good-post") && articles.contains_key("a-third-post"));
    let (converted, _) = run(&db, &fixture("hostile/deep-html.xml"), true, false).unwrap();
    assert!(converted.bad[0].contains("HTML nested deeper than the limit"));
}

/// Where the WordPress theme unit test export is looked for when `HEALTHHUB_TEST_WXR` is unset:
/// `shared/` beside the project (the project does not commit data from public repositories).
const SHARED_WXR: &str = "../shared/fixtures/import/themeunittestdata.wordpress.xml";

/// The WordPress theme unit test export (the WordPress Themes Team's "Theme Test Data"), from
/// `HEALTHHUB_TEST_WXR`, else from [`SHARED_WXR`]; skipped with a printed note without either.
#[test]
fn the_wordpress_theme_unit_test_imports_with_its_category_tree() {
    let path = match std::env::var_os("HEALTHHUB_TEST_WXR") {
        Some(path) => PathBuf::from(path),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join(SHARED_WXR),
    };
    if !path.is_file() {
        eprintln!(
            "the theme unit test export is not at {}: its import test is skipped",
            path.display()
        );
        return;
    }
    let (db, _database, dir) = fresh();
    let (converted, summary) = run(&db, &path, false, false).unwrap();
    eprint!("{}", sources::report(&converted, &summary, false));
    eprintln!("warnings by kind: {:?}", converted.warnings_by_kind());
    assert_eq!(
        (
            summary.people,
            summary.categories,
            summary.tags,
            summary.articles
        ),
        (2, 68, 114, 58),
        "{summary}"
    );
    let skipped: Vec<(String, usize)> = converted.skipped.clone().into_iter().collect();
    assert_eq!(
        skipped,
        [
            ("attachments", 37),
            ("comments", 33),
            ("menu items", 70),
            ("pages", 21)
        ]
        .map(|(k, n)| (k.to_owned(), n))
    );
    let data = stored(&db, dir.path());
    let external_images = data["articles"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a.get("feature_image")?["source_url"].as_str())
        .filter(|url| url.starts_with("https://wpthemetestdata.files.wordpress.com/"))
        .count();
    assert_eq!(
        external_images, 6,
        "every featured image, kept by its address"
    );

    // Every post of the file, with its categories nested as declared there.
    let text = std::fs::read_to_string(&path).unwrap();
    let root = healthhub::dataset::sources::wordpress::xml::parse(&text).unwrap();
    let channel = root.child("channel").unwrap();
    let declared: HashMap<&str, &str> = channel
        .all("wp:category")
        .map(|c| {
            (
                c.text_of("wp:category_nicename"),
                c.text_of("wp:category_parent"),
            )
        })
        .collect();
    let categories = by_slug(&data, "categories");
    for (slug, parent) in &declared {
        let stored = categories
            .get(*slug)
            .unwrap_or_else(|| panic!("category {slug} missing"));
        let parent = Some(*parent).filter(|p| !p.is_empty());
        assert_eq!(stored["parent_slug"].as_str(), parent, "{slug}");
    }
    let depth = |slug: &str| {
        let mut depth = 1;
        let mut at = categories[slug];
        while let Some(parent) = at["parent_slug"].as_str() {
            depth += 1;
            at = categories[parent];
        }
        depth
    };
    let mut depths = [0usize; 4];
    for slug in categories.keys() {
        depths[depth(slug)] += 1;
    }
    assert_eq!(depths, [0, 58, 8, 2]);
    let articles = by_slug(&data, "articles");
    let posts: Vec<&Element> = channel
        .all("item")
        .filter(|i| i.text_of("wp:post_type") == "post")
        .collect();
    assert_eq!(posts.len(), 58);
    let mut by_status: HashMap<&str, usize> = HashMap::new();
    for article in articles.values() {
        *by_status
            .entry(article["status"].as_str().unwrap())
            .or_default() += 1;
        let category = article["category_slug"].as_str().unwrap();
        assert!(categories.contains_key(category));
    }
    assert_eq!(by_status["published"], 56);
    assert_eq!(by_status["draft"], 2);
    assert_eq!(
        articles["scheduled"]["published_at"],
        "2030-01-01T19:00:18Z"
    );
    assert_eq!(articles["draft"]["status"], "draft");
    assert_eq!(
        articles["markup-title-with-markup"]["title"],
        "Markup: Title With Markup"
    );
    for post in posts {
        let filed: Vec<&str> = post
            .all("category")
            .filter(|c| c.attribute("domain") == Some("category"))
            .filter_map(|c| c.attribute("nicename"))
            .collect();
        let slug = post.text_of("wp:post_name");
        let Some(article) = articles.get(slug) else {
            assert!(slug.is_empty(), "post {slug} missing");
            continue;
        };
        let category = article["category_slug"].as_str().unwrap();
        assert!(
            filed.contains(&category) || (filed.is_empty() && category == "uncategorized"),
            "{slug} filed in {category}, not in {filed:?}"
        );
    }
    // A second run changes nothing.
    let (_, again) = run(&db, &path, false, false).unwrap();
    assert_eq!(
        again.articles + again.categories + again.tags + again.people,
        0,
        "{again}"
    );
}

/// Runs the `healthhub` binary with `args` on the database `url`.
fn healthhub(url: &str, dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_healthhub"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("DATABASE_URL", url)
        .env("JWT_SECRET", "an-import-test-secret-of-forty-characters")
        .env("HEALTHHUB_DEMO", "false")
        .env("RUST_LOG", "warn")
        .output()
        .expect("run healthhub")
}

#[test]
fn the_command_line_reports_a_dry_run_a_real_run_and_refuses_a_hostile_file() {
    let (db, database, dir) = fresh();
    drop(db);
    let small = fixture("small.xml");
    let small = small.to_str().unwrap();
    let dry = healthhub(
        database.url(),
        dir.path(),
        &["import", "--from", "wordpress", "--dry-run", small],
    );
    let stderr = String::from_utf8_lossy(&dry.stderr);
    assert!(dry.status.success(), "{stderr}");
    assert!(
        stderr.contains("would write: 5 categories, 2 people, 6 tags, 7 articles"),
        "{stderr}"
    );
    assert!(
        stderr.contains("post 104 (lnwm-lshy): <script> removed with its content"),
        "{stderr}"
    );
    assert!(stderr.contains("dry run: nothing written"), "{stderr}");
    let real = healthhub(
        database.url(),
        dir.path(),
        &["import", "--from", "wordpress", small],
    );
    let stderr = String::from_utf8_lossy(&real.stderr);
    assert!(real.status.success(), "{stderr}");
    assert!(
        stderr.contains("wrote: 5 categories, 2 people, 6 tags, 7 articles"),
        "{stderr}"
    );
    let hostile = fixture("hostile/billion-laughs.xml");
    let refused = healthhub(
        database.url(),
        dir.path(),
        &["import", "--from", "wordpress", hostile.to_str().unwrap()],
    );
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success(), "{stderr}");
    assert!(stderr.contains("line 3: a DOCTYPE"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// The over-long title every source's limits test gives: 419 characters.
pub fn long_title() -> String {
    "Sleep ".repeat(70).trim_end().to_owned()
}

/// The over-long excerpt every source's limits test gives: 1 499 characters.
pub fn long_excerpt() -> String {
    "word ".repeat(300).trim_end().to_owned()
}

/// How many sections the limits tests' bodies have: over the 200 an article may have.
const SECTION_COUNT: usize = 205;

/// A body of [`SECTION_COUNT`] sections as HTML: the first heading 599 characters long, the
/// second section's body 100 block quotes deep.
pub fn over_limit_html() -> String {
    let mut html = format!(
        "<h2>{}</h2>\n\n<p>Body 1</p>",
        "Long ".repeat(120).trim_end()
    );
    html.push_str(&format!(
        "\n\n<h2>Heading 2</h2>\n\n{}<p>deep words</p>{}",
        "<blockquote>".repeat(100),
        "</blockquote>".repeat(100)
    ));
    for i in 3..=SECTION_COUNT {
        html.push_str(&format!("\n\n<h2>Heading {i}</h2>\n\n<p>Body {i}</p>"));
    }
    html
}

/// [`over_limit_html`] as Markdown.
pub fn over_limit_markdown() -> String {
    let mut markdown = format!("## {}\n\nBody 1\n", "Long ".repeat(120).trim_end());
    markdown.push_str(&format!(
        "\n## Heading 2\n\n{}deep words\n",
        "> ".repeat(100)
    ));
    for i in 3..=SECTION_COUNT {
        markdown.push_str(&format!("\n## Heading {i}\n\nBody {i}\n"));
    }
    markdown
}

/// Asserts that the stored `article` made from [`long_title`], [`long_excerpt`] and
/// [`over_limit_html`] (or its Markdown) was fitted into the API's limits, each change named in
/// `warnings`.
pub fn assert_fitted(article: &Value, warnings: &[String]) {
    let chars = |value: &Value| value.as_str().map_or(0, |s| s.chars().count());
    let title = article["title"].as_str().unwrap_or_default();
    assert!(
        chars(&article["title"]) <= 300 && title.starts_with("Sleep Sleep") && title.ends_with('…'),
        "{title}"
    );
    assert!(chars(&article["excerpt"]) <= 1000);
    let sections = section_bodies(article);
    assert_eq!(sections.len(), 200);
    assert!(sections[0].0.starts_with("Long Long") && sections[0].0.chars().count() <= 500);
    assert_eq!(sections[199].0, "Heading 200");
    for text in ["Body 200", "### Heading 201", "### Heading 205", "Body 205"] {
        assert!(
            sections[199].1.contains(text),
            "{text}: {}",
            sections[199].1
        );
    }
    assert!(sections[1].1.contains("deep words"), "{}", sections[1].1);
    assert_eq!(
        healthhub::support::markdown::nesting(&sections[1].1).excess(),
        None
    );
    for expected in [
        "title is 419 characters, over the limit of 300: cut to ",
        "excerpt is 1499 characters, over the limit of 1000: cut to ",
        "sections[0].heading is 599 characters, over the limit of 500: cut to ",
        "205 sections, over the limit of 200: sections 200 to 205 joined into the last",
        "over the limit of 32: flattened",
    ] {
        assert!(has(warnings, expected), "{expected}: {warnings:?}");
    }
}

/// A WXR 1.2 export with one author (`amara`), the term declarations `declarations` and the
/// `<item>`s `items`.
pub fn wxr(declarations: &str, items: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <rss version=\"2.0\" xmlns:excerpt=\"http://wordpress.org/export/1.2/excerpt/\" \
         xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:wp=\"http://wordpress.org/export/1.2/\">\n\
         <channel><wp:wxr_version>1.2</wp:wxr_version>\n\
         <wp:author><wp:author_login><![CDATA[amara]]></wp:author_login>\
         <wp:author_display_name><![CDATA[Amara]]></wp:author_display_name></wp:author>\n\
         {declarations}\n{items}\n</channel></rss>\n"
    )
}

/// A published post `id` of the export, by `creator`, with its `content`, `excerpt` and any
/// further raw XML `extra` (post meta, categories).
fn post(
    id: u32,
    slug: &str,
    title: &str,
    creator: &str,
    excerpt: &str,
    content: &str,
    extra: &str,
) -> String {
    format!(
        "<item><title><![CDATA[{title}]]></title><dc:creator><![CDATA[{creator}]]></dc:creator>\
         <content:encoded><![CDATA[{content}]]></content:encoded>\
         <excerpt:encoded><![CDATA[{excerpt}]]></excerpt:encoded>\
         <wp:post_id>{id}</wp:post_id><wp:post_date_gmt>2024-01-02 03:04:05</wp:post_date_gmt>\
         <wp:post_name><![CDATA[{slug}]]></wp:post_name><wp:status>publish</wp:status>\
         <wp:post_type>post</wp:post_type>{extra}</item>\n"
    )
}

#[test]
fn over_long_texts_and_too_many_sections_are_cut_with_warnings_and_the_post_is_imported() {
    let (db, _database, dir) = fresh();
    let long_tag = "Tag ".repeat(40);
    let declarations = format!(
        "<wp:tag><wp:tag_slug>long-tag</wp:tag_slug><wp:tag_name><![CDATA[{long_tag}]]></wp:tag_name></wp:tag>"
    );
    let meta = format!(
        "<category domain=\"post_tag\" nicename=\"long-tag\"><![CDATA[x]]></category>\
         <wp:postmeta><wp:meta_key>_yoast_wpseo_title</wp:meta_key>\
         <wp:meta_value><![CDATA[{}]]></wp:meta_value></wp:postmeta>",
        "Meta ".repeat(20).trim_end()
    );
    let items = post(
        1,
        "long-post",
        &long_title(),
        "amara",
        &long_excerpt(),
        &over_limit_html(),
        &meta,
    );
    let path = dir.path().join("long.xml");
    std::fs::write(&path, wxr(&declarations, &items)).unwrap();
    let (converted, summary) = run(&db, &path, false, false).unwrap();
    assert_eq!(summary.articles, 1, "{summary}");
    let data = stored(&db, dir.path());
    let articles = by_slug(&data, "articles");
    let warnings = warnings_of(&converted, "1");
    assert_fitted(articles["long-post"], &warnings);
    let meta_title = articles["long-post"]["seo"]["meta_title"].as_str().unwrap();
    assert!(meta_title.chars().count() <= 70, "{meta_title}");
    assert!(
        has(
            &warnings,
            "seo.meta_title is 99 characters, over the limit of 70"
        ),
        "{warnings:?}"
    );
    let tags = by_slug(&data, "tags");
    assert!(tags["long-tag"]["name"].as_str().unwrap().chars().count() <= 100);
    assert!(converted.warnings.iter().any(|w| w.item == "tag 'long-tag'"
        && w.message
            .starts_with("name is 159 characters, over the limit of 100")));
}

#[test]
fn a_tag_declared_twice_and_a_post_without_an_author_are_warned_about() {
    let (db, _database, dir) = fresh();
    let declarations =
        "<wp:tag><wp:tag_slug>sleep</wp:tag_slug><wp:tag_name>Sleep</wp:tag_name></wp:tag>\
        <wp:tag><wp:tag_slug>sleep</wp:tag_slug><wp:tag_name>Sleep again</wp:tag_name></wp:tag>\
        <wp:term><wp:term_taxonomy>post_tag</wp:term_taxonomy><wp:term_slug>sleep</wp:term_slug>\
        <wp:term_name>Sleep as a term</wp:term_name></wp:term>";
    let items = post(7, "no-author", "No author", "", "", "<p>Text.</p>", "");
    let path = dir.path().join("twice.xml");
    std::fs::write(&path, wxr(declarations, &items)).unwrap();
    let (converted, _) = run(&db, &path, false, false).unwrap();
    let file: Vec<String> = converted
        .warnings
        .iter()
        .filter(|w| w.item == "file")
        .map(|w| w.message.clone())
        .collect();
    for second in ["Sleep again", "Sleep as a term"] {
        let expected = format!("tag 'sleep' is declared again ('{second}'): the first is kept");
        assert!(has(&file, &expected), "{expected}: {file:?}");
    }
    let data = stored(&db, dir.path());
    assert_eq!(by_slug(&data, "tags")["sleep"]["name"], "Sleep");
    assert!(has(
        &warnings_of(&converted, "7"),
        "no author (dc:creator): no byline"
    ));
}

#[test]
fn a_bad_site_url_is_refused_before_anything_is_read_or_created() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("never.db");
    let url = database.to_str().unwrap();
    for bad in [
        "example.org",
        "https://example.org/?ref=x",
        "https://example.org/#top",
        "ftp://example.org",
    ] {
        let out = healthhub(
            url,
            dir.path(),
            &[
                "import",
                "--from",
                "ghost",
                "--site-url",
                bad,
                "missing-file.json",
            ],
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{bad}: {stderr}");
        assert!(
            stderr.contains("--site-url must be an absolute http(s) URL"),
            "{stderr}"
        );
        assert!(
            !stderr.contains("missing-file.json"),
            "the file is not read: {stderr}"
        );
        assert!(!database.exists(), "no database is created");
    }
}

#[test]
fn a_dry_run_on_a_database_that_does_not_exist_creates_none() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("not-yet.db");
    let small = fixture("small.xml");
    let out = healthhub(
        database.to_str().unwrap(),
        dir.path(),
        &[
            "import",
            "--from",
            "wordpress",
            "--dry-run",
            small.to_str().unwrap(),
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("would write: 5 categories, 2 people, 6 tags, 7 articles"),
        "{stderr}"
    );
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "nothing created: {left:?}");
}
