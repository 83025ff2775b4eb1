//! Tests: `healthhub import --from markdown` on `tests/fixtures/import/markdown/` (its README
//! is the oracle): front matter of each generator, folders as categories, statuses and dates,
//! slugs, warnings, re-runs, dry runs and the hostile files.

use crate::import_wordpress::{by_slug, count, has, section_bodies, stored};
use crate::test_db::TestDatabase;
use chrono::Utc;
use healthhub::dataset::import::{import_converted, ImportOptions, ImportSummary};
use healthhub::dataset::sources::{self, Converted, Source};
use healthhub::db::Database;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn site() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/markdown/site")
}

fn run(
    db: &Database,
    dir: &Path,
    continue_on_error: bool,
    dry_run: bool,
) -> anyhow::Result<(Converted, ImportSummary)> {
    let mut converted = sources::convert(
        Source::Markdown,
        dir,
        Some("https://md.example.org"),
        continue_on_error,
    )?;
    let records = std::mem::take(&mut converted.records);
    let options = ImportOptions {
        continue_on_error,
        ..ImportOptions::default()
    };
    let summary = import_converted(db, records, options, dry_run, Utc::now().naive_utc())?;
    Ok((converted, summary))
}

/// slug, title, status, published_at, category, tags, authors.
type Row<'a> = (
    &'a str,
    &'a str,
    &'a str,
    Option<&'a str>,
    &'a str,
    &'a [&'a str],
    &'a [&'a str],
);

fn strings(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

#[test]
fn a_bad_file_stops_the_folder_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let database = TestDatabase::create(dir.path());
    let db = Database::open(database.url(), 1).unwrap().0;
    let articles = count(&db, "SELECT COUNT(*) AS n FROM articles");
    let error = run(&db, &site(), false, false).unwrap_err();
    let message = format!("{error:#}");
    assert!(
        message.contains("health/broken-front-matter.md")
            && message.contains("file line 2")
            && message.contains("column 8"),
        "{message}"
    );
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM articles"), articles);
}

