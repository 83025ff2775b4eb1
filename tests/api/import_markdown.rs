//! Tests: `healthhub import --from markdown` on `tests/fixtures/import/markdown/` (its README
//! is the oracle): front matter of each generator, folders as categories, statuses and dates,
//! slugs, warnings, re-runs, dry runs and the hostile files.

use crate::import_wordpress::{
    assert_articles, assert_fitted, assert_sections, by_slug, count, fresh, has, long_excerpt,
    long_title, messages, over_limit_markdown, run_source, stored, Row,
};
use crate::test_db::TestDatabase;
use healthhub::dataset::import::ImportSummary;
use healthhub::dataset::sources::{Converted, Source};
use healthhub::db::Database;
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
    let site = Some("https://md.example.org");
    run_source(db, Source::Markdown, dir, site, continue_on_error, dry_run)
}

/// A fresh database after importing a folder holding one file, `name` with `text`: the
/// database, its handle and folder (kept while they are used), the warnings' messages and the
/// summary.
fn import_one_file(
    name: &str,
    text: &str,
) -> (
    Database,
    TestDatabase,
    tempfile::TempDir,
    Vec<String>,
    ImportSummary,
) {
    let (db, database, dir) = fresh();
    let site = dir.path().join("one-file");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(site.join(name), text).unwrap();
    let (converted, summary) = run(&db, &site, false, false).unwrap();
    (db, database, dir, messages(&converted), summary)
}

