//! Tests: an import compares and writes every field of the data-set format (issue 11, kind 5).
//!
//! The fields come from the format itself (the keys of an exported record, sections included):
//! each is changed alone in a file that was imported before, the file is imported again, and
//! the export must then hold the change. A field this test does not know how to change fails
//! it, so a field added to the format cannot be forgotten by the import.

use chrono::{DateTime, Duration, Utc};
use diesel::connection::SimpleConnection;
use diesel::{Connection, SqliteConnection};
use healthhub::dataset::export::export;
use healthhub::dataset::import::{import, ImportOptions, ImportSummary};
use healthhub::db::Database;
use serde_json::{json, Value};
use std::path::Path;

/// The SHA-256 names of the media items every test database holds (a data set names media by
/// them; their files are not part of it).
const MEDIA: [&str; 2] = [
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
];

/// A data set with every optional field set.
fn base() -> Value {
    json!({
        "categories": [
            {"name": "Health", "slug": "health", "description": "All of it.", "parent_slug": null, "position": 0},
            {"name": "Food", "slug": "food", "description": "Eating.", "parent_slug": null, "position": 1},
            {"name": "Sleep", "slug": "sleep", "description": "Rest.", "parent_slug": "health", "position": 0},
        ],
        "people": [
            {"name": "Jane Doe", "slug": "jane-doe", "credentials": "MD", "bio": "A *doctor*.",
             "links": ["https://example.org/jane"],
             "avatar": {"sha256": MEDIA[1], "alt": "Jane, smiling"}},
            {"name": "Sam Lee", "slug": "sam-lee", "credentials": "RN", "bio": "A nurse.",
             "links": []},
        ],
        "tags": [
            {"name": "Sleep", "slug": "sleep", "description": "Rest and dreams."},
            {"name": "Stress", "slug": "stress", "description": ""},
        ],
        "articles": [{
            "title": "Sleep Well", "slug": "sleep-well", "subtitle": "Rest is a skill.",
            "excerpt": "How to sleep.", "status": "published",
            "published_at": "2025-04-19T00:00:00Z", "unpublish_at": "2027-01-01T00:00:00Z",
            "view_count": 42, "category_slug": "sleep",
            "sections": [
                {"position": 1, "heading": "Why", "body": "Sleep matters."},
                {"position": 2, "heading": "How", "body": "Keep a schedule."},
            ],
            "references": [{"title": "A study", "url": "https://example.org/study",
                            "publisher": "A journal", "year": 2020, "doi": "10.1000/xyz123",
                            "pubmed_id": "12345"}],
            "author_slugs": ["jane-doe"],
            "reviewer_slug": "sam-lee",
            "reviewed_at": "2025-04-01",
            "tag_slugs": ["sleep", "stress"],
            "seo": {"meta_title": "Sleep, well", "meta_description": "How to sleep well.",
                    "canonical_url": "https://example.org/sleep-well", "og_image_sha256": MEDIA[1]},
            "feature_image": {"sha256": MEDIA[0], "alt": "A made bed", "caption": "Rest first."},
        }],
    })
}

fn time(value: &Value, by: Duration) -> Value {
    let at: DateTime<Utc> = serde_json::from_value(value.clone()).expect("a time");
    serde_json::to_value(at + by).unwrap()
}