#[test]
fn the_site_lands_as_the_fixture_readme_says_and_a_rerun_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let database = TestDatabase::create(dir.path());
    let db = Database::open(database.url(), 1).unwrap().0;
    let (converted, summary) = run(&db, &site(), true, false).unwrap();
    assert_eq!(
        (summary.people, summary.tags, summary.articles),
        (2, 11, 9),
        "{summary}"
    );
    assert_eq!(
        summary.categories + summary.categories_unchanged,
        9,
        "{summary}"
    );
    assert_eq!(converted.bad.len(), 1);
    assert!(converted.bad[0].starts_with("health/broken-front-matter.md: "));
    assert_eq!(converted.skipped["Hugo list pages (_index.md)"], 1);

    let data = stored(&db, dir.path());
    let people = by_slug(&data, "people");
    assert_eq!(people["dr-amara-okafor"]["name"], "Dr. Amara Okafor");
    assert_eq!(people["lee-chen"]["name"], "Lee Chen");
    assert_eq!(people.len(), 2);

    let categories = by_slug(&data, "categories");
    for (slug, name, parent, position) in [
        ("uncategorized", "Uncategorized", None, 0),
        ("cardiology", "Cardiology", None, 1),
        ("health", "Health", None, 2),
        ("nutrition", "Nutrition", Some("health"), 0),
        ("vitamins", "Vitamins", Some("nutrition"), 0),
        ("notes", "Notes", None, 3),
        ("sleep", "Sleep", None, 4),
        ("wellbeing", "Wellbeing", None, 5),
        ("tips", "Tips", Some("sleep"), 0),
    ] {
        assert_eq!(categories[slug]["name"], name, "{slug}");
        assert_eq!(categories[slug]["parent_slug"].as_str(), parent, "{slug}");
        if slug != "uncategorized" {
            assert_eq!(categories[slug]["position"], position, "{slug}");
        }
    }
    assert_eq!(
        categories["sleep"]["description"],
        "Everything about sleep."
    );

    let mut tags: Vec<String> = by_slug(&data, "tags").into_keys().collect();
    tags.sort();
    assert_eq!(
        tags,
        [
            "exercise",
            "habits",
            "heart",
            "magnesium",
            "nutrition",
            "posts",
            "research",
            "sleep",
            "vitamins",
            "water",
            "winter"
        ]
    );

    let articles = by_slug(&data, "articles");
    let rows: [Row; 9] = [
        (
            "new-sleep-study",
            "A New Sleep Study",
            "draft",
            None,
            "uncategorized",
            &["sleep", "research"],
            &[],
        ),
        (
            "heart-health-basics",
            "Heart Health Basics",
            "published",
            Some("2024-02-14T00:00:00Z"),
            "cardiology",
            &["heart", "exercise"],
            &["dr-amara-okafor"],
        ),
        (
            "desk-stretches",
            "Stretching at Your Desk",
            "draft",
            None,
            "health",
            &[],
            &[],
        ),
        (
            "hydration",
            "Hydration: How Much Water Do You Need?",
            "published",
            Some("2024-07-08T00:00:00Z"),
            "nutrition",
            &["water", "nutrition"],
            &[],
        ),
        (
            "vitamin-d",
            "Vitamin D: Sonne, Süßes & Ärzte ☀️",
            "published",
            Some("2023-11-20T10:00:00Z"),
            "vitamins",
            &["vitamins", "winter"],
            &["lee-chen"],
        ),
        (
            "magnesium",
            "Magnesium and Sleep",
            "draft",
            None,
            "notes",
            &["posts", "magnesium"],
            &[],
        ),
        ("sleep-jp", "睡眠と健康", "draft", None, "notes", &[], &[]),
        (
            "sleep-hygiene-101",
            "Sleep Hygiene 101",
            "published",
            Some("2024-03-01T07:00:00Z"),
            "wellbeing",
            &["sleep", "habits"],
            &["dr-amara-okafor", "lee-chen"],
        ),
        (
            "sleep-hygiene-101-2",
            "Sleep Hygiene 101 (old copy)",
            "draft",
            None,
            "tips",
            &[],
            &[],
        ),
    ];
    assert_eq!(articles.len(), rows.len());
    for (slug, title, status, published_at, category, tags, authors) in rows {
        let article = articles[slug];
        assert_eq!(article["title"], title, "{slug}");
        assert_eq!(article["status"], status, "{slug}");
        assert_eq!(article["published_at"].as_str(), published_at, "{slug}");
        assert_eq!(article["category_slug"], category, "{slug}");
        assert_eq!(strings(&article["tag_slugs"]), tags, "{slug}");
        assert_eq!(strings(&article["author_slugs"]), authors, "{slug}");
    }
    assert_eq!(
        articles["heart-health-basics"]["excerpt"],
        "Five habits that protect your heart."
    );
    assert_eq!(
        articles["hydration"]["excerpt"],
        "Eight glasses a day is a rule of thumb, not a law."
    );
    assert_eq!(
        articles["sleep-hygiene-101"]["excerpt"],
        "Keep a schedule, keep it dark, keep it cool."
    );
    assert_eq!(
        articles["hydration"]["seo"]["meta_description"],
        "Eight glasses a day is a rule of thumb, not a law."
    );
    assert_eq!(
        articles["sleep-hygiene-101"]["seo"]["meta_description"],
        "Simple habits for better sleep."
    );

    let check = |slug: &str, expected: &[(&str, &[&str], &[&str])]| {
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
    };
    check("new-sleep-study", &[("Introduction", &[], &[])]);
    check(
        "heart-health-basics",
        &[
            (
                "Introduction",
                &["Your heart beats about 100,000 times a day."],
                &[],
            ),
            (
                "Move every day",
                &["brisk walking"],
                &["{%", "include note.html"],
            ),
            ("Eat more plants", &[], &[]),
        ],
    );
    check(
        "desk-stretches",
        &[
            (
                "Introduction",
                &["Sitting still for hours"],
                &["# Stretching at Your Desk"],
            ),
            ("Three stretches", &["1. Roll", "2. Tilt", "3. Stand"], &[]),
        ],
    );
    check(
        "hydration",
        &[
            ("Introduction", &["depend on heat, exercise and food"], &[]),
            (
                "What the studies say",
                &[
                    "drinking when thirsty",
                    "<https://www.youtube.com/embed/h2o-explainer>",
                ],
                &["<iframe", "<script", "analytics"],
            ),
            ("When to drink more", &[], &[]),
        ],
    );
    check(
        "vitamin-d",
        &[
            ("Why it matters", &[], &[]),
            ("Who needs a supplement", &[], &[]),
        ],
    );
    check("magnesium", &[("Introduction", &[], &[])]);
    check(
        "sleep-jp",
        &[
            ("Introduction", &["睡眠は健康の基本です。"], &[]),
            ("睡眠時間", &[], &[]),
        ],
    );
    check(
        "sleep-hygiene-101",
        &[
            (
                "Introduction",
                &["Good sleep starts long before bedtime."],
                &[],
            ),
            ("Keep a schedule", &["same times"], &["{{<", "youtube"]),
            ("Keep it dark", &[], &[]),
        ],
    );
    check("sleep-hygiene-101-2", &[("Introduction", &[], &[])]);

    let warnings = |file: &str| -> Vec<String> {
        converted
            .warnings
            .iter()
            .filter(|w| w.item.starts_with(file))
            .map(|w| w.message.clone())
            .collect()
    };
    for (file, texts) in [
        ("_drafts/new-sleep-study.md", &["no category"][..]),
        (
            "_posts/2024-02-14-heart-health-basics.md",
            &["also in Prevention", "Liquid tag", "no alt text"],
        ),
        (
            "health/desk-stretches.md",
            &["no front matter", "first heading is the title", "no date"],
        ),
        (
            "health/nutrition/hydration.md",
            &[
                "<iframe> replaced by a link",
                "<script> removed",
                "no alt text",
            ],
        ),
        (
            "health/nutrition/vitamins/vitamin-d/index.md",
            &["sun.jpg is page-relative"],
        ),
        (
            "sleep/sleep-hygiene.md",
            &[
                "Hugo shortcode",
                "feature image not imported: upload https://md.example.org/images/bed.jpg",
                "An unmade bed in morning light",
            ],
        ),
        (
            "sleep/tips/sleep-hygiene-copy.md",
            &["'sleep-hygiene-101-2'"],
        ),
    ] {
        let found = warnings(file);
        for text in texts {
            assert!(has(&found, text), "{file}: {text:?} not in {found:?}");
        }
    }
    assert!(warnings("notes/").is_empty());

    let changes = count(&db, "SELECT COUNT(*) AS n FROM changes");
    let (again, summary) = run(&db, &site(), true, false).unwrap();
    assert_eq!(
        summary.articles + summary.tags + summary.people + summary.categories,
        0,
        "{summary}"
    );
    assert_eq!(summary.unchanged, 9);
    assert_eq!(again.warnings, converted.warnings);
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM changes"), changes);
}

