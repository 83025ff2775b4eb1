//! Tests: `healthhub import --from ghost` on `tests/fixtures/import/ghost/` (its README is the
//! oracle): users, public and internal tags, statuses, slugs, SEO, sections, warnings, re-runs,
//! dry runs and the hostile files.

use crate::import_wordpress::{
    assert_articles, assert_fitted, by_slug, count, fresh, has, long_excerpt, long_title,
    over_limit_html, run_source, section_bodies, stored, strings, warnings_of, Row,
};
use healthhub::dataset::import::ImportSummary;
use healthhub::dataset::sources::{Converted, Source};
use healthhub::db::Database;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import/ghost")
        .join(name)
}

fn run(
    db: &Database,
    path: &Path,
    site_url: Option<&str>,
    dry_run: bool,
) -> anyhow::Result<(Converted, ImportSummary)> {
    run_source(db, Source::Ghost, path, site_url, false, dry_run)
}

const SITE: Option<&str> = Some("https://ghost.example.org");

#[test]
fn the_ghost_export_lands_as_the_fixture_readme_says_and_a_rerun_changes_nothing() {
    let (db, _database, dir) = fresh();
    let (converted, summary) = run(&db, &fixture("small.json"), SITE, false).unwrap();
    assert_eq!(
        (summary.people, summary.tags, summary.articles),
        (2, 4, 9),
        "{summary}"
    );
    assert_eq!(summary.categories + summary.categories_unchanged, 1);
    assert_eq!(converted.skipped["pages"], 1);
    assert_eq!(converted.skipped["internal tags"], 2);

    let data = stored(&db, dir.path());
    assert!(!data.to_string().contains("@example.org"), "no e-mail");
    let people = by_slug(&data, "people");
    assert_eq!(people["priya"]["name"], "Dr. Priya Nair");
    assert_eq!(people["priya"]["bio"], "GP and sleep researcher.");
    assert_eq!(
        strings(&people["priya"]["links"]),
        ["https://priya.example.org"]
    );
    assert_eq!(people["tom"]["name"], "Tom O’Brien");
    let tags = by_slug(&data, "tags");
    assert_eq!(tags["nutrition"]["description"], "Food and drink.");
    for slug in ["hydration", "vitamins", "sleep"] {
        assert!(tags.contains_key(slug), "{slug}");
    }

    let articles = by_slug(&data, "articles");
    let rows: [Row; 9] = [
        (
            "hydration-myths",
            "Hydration Myths, Debunked 💧",
            "published",
            Some("2024-05-02T07:30:00Z"),
            "uncategorized",
            &["nutrition", "hydration"],
            &["priya", "tom"],
        ),
        (
            "electrolytes-and-you",
            "Electrolytes & You: A Draft",
            "draft",
            None,
            "uncategorized",
            &[],
            &["tom"],
        ),
        (
            "sleep-and-screens",
            "Sleep & Screens: Is Blue Light < Bedtime Scrolling?",
            "published",
            Some("2031-01-15T07:00:00Z"),
            "uncategorized",
            &["sleep"],
            &["priya"],
        ),
        (
            "how-sleep-cycles-work",
            "Watch: How Sleep Cycles Work",
            "published",
            Some("2024-03-10T06:00:00Z"),
            "uncategorized",
            &["sleep"],
            &["priya"],
        ),
        (
            "magnesium-and-sleep",
            "Members Only: Magnesium and Sleep",
            "draft",
            None,
            "uncategorized",
            &["sleep", "nutrition"],
            &["priya"],
        ),
        (
            "hydration-myths-2",
            "Hydration Myths (old version)",
            "draft",
            None,
            "uncategorized",
            &["hydration"],
            &["tom"],
        ),
        (
            "untitled",
            "Untitled (Ghost post 6650a1b2c3d4e5f600000207)",
            "draft",
            None,
            "uncategorized",
            &[],
            &["tom"],
        ),
        (
            "vitamin-d-winter",
            "فيتامين د في الشتاء ☀️",
            "published",
            Some("2023-12-01T09:00:00Z"),
            "uncategorized",
            &["vitamins"],
            &["priya"],
        ),
        (
            "march-roundup",
            "Newsletter: March roundup",
            "draft",
            None,
            "uncategorized",
            &[],
            &["priya"],
        ),
    ];
    assert_articles(&articles, &rows);
    assert_eq!(
        articles["hydration-myths"]["excerpt"],
        "Eight glasses a day? Not quite."
    );
    assert_eq!(
        articles["hydration-myths"]["seo"]["canonical_url"],
        "https://www.example.org/hydration-myths"
    );
    assert_eq!(
        articles["hydration-myths"]["feature_image"],
        serde_json::json!({
            "source_url": "https://ghost.example.org/content/images/2024/05/water.jpg",
            "alt": "Sunlit glass of water on a table", "caption": "Photo by Sam Lee",
        }),
        "__GHOST_URL__ resolved with --site-url, kept as an external reference"
    );
    assert_eq!(
        articles["how-sleep-cycles-work"]["seo"]["meta_description"],
        "A two-minute video on the four stages of sleep."
    );

    let headings = |slug: &str| -> Vec<String> {
        section_bodies(articles[slug])
            .into_iter()
            .map(|(h, _)| h)
            .collect()
    };
    assert_eq!(
        headings("hydration-myths"),
        ["Introduction", "How much water?", "Coffee counts"]
    );
    assert_eq!(
        headings("sleep-and-screens"),
        ["Introduction", "Blue light", "Scrolling"]
    );
    assert_eq!(headings("vitamin-d-winter"), ["Why winter?", "How much?"]);
    assert_eq!(headings("magnesium-and-sleep"), ["Introduction", "Dose"]);
    assert!(headings("untitled").is_empty());
    let hydration = section_bodies(articles["hydration-myths"]);
    assert!(hydration[1].1.contains(
        "![A glass of tap water](https://ghost.example.org/content/images/2024/05/glass.jpg)"
    ));
    assert!(hydration[2].1.contains("### But alcohol?"));
    assert!(!data.to_string().contains("__GHOST_URL__"));
    let video = section_bodies(articles["how-sleep-cycles-work"]);
    assert!(video[0]
        .1
        .contains("<https://www.youtube.com/embed/abc123?feature=oembed>"));
    assert!(!video[1].1.contains("<script") && !video[1].1.contains("widget.js"));
    assert!(
        video[2].1.contains("https://www.example.org/sleep-study")
            && video[2].1.contains("A large sleep study")
    );

    let warnings = |id: &str| -> Vec<String> {
        converted
            .warnings
            .iter()
            .filter(|w| w.item.contains(id))
            .map(|w| w.message.clone())
            .collect()
    };
    for (id, texts) in [
        (
            "…200",
            &[
                "internal tag(s) not carried",
                "feature image kept as an external reference to https://ghost.example.org/content/images/2024/05/water.jpg",
            ][..],
        ),
        ("…204", &["<iframe> replaced by a link", "<script> removed"]),
        ("…205", &["visibility 'paid'", "<!--members-only-->"]),
        ("…206", &["'hydration-myths-2'"]),
        ("…207", &["no title", "empty body"]),
        ("…209", &["status 'sent'"]),
    ] {
        let id = id.replace('…', "6650a1b2c3d4e5f600000");
        let found = warnings(&id);
        for text in texts {
            assert!(has(&found, text), "{id}: {text:?} not in {found:?}");
        }
    }

    let changes = count(&db, "SELECT COUNT(*) AS n FROM changes");
    let (again, summary) = run(&db, &fixture("small.json"), SITE, false).unwrap();
    assert_eq!(
        summary.articles + summary.tags + summary.people + summary.categories,
        0,
        "{summary}"
    );
    assert_eq!(again.warnings, converted.warnings);
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM changes"), changes);
}