/// `record` with `field` changed to another valid value; `None` for the key field (`slug`),
/// which names the record rather than being one of its values.
fn changed(kind: &str, record: &Value, field: &str) -> Option<Value> {
    let mut record = record.clone();
    let value = &record[field];
    record[field] = match (kind, field) {
        (_, "slug") => return None,
        ("category", "name") | ("article", "title") => json!(format!("{} again", value.as_str()?)),
        (_, "description") | ("article", "subtitle" | "excerpt") => {
            json!(format!("{} More.", value.as_str()?))
        }
        ("category", "parent_slug") if record["slug"] == "food" => json!("health"),
        ("category", "parent_slug") => json!("food"),
        ("category", "position") => json!(value.as_i64()? + 7),
        ("article", "status") => json!("draft"),
        ("article", "published_at") => time(value, -Duration::days(1)),
        // The example: only unpublish_at changes, and a re-import said "unchanged".
        ("article", "unpublish_at") => time(value, Duration::days(1)),
        ("article", "view_count") => json!(value.as_i64()? + 1),
        ("article", "category_slug") => json!("food"),
        ("section", "heading") => json!(format!("{} then", value.as_str()?)),
        ("section", "body") => json!(format!("{} Really.", value.as_str()?)),
        // Positions order the sections: this one moves to the other end.
        ("section", "position") if value == 1 => json!(100),
        ("section", "position") => json!(0),
        ("person", "name") => json!(format!("{} Jr", value.as_str()?)),
        ("tag", "name") => json!(format!("{} health", value.as_str()?)),
        ("person", "credentials") => json!(format!("{}, PhD", value.as_str()?)),
        ("person", "bio") => json!(format!("{} Retired.", value.as_str()?)),
        ("person", "links") => json!(["https://example.org/elsewhere"]),
        ("person", "avatar") => json!({"sha256": MEDIA[0], "alt": "Jane at her desk"}),
        ("article", "references") => {
            let mut references = value.clone();
            references[0]["year"] = json!(2021);
            references
        }
        ("article", "author_slugs") => json!(["sam-lee", "jane-doe"]),
        ("article", "reviewer_slug") => json!("jane-doe"),
        ("article", "reviewed_at") => json!("2025-05-01"),
        ("article", "tag_slugs") => json!(["stress"]),
        ("article", "seo") => {
            let mut seo = value.clone();
            seo["canonical_url"] = Value::Null;
            seo["og_image_sha256"] = json!(MEDIA[0]);
            seo
        }
        ("article", "feature_image") => {
            json!({"sha256": MEDIA[1], "alt": "An unmade bed", "caption": ""})
        }
        (kind, field) => {
            panic!("the {kind} field `{field}` is not covered: teach this test to change it")
        }
    };
    Some(record)
}

/// A new database holding the media items of [`MEDIA`].
fn fresh(dir: &Path) -> Database {
    let path = dir.join("db.sqlite").to_string_lossy().into_owned();
    let db = Database::open(&path, 1).expect("open").0;
    let mut conn = SqliteConnection::establish(&path).expect("connect");
    for sha in MEDIA {
        conn.batch_execute(&format!(
            "INSERT INTO media (sha256, media_type, byte_size, width, height, alt, caption, \
             credit, created_at, updated_at) VALUES ('{sha}', 'image/png', 100, 10, 10, '', '', \
             '', '2025-01-01 00:00:00', '2025-01-01 00:00:00')"
        ))
        .expect("a media item");
    }
    db
}

fn import_value(db: &Database, dir: &Path, data: &Value) -> ImportSummary {
    let path = dir.join("in.json");
    std::fs::write(&path, data.to_string()).unwrap();
    import(db, &path, ImportOptions::default(), Utc::now().naive_utc()).expect("import")
}

fn exported(db: &Database, dir: &Path) -> Value {
    let path = dir.join("out.json");
    export(db, &path).expect("export");
    normalized(serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap())
}

/// Categories by slug (the export writes parents first), sections in position order numbered
/// 1..n (what the format means by their positions).
fn normalized(mut data: Value) -> Value {
    data["categories"]
        .as_array_mut()
        .unwrap()
        .sort_by_key(|c| c["slug"].as_str().map(str::to_owned));
    for article in data["articles"].as_array_mut().unwrap() {
        let sections = article["sections"].as_array_mut().unwrap();
        sections.sort_by_key(|s| s["position"].as_i64());
        for (i, section) in sections.iter_mut().enumerate() {
            section["position"] = json!(i + 1);
        }
    }
    data
}

