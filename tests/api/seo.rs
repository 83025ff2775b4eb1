//! Tests: an article's SEO fields — stored when given (each checked), derived when absent (the
//! title and excerpt cut to their limits, the article's public page as canonical URL, the
//! feature image as social image), replaced as a whole by PATCH, embedded by `include=seo`, kept
//! in revisions.

use crate::common::{spawn, spawn_with};
use crate::media::{picture, upload};
use image::ImageFormat;
use serde_json::{json, Value};

#[actix_web::test]
async fn absent_fields_are_derived_from_the_title_the_excerpt_and_the_public_page() {
    let app = spawn_with(|config| {
        config.site.base_url = "https://www.example-health.com".to_owned();
        config.site.article_path = "/health/{slug}".to_owned();
    })
    .await;
    let category = app.category("Health", None).await["id"].as_i64().unwrap();
    let title =
        "Why Do We Wake Up at Three in the Morning? Sleep Cycles, Stress and Habits Explained";
    let excerpt = "Middle-of-the-night awakenings are common. ".repeat(5);
    app.article(
        title,
        category,
        json!({"excerpt": excerpt.trim(), "status": "published", "published_at": "2025-01-01T00:00:00Z"}),
    )
    .await;
    let slug = "why-do-we-wake-up-at-three-in-the-morning-sleep-cycles-stress-and-habits-explained";
    let page = app
        .get(&format!("/api/v1/articles/{slug}"))
        .await
        .expect(200)
        .body;
    let seo = &page["seo"];
    let meta_title = seo["meta_title"].as_str().unwrap();
    assert!(meta_title.chars().count() <= 70, "{meta_title}");
    assert!(meta_title.ends_with('…') && title.starts_with(meta_title.trim_end_matches('…')));
    let description = seo["meta_description"].as_str().unwrap();
    assert!(description.chars().count() <= 160, "{description}");
    assert!(description.starts_with("Middle-of-the-night awakenings are common."));
    assert_eq!(
        seo["canonical_url"],
        format!("https://www.example-health.com/health/{slug}")
    );
    assert_eq!(
        seo["stored"],
        json!({"meta_title": null, "meta_description": null, "canonical_url": null, "og_image": null})
    );
    // A new slug moves the derived canonical URL with it.
    let renamed = app
        .patch(
            &app.editor(),
            &format!("/api/v1/articles/{slug}"),
            json!({"slug": "waking-at-3"}),
        )
        .await
        .expect(200);
    assert_eq!(
        renamed.body["seo"]["canonical_url"],
        "https://www.example-health.com/health/waking-at-3"
    );
}

#[actix_web::test]
async fn stored_fields_are_served_as_given_and_a_patch_replaces_them_as_a_whole() {
    let app = spawn().await;
    let token = app.editor();
    let category = app.category("Health", None).await["id"].as_i64().unwrap();
    let created = app
        .post(
            &token,
            "/api/v1/articles",
            json!({"title": "Sleep Well", "category_id": category,
                   "seo": {"meta_title": "Sleep well tonight", "canonical_url": "https://example.org/original"}}),
        )
        .await
        .expect(201);
    let seo = &created.body["seo"];
    assert_eq!(seo["meta_title"], "Sleep well tonight");
    assert_eq!(seo["canonical_url"], "https://example.org/original");
    assert_eq!(
        seo["stored"],
        json!({"meta_title": "Sleep well tonight", "meta_description": null,
               "canonical_url": "https://example.org/original", "og_image": null})
    );
    assert_eq!(created.body["version"], 1);
    let path = "/api/v1/articles/sleep-well";
    let same = app
        .patch(
            &token,
            path,
            json!({"seo": {"meta_title": "Sleep well tonight", "canonical_url": "https://example.org/original"}}),
        )
        .await
        .expect(200);
    assert_eq!(same.body["version"], 1, "the same fields write nothing");
    let replaced = app
        .patch(
            &token,
            path,
            json!({"seo": {"meta_description": "Rest, made simple."}}),
        )
        .await
        .expect(200);
    assert_eq!(replaced.body["version"], 2);
    assert_eq!(
        replaced.body["seo"]["stored"],
        json!({"meta_title": null, "meta_description": "Rest, made simple.", "canonical_url": null,
               "og_image": null}),
        "seo is replaced as a whole"
    );
    assert_eq!(replaced.body["seo"]["meta_title"], "Sleep Well");
    let kept = app
        .patch(&token, path, json!({"subtitle": "Tonight."}))
        .await
        .expect(200);
    assert_eq!(kept.body["seo"]["meta_description"], "Rest, made simple.");
    let cleared = app
        .patch(&token, path, json!({"seo": null}))
        .await
        .expect(200);
    assert_eq!(
        cleared.body["seo"]["stored"],
        json!({"meta_title": null, "meta_description": null, "canonical_url": null, "og_image": null})
    );
    assert_eq!(cleared.body["version"], 4);

    // Lists embed it on request only.
    let list = app
        .get_as(&token, "/api/v1/articles?status=draft")
        .await
        .expect(200)
        .body;
    assert!(list["data"][0].get("seo").is_none());
    let list = app
        .get_as(
            &token,
            "/api/v1/articles?status=draft&include=seo&fields=title",
        )
        .await
        .expect(200)
        .body;
    assert_eq!(list["data"][0]["seo"]["meta_title"], "Sleep Well");
}