#[test]
fn without_a_site_url_ghost_urls_stay_root_relative_with_a_warning_and_a_dry_run_writes_nothing() {
    let (db, _database, _dir) = fresh();
    let changes = count(&db, "SELECT COUNT(*) AS n FROM changes");
    let (converted, summary) = run(&db, &fixture("small.json"), None, true).unwrap();
    assert_eq!(summary.articles, 9);
    assert!(converted
        .warnings
        .iter()
        .any(|w| w.message.contains("pass --site-url")));
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM changes"), changes);
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) AS n FROM articles WHERE slug = 'hydration-myths'"
        ),
        0
    );
}

#[test]
fn hostile_ghost_files_are_refused_naming_what_is_wrong() {
    let (db, _database, _dir) = fresh();
    let articles = count(&db, "SELECT COUNT(*) AS n FROM articles");
    for (file, expected) in [
        (
            "not-json.json",
            "not JSON: expected value at line 1 column 1",
        ),
        ("truncated.json", "control character"),
        ("huge-nesting.json", "recursion limit exceeded"),
        ("wrong-shape.json", "(at db[0].data.posts)"),
        ("top-level-array.json", "not a Ghost export"),
    ] {
        let message = format!(
            "{:#}",
            run(&db, &fixture(&format!("hostile/{file}")), SITE, false).unwrap_err()
        );
        assert!(message.contains(expected), "{file}: {message}");
        assert_eq!(
            count(&db, "SELECT COUNT(*) AS n FROM articles"),
            articles,
            "{file}"
        );
    }
}