#[test]
fn every_field_of_the_format_is_compared_and_written_on_re_import() {
    let exported_fields = {
        let dir = tempfile::tempdir().unwrap();
        let db = fresh(dir.path());
        import_value(&db, dir.path(), &base());
        exported(&db, dir.path())
    };
    // The export of the base is the base: nothing is lost on the way out either.
    assert_eq!(exported_fields, normalized(base()));
    let mut variants: Vec<(String, Value)> = Vec::new();
    for (i, category) in base()["categories"].as_array().unwrap().iter().enumerate() {
        for field in exported_fields["categories"][i].as_object().unwrap().keys() {
            if let Some(record) = changed("category", category, field) {
                let mut data = base();
                data["categories"][i] = record;
                variants.push((format!("categories[{i}].{field}"), data));
            }
        }
    }
    for (i, person) in base()["people"].as_array().unwrap().iter().enumerate() {
        for field in exported_fields["people"][i].as_object().unwrap().keys() {
            if let Some(record) = changed("person", person, field) {
                let mut data = base();
                data["people"][i] = record;
                variants.push((format!("people[{i}].{field}"), data));
            }
        }
    }
    for (i, tag) in base()["tags"].as_array().unwrap().iter().enumerate() {
        for field in exported_fields["tags"][i].as_object().unwrap().keys() {
            if let Some(record) = changed("tag", tag, field) {
                let mut data = base();
                data["tags"][i] = record;
                variants.push((format!("tags[{i}].{field}"), data));
            }
        }
    }
    let article = &base()["articles"][0];
    for field in exported_fields["articles"][0].as_object().unwrap().keys() {
        if field == "sections" {
            for (s, section) in article["sections"].as_array().unwrap().iter().enumerate() {
                for key in section.as_object().unwrap().keys() {
                    let mut data = base();
                    data["articles"][0]["sections"][s] = changed("section", section, key).unwrap();
                    variants.push((format!("sections[{s}].{key}"), data));
                }
            }
        } else if let Some(record) = changed("article", article, field) {
            let mut data = base();
            data["articles"][0] = record;
            variants.push((format!("articles[0].{field}"), data));
        }
    }
    assert!(variants.len() >= 20, "{} variants", variants.len());
    for (name, data) in variants {
        let dir = tempfile::tempdir().unwrap();
        let db = fresh(dir.path());
        import_value(&db, dir.path(), &base());
        let summary = import_value(&db, dir.path(), &data);
        assert_eq!(
            summary.categories + summary.people + summary.tags + summary.articles,
            1,
            "{name}: one record changed, the summary says {summary}"
        );
        assert_eq!(
            exported(&db, dir.path()),
            normalized(data),
            "{name} was not written"
        );
    }
}

#[test]
fn re_importing_the_same_file_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh(dir.path());
    import_value(&db, dir.path(), &base());
    let again = import_value(&db, dir.path(), &base());
    assert_eq!(
        (
            again.categories,
            again.people,
            again.tags,
            again.articles,
            again.categories_unchanged,
            again.people_unchanged,
            again.tags_unchanged,
            again.unchanged
        ),
        (0, 0, 0, 0, 3, 2, 2, 1),
        "{again}"
    );
}

#[test]
fn a_person_record_without_an_avatar_removes_it_and_an_unknown_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh(dir.path());
    import_value(&db, dir.path(), &base());
    let mut data = base();
    data["people"][0].as_object_mut().unwrap().remove("avatar");
    let summary = import_value(&db, dir.path(), &data);
    assert_eq!(
        (summary.people, summary.people_unchanged),
        (1, 1),
        "{summary}"
    );
    assert_eq!(exported(&db, dir.path()), normalized(data));

    let mut unknown = base();
    unknown["people"][0]["avatar"]["sha256"] = json!("c".repeat(64));
    let path = dir.path().join("unknown.json");
    std::fs::write(&path, unknown.to_string()).unwrap();
    let error = import(&db, &path, ImportOptions::default(), Utc::now().naive_utc())
        .expect_err("an avatar naming no media item");
    let message = format!("{error:#}");
    assert!(
        message.contains("people[0]: avatar: no media item has the sha256 'cccc"),
        "{message}"
    );
    let mut array = base();
    array["people"][0]["avatar"] = json!([MEDIA[0], "Jane"]);
    std::fs::write(&path, array.to_string()).unwrap();
    import(&db, &path, ImportOptions::default(), Utc::now().naive_utc())
        .expect_err("an avatar written as an array");
}

#[test]
fn an_external_feature_image_round_trips_and_a_record_names_exactly_one_source() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh(dir.path());
    let mut data = base();
    data["articles"][0]["feature_image"] = json!({
        "source_url": "https://images.example.org/bed.jpg", "alt": "A made bed", "caption": "Rest.",
    });
    import_value(&db, dir.path(), &data);
    assert_eq!(exported(&db, dir.path()), normalized(data));

    let path = dir.path().join("refused.json");
    let refused = [
        (
            json!({"sha256": MEDIA[0], "source_url": "https://images.example.org/bed.jpg", "alt": "x"}),
            "exactly one of sha256 and source_url",
        ),
        (json!({"alt": "x"}), "exactly one of sha256 and source_url"),
        (
            json!({"source_url": "ftp://images.example.org/bed.jpg", "alt": "x"}),
            "feature_image.source_url",
        ),
    ];
    for (image, expected) in refused {
        let mut data = base();
        data["articles"][0]["feature_image"] = image.clone();
        std::fs::write(&path, data.to_string()).unwrap();
        let error = import(&db, &path, ImportOptions::default(), Utc::now().naive_utc())
            .expect_err("a feature image without exactly one good source");
        let message = format!("{error:#}");
        assert!(message.contains(expected), "{image}: {message}");
    }
}