#[actix_web::test]
async fn every_field_is_checked_and_a_refused_write_changes_nothing() {
    let app = spawn().await;
    let token = app.editor();
    let category = app.category("Health", None).await["id"].as_i64().unwrap();
    app.post(
        &token,
        "/api/v1/articles",
        json!({"title": "Sleep Well", "category_id": category, "seo": {"meta_title": "Kept"}}),
    )
    .await
    .expect(201);
    for (seo, field) in [
        (json!({"meta_title": "t".repeat(71)}), "seo.meta_title"),
        (json!({"meta_title": "   "}), "seo.meta_title"),
        (json!({"meta_title": "two\nlines"}), "seo.meta_title"),
        (
            json!({"meta_description": "d".repeat(161)}),
            "seo.meta_description",
        ),
        (json!({"meta_description": ""}), "seo.meta_description"),
        (
            json!({"canonical_url": "ftp://example.org/x"}),
            "seo.canonical_url",
        ),
        (json!({"canonical_url": "/relative"}), "seo.canonical_url"),
    ] {
        for (method, path, body) in [
            (
                "POST",
                "/api/v1/articles",
                json!({"title": "Other", "category_id": category, "seo": seo}),
            ),
            ("PATCH", "/api/v1/articles/sleep-well", json!({"seo": seo})),
        ] {
            let reply = app
                .json(method, path, Some(&token), body)
                .await
                .expect_problem(422, "validation_failed");
            assert_eq!(reply.error_fields(), vec![field], "{method} {seo}");
        }
    }
    app.patch(
        &token,
        "/api/v1/articles/sleep-well",
        json!({"seo": {"title": "x"}}),
    )
    .await
    .expect_problem(422, "validation_failed");
    let page = app.get_as(&token, "/api/v1/articles/sleep-well").await.body;
    assert_eq!(page["version"], 1);
    assert_eq!(page["seo"]["meta_title"], "Kept");
    assert_eq!(app.count("articles"), 1);
}

#[actix_web::test]
async fn revisions_keep_the_seo_fields_and_a_restore_brings_them_back() {
    let app = spawn().await;
    let token = app.editor();
    let category = app.category("Health", None).await["id"].as_i64().unwrap();
    app.post(
        &token,
        "/api/v1/articles",
        json!({"title": "Sleep Well", "category_id": category, "seo": {"meta_title": "First"}}),
    )
    .await
    .expect(201);
    let path = "/api/v1/articles/sleep-well";
    app.patch(&token, path, json!({"seo": {"meta_title": "Second"}}))
        .await
        .expect(200);
    let first = app
        .get_as(&token, &format!("{path}/revisions/1"))
        .await
        .expect(200);
    assert_eq!(first.body["article"]["seo"]["meta_title"], "First");
    let restored = app
        .post(&token, &format!("{path}/revisions/1/restore"), json!({}))
        .await
        .expect(200);
    assert_eq!(restored.body["version"], 3);
    assert_eq!(restored.body["seo"]["meta_title"], "First");
}