/// A post whose HTML the converter refuses (nested past its limit) is a bad item, as in a
/// WordPress export: the import stops writing nothing, or leaves it out with
/// `--continue-on-error`; a post whose content is only in Lexical or Mobiledoc says so.
#[test]
fn a_body_the_converter_refuses_is_a_bad_post_and_lexical_only_content_is_reported() {
    let (db, _database, dir) = fresh();
    let mut export: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixture("small.json")).unwrap()).unwrap();
    let posts = export["db"][0]["data"]["posts"].as_array_mut().unwrap();
    posts[0]["html"] = format!("{}x{}", "<div>".repeat(300), "</div>".repeat(300)).into();
    posts[1]["html"] = serde_json::Value::Null;
    posts[1]["lexical"] = "{\"root\":{\"children\":[]}}".into();
    let deep_id = posts[0]["id"].as_str().unwrap().to_owned();
    let path = dir.path().join("deep.json");
    std::fs::write(&path, export.to_string()).unwrap();
    let articles = count(&db, "SELECT COUNT(*) AS n FROM articles");
    let error = run(&db, &path, SITE, false).unwrap_err();
    assert!(
        format!("{error:#}").contains(&format!("post {deep_id}")),
        "{error:#}"
    );
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM articles"), articles);
    let (converted, _) = run_source(&db, Source::Ghost, &path, SITE, true, false).unwrap();
    assert_eq!(converted.bad.len(), 1, "{:?}", converted.bad);
    assert!(
        converted.bad[0].contains("nested deeper"),
        "{:?}",
        converted.bad
    );
    assert!(converted
        .warnings
        .iter()
        .any(|w| w.message.contains("only in lexical or mobiledoc")));
}

#[test]
fn over_long_texts_and_too_many_sections_are_cut_with_warnings_and_a_post_without_authors_is_noted()
{
    let (db, _database, dir) = fresh();
    let mut export: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixture("small.json")).unwrap()).unwrap();
    let data = &mut export["db"][0]["data"];
    let long_id = data["posts"][0]["id"].as_str().unwrap().to_owned();
    let lonely_id = data["posts"][1]["id"].as_str().unwrap().to_owned();
    data["posts"][0]["title"] = long_title().into();
    data["posts"][0]["custom_excerpt"] = long_excerpt().into();
    data["posts"][0]["html"] = over_limit_html().into();
    let links = data["posts_authors"].as_array_mut().unwrap();
    links.retain(|link| link["post_id"] != lonely_id.as_str());
    links.push(serde_json::json!({"id": "x", "post_id": long_id, "author_id": "no-such-user", "sort_order": 9}));
    let path = dir.path().join("long.json");
    std::fs::write(&path, export.to_string()).unwrap();
    let (converted, summary) = run(&db, &path, SITE, false).unwrap();
    assert_eq!(summary.articles, 9, "{summary}");
    let of = |id: &str| warnings_of(&converted, id);
    let data = stored(&db, dir.path());
    let articles = by_slug(&data, "articles");
    let long = of(&long_id);
    assert_fitted(articles["hydration-myths"], &long);
    assert!(
        has(&long, "author no-such-user is not in the file"),
        "{long:?}"
    );
    assert!(has(&of(&lonely_id), "no author: no byline"));
    assert!(strings(&articles["electrolytes-and-you"]["author_slugs"]).is_empty());
}

#[test]
fn a_root_relative_feature_image_of_an_older_export_is_resolved_with_the_site_url() {
    let (db, _database, dir) = fresh();
    let mut export: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixture("small.json")).unwrap()).unwrap();
    let post = &mut export["db"][0]["data"]["posts"][0];
    assert_eq!(post["slug"], "hydration-myths");
    post["feature_image"] = "/content/images/2019/05/glass.jpg".into();
    let path = dir.path().join("older.json");
    std::fs::write(&path, export.to_string()).unwrap();
    run(&db, &path, SITE, false).unwrap();
    let data = stored(&db, dir.path());
    assert_eq!(
        by_slug(&data, "articles")["hydration-myths"]["feature_image"]["source_url"],
        format!(
            "{}/content/images/2019/05/glass.jpg",
            SITE.unwrap().trim_end_matches('/')
        )
    );
}

#[test]
fn the_fallback_category_is_created_when_missing_and_an_existing_one_is_left_as_it_is() {
    use diesel::RunQueryDsl;
    let (db, _database, dir) = fresh();
    let path = fixture("small.json");
    run(&db, &path, SITE, false).unwrap();
    db.write_blocking(|conn| {
        diesel::sql_query(
            "UPDATE categories SET name = 'Misc', description = 'Keep me', position = 5 \
             WHERE slug = 'uncategorized'",
        )
        .execute(conn)?;
        Ok(())
    })
    .unwrap();
    let (_, summary) = run(&db, &path, SITE, false).unwrap();
    assert_eq!(summary.categories, 0, "{summary}");
    let data = stored(&db, dir.path());
    let category = by_slug(&data, "categories")["uncategorized"];
    assert_eq!(
        (
            &category["name"],
            &category["description"],
            &category["position"]
        ),
        (&"Misc".into(), &"Keep me".into(), &5.into())
    );
}