#[test]
fn a_bad_file_stops_the_folder_and_nothing_is_written() {
    let (db, _database, _dir) = fresh();
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
    let (db, _database, dir) = fresh();
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
    assert_eq!(
        articles["sleep-hygiene-101"]["feature_image"],
        serde_json::json!({
            "source_url": "https://md.example.org/images/bed.jpg",
            "alt": "An unmade bed in morning light", "caption": "",
        }),
        "a root-relative cover resolved with --site-url, kept as an external reference"
    );
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
    assert_articles(&articles, &rows);
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

    assert_sections(&articles, "new-sleep-study", &[("Introduction", &[], &[])]);
    assert_sections(
        &articles,
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
    assert_sections(
        &articles,
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
    assert_sections(
        &articles,
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
    assert_sections(
        &articles,
        "vitamin-d",
        &[
            ("Why it matters", &[], &[]),
            ("Who needs a supplement", &[], &[]),
        ],
    );
    assert_sections(&articles, "magnesium", &[("Introduction", &[], &[])]);
    assert_sections(
        &articles,
        "sleep-jp",
        &[
            ("Introduction", &["睡眠は健康の基本です。"], &[]),
            ("睡眠時間", &[], &[]),
        ],
    );
    assert_sections(
        &articles,
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
    assert_sections(
        &articles,
        "sleep-hygiene-101-2",
        &[("Introduction", &[], &[])],
    );

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
            &[
                "also in Prevention",
                "Liquid tag",
                "no alt text",
                "unmapped front matter keys: layout",
            ],
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
                "unmapped front matter keys: updatedDate",
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
                "feature image kept as an external reference to https://md.example.org/images/bed.jpg",
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
    assert_eq!(
        warnings("notes/"),
        ["unmapped front matter keys: permalink"],
        "one warning per file lists the keys not carried"
    );

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
    let (db, _database, _dir) = fresh();
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
    let (db, _database, dir) = fresh();
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

/// `draft` and `published` are read as Hugo reads them (booleans, and strings and numbers that
/// say yes or no); a value that says neither keeps the article a draft, with a warning: when in
/// doubt, nothing is published. Files named `.md` or `.markdown`, in any case, are read.
#[test]
fn draft_switches_are_read_as_hugo_reads_them_and_md_and_markdown_files_are_read() {
    let (db, _database, dir) = fresh();
    let site = dir.path().join("switches");
    std::fs::create_dir_all(&site).unwrap();
    let cases = [
        ("draft: \"true\"", "draft"),
        ("draft: \"Yes\"", "draft"),
        ("draft: 1", "draft"),
        ("draft: [true]", "draft"),
        ("draft: maybe", "draft"),
        ("published: \"false\"", "draft"),
        ("published: 0", "draft"),
        ("published: {at: 1}", "draft"),
        ("draft: \"no\"", "published"),
        ("draft: false", "published"),
        ("published: \"on\"", "published"),
    ];
    for (i, (switch, _)) in cases.iter().enumerate() {
        let text = format!("---\ntitle: Case {i}\ndate: 2024-01-02\n{switch}\n---\nBody.\n");
        std::fs::write(site.join(format!("case-{i}.md")), text).unwrap();
    }
    std::fs::write(
        site.join("toml.md"),
        "+++\ntitle = \"Toml\"\ndate = \"2024-01-02\"\ndraft = \"true\"\n+++\nBody.\n",
    )
    .unwrap();
    // Jekyll's default extension, and any case of either.
    for name in ["jekyll.markdown", "LOUD.MD"] {
        let text = "---\ntitle: Other name\ndate: 2024-01-02\n---\nBody.\n";
        std::fs::write(site.join(name), text).unwrap();
    }
    let (converted, _) = run(&db, &site, false, false).unwrap();
    let data = stored(&db, dir.path());
    let articles = by_slug(&data, "articles");
    assert_eq!(articles["jekyll"]["status"], "published");
    assert_eq!(articles["loud"]["status"], "published");
    for (i, (switch, status)) in cases.iter().enumerate() {
        let article = articles[&format!("case-{i}")];
        assert_eq!(article["status"], *status, "{switch}");
    }
    assert_eq!(articles["toml"]["status"], "draft");
    let doubtful: Vec<&str> = converted
        .warnings
        .iter()
        .filter(|w| w.message.contains("is not true or false"))
        .map(|w| w.item.as_str())
        .collect();
    assert_eq!(doubtful.len(), 3, "{doubtful:?}");
}

#[test]
fn over_long_front_matter_and_too_many_sections_are_cut_and_unmapped_keys_listed_once() {
    let text = format!(
        "---\ntitle: {}\ndate: 2024-01-02\ndescription: {}\nlayout: post\nweight: 3\n---\n{}",
        long_title(),
        long_excerpt(),
        over_limit_markdown()
    );
    let (db, _database, dir, warnings, summary) = import_one_file("long-post.md", &text);
    assert_eq!(summary.articles, 1, "{summary}");
    let data = stored(&db, dir.path());
    let article = by_slug(&data, "articles")["long-post"];
    assert_fitted(article, &warnings);
    let description = article["seo"]["meta_description"].as_str().unwrap();
    assert!(
        description.chars().count() <= 160 && description.ends_with('…'),
        "{description}"
    );
    assert!(has(
        &warnings,
        "seo.meta_description is 1499 characters, over the limit of 160"
    ));
    let unmapped: Vec<&String> = warnings.iter().filter(|w| w.contains("unmapped")).collect();
    assert_eq!(unmapped, ["unmapped front matter keys: layout, weight"]);
}

#[test]
fn names_that_collide_on_one_slug_or_are_empty_are_reported_not_merged_silently() {
    let text = "---\ntitle: Names\ndate: 2024-01-02\ncategories: [\"\", Health]\n\
                tags: [sleep, \"C++\", \"C\", \"\"]\n\
                authors: [\"Jane Doe\", \"jane doe\", \"\"]\n---\nBody.\n";
    let (db, _database, dir, warnings, summary) = import_one_file("names.md", text);
    assert_eq!(summary.articles, 1, "{summary}");
    for expected in [
        "an empty category name is left out",
        "tag 'C' has the slug of tag 'C++' ('c'): tagged 'C++'",
        "an empty tag name is left out",
        "author 'jane doe' has the slug of author 'Jane Doe' ('jane-doe'): credited as 'Jane Doe'",
        "an empty author name is left out",
    ] {
        assert!(has(&warnings, expected), "{expected:?} not in {warnings:?}");
    }
    let data = stored(&db, dir.path());
    let article = by_slug(&data, "articles")["names"];
    assert_eq!(article["tag_slugs"], serde_json::json!(["sleep", "c"]));
    assert_eq!(article["author_slugs"], serde_json::json!(["jane-doe"]));
    assert_eq!(article["category_slug"], "health");
}