#[test]
fn a_dry_run_of_the_site_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let database = TestDatabase::create(dir.path());
    let db = Database::open(database.url(), 1).unwrap().0;
    let changes = count(&db, "SELECT COUNT(*) AS n FROM changes");
    let (_, summary) = run(&db, &site(), true, true).unwrap();
    assert_eq!(summary.articles, 9);
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) AS n FROM articles WHERE slug = 'hydration'"
        ),
        0
    );
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM changes"), changes);
}

#[test]
fn hostile_markdown_files_are_refused_naming_the_file_and_line() {
    let hostile =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/markdown/hostile");
    let dir = tempfile::tempdir().unwrap();
    let database = TestDatabase::create(dir.path());
    let db = Database::open(database.url(), 1).unwrap().0;
    for (file, expected) in [
        ("yaml-alias-bomb.md", "file line 8"),
        ("enormous-front-matter.md", "over the 65536-byte limit"),
        ("deep-nesting.md", "recursion limit exceeded"),
        (
            "unterminated-front-matter.md",
            "front matter opened on line 1 is never closed",
        ),
        ("latin1.md", "not UTF-8 (byte 15)"),
    ] {
        let folder = dir.path().join(file.trim_end_matches(".md"));
        std::fs::create_dir(&folder).unwrap();
        std::fs::copy(hostile.join(file), folder.join(file)).unwrap();
        let started = std::time::Instant::now();
        let message = format!("{:#}", run(&db, &folder, false, false).unwrap_err());
        assert!(
            message.contains(file) && message.contains(expected),
            "{file}: {message}"
        );
        assert!(started.elapsed().as_secs() < 10, "{file} took too long");
        let (converted, summary) = run(&db, &folder, true, false).unwrap();
        assert_eq!((converted.bad.len(), summary.articles), (1, 0), "{file}");
    }
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) AS n FROM articles WHERE slug = 'deep'"
        ),
        0
    );
}