/// The `og_image` view of `medium` shown with `alt`.
fn social(medium: &Value, alt: &str) -> Value {
    json!({
        "media_id": medium["id"], "alt": alt, "url": medium["url"],
        "media_type": medium["media_type"], "width": medium["width"], "height": medium["height"],
    })
}

#[actix_web::test]
async fn the_social_image_is_the_stored_medium_else_the_feature_image_and_neither_can_be_deleted() {
    let app = spawn_with(|config| config.media.widths = Vec::new()).await;
    let token = app.editor();
    let category = app.category("Health", None).await["id"].as_i64().unwrap();
    let mut media = Vec::new();
    for (width, alt) in [(40, "?alt=Card%20art"), (30, "")] {
        let png = picture(width, 20, ImageFormat::Png);
        media.push(
            upload(&app, &token, png, "image/png", alt)
                .await
                .expect(201)
                .body,
        );
    }
    let (card, photo) = (&media[0], &media[1]);
    let published = json!({"status": "published", "published_at": "2025-01-01T00:00:00Z"});
    let mut fields = published.clone();
    fields["feature_image"] = json!({"media_id": photo["id"], "alt": "Oats in a bowl"});
    let article = app.article("Oats", category, fields).await;
    let path = format!("/api/v1/articles/{}", article["id"]);
    let media_keys = |reply: &crate::common::Reply| -> Vec<String> {
        reply
            .header("surrogate-key")
            .split(' ')
            .filter(|key| key.starts_with("media-"))
            .map(str::to_owned)
            .collect()
    };

    // Absent: the feature image, with the alt text it has on the article.
    let page = app.get(&path).await.expect(200);
    assert_eq!(
        page.body["seo"]["og_image"],
        social(photo, "Oats in a bowl")
    );
    assert_eq!(page.body["seo"]["stored"]["og_image"], Value::Null);
    assert_eq!(media_keys(&page), [format!("media-{}", photo["id"])]);

    // Stored: that medium, with its own alt text; the page names both media.
    let stored = app
        .patch(&token, &path, json!({"seo": {"og_image": card["id"]}}))
        .await
        .expect(200);
    assert_eq!(stored.body["seo"]["og_image"], social(card, "Card art"));
    assert_eq!(stored.body["seo"]["stored"]["og_image"], card["id"]);
    let page = app.get(&path).await.expect(200);
    let mut both = [
        format!("media-{}", photo["id"]),
        format!("media-{}", card["id"]),
    ];
    both.sort();
    assert_eq!(media_keys(&page), both);

    // Neither medium can be deleted while the article shows it.
    for medium in [card, photo] {
        let media_path = format!("/api/v1/media/{}", medium["id"]);
        app.delete(&token, &media_path)
            .await
            .expect_problem(409, "conflict");
        app.get(&media_path).await.expect(200);
    }

    // An unknown medium is a 409 naming the field, a non-integer a 422; neither changes anything.
    let version = app.get(&path).await.body["version"].clone();
    let unknown = app
        .patch(&token, &path, json!({"seo": {"og_image": 999_999}}))
        .await
        .expect(409);
    assert_eq!(unknown.error_fields(), ["seo.og_image"], "{}", unknown.body);
    for bad in [json!("1"), json!(1.5), json!({"media_id": 1}), json!(-1)] {
        let reply = app
            .patch(&token, &path, json!({"seo": {"og_image": bad}}))
            .await;
        assert!(
            reply.status.is_client_error() && reply.status.as_u16() != 404,
            "{bad}: {}",
            reply.status
        );
    }
    let unchanged = app.get(&path).await.body;
    assert_eq!(unchanged["version"], version);
    assert_eq!(unchanged["seo"]["og_image"], social(card, "Card art"));

    // Without a feature image or a stored one: none. Then both media can go.
    app.patch(&token, &path, json!({"seo": null, "feature_image": null}))
        .await
        .expect(200);
    let page = app.get(&path).await.expect(200);
    assert_eq!(page.body["seo"]["og_image"], Value::Null);
    assert!(media_keys(&page).is_empty());
    for medium in [card, photo] {
        app.delete(&token, &format!("/api/v1/media/{}", medium["id"]))
            .await
            .expect(204);
    }
}
