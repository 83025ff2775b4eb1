//! Tests: an article's feature image — a media item with the alt text and caption it has on the
//! article: written on create and PATCH (`null` removes it), embedded in single reads and on
//! request in lists, alt text required once the article is published (422 when the request
//! alone breaks the rule, 409 when the stored state does), kept in revisions and restored; a
//! medium an article shows cannot be deleted.

use crate::common::TestApp;
use crate::media::{picture, upload};
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use image::ImageFormat;
use serde_json::{json, Value};

/// A category and a media item (a `width`×50 PNG); returns (category id, media item).
async fn category_and_medium<S, B>(app: &TestApp<S>, width: u32) -> (i64, Value)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let category = app.category("Health", None).await["id"].as_i64().unwrap();
    let token = app.editor();
    let medium = upload(
        app,
        &token,
        picture(width, 50, ImageFormat::Png),
        "image/png",
        "",
    )
    .await
    .expect(201)
    .body;
    (category, medium)
}

#[actix_web::test]
async fn an_article_shows_its_feature_image_with_the_files_urls() {
    let app = crate::common::spawn_with(|config| config.media.widths = Vec::new()).await;
    let token = app.editor();
    let (category, medium) = category_and_medium(&app, 60).await;
    let id = medium["id"].as_i64().unwrap();
    let article = app
        .article(
            "Oats",
            category,
            json!({"feature_image": {"media_id": id, "alt": "A bowl of oats", "caption": "Breakfast."}}),
        )
        .await;
    let path = format!("/api/v1/articles/{}", article["id"]);
    let shown = &app.get_as(&token, &path).await.expect(200).body["feature_image"];
    assert_eq!(
        shown,
        &json!({
            "media_id": id, "source_url": null, "alt": "A bowl of oats", "caption": "Breakfast.",
            "url": medium["url"], "media_type": "image/png", "width": 60, "height": 50,
            "variants": [],
        })
    );
    assert_eq!(
        article["feature_image"], *shown,
        "the create answers with it too"
    );
    let list = app
        .get_as(
            &token,
            "/api/v1/articles?status=draft&include=feature_image",
        )
        .await
        .expect(200)
        .body;
    assert_eq!(list["data"][0]["feature_image"], *shown);
    let plain = app
        .get_as(&token, "/api/v1/articles?status=draft")
        .await
        .body;
    assert!(
        plain["data"][0].get("feature_image").is_none(),
        "lists embed it on request"
    );

    let removed = app
        .patch(&token, &path, json!({"feature_image": null}))
        .await
        .expect(200)
        .body;
    assert_eq!(removed["feature_image"], Value::Null);
    assert_eq!(removed["version"], 2);
    let again = app
        .patch(&token, &path, json!({"feature_image": null}))
        .await
        .expect(200);
    assert_eq!(again.body["version"], 2, "removing nothing writes nothing");
}

#[actix_web::test]
async fn a_published_articles_feature_image_needs_alt_text() {
    let app = crate::common::spawn().await;
    let token = app.editor();
    let (category, medium) = category_and_medium(&app, 30).await;
    let image = json!({"media_id": medium["id"], "alt": " ", "caption": "No words."});
    let refused = app
        .post(
            &token,
            "/api/v1/articles",
            json!({"title": "Oats", "category_id": category, "status": "published",
                   "feature_image": image}),
        )
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(refused.error_fields(), ["feature_image.alt"]);

    let draft = app
        .article("Oats", category, json!({"feature_image": image}))
        .await;
    let path = format!("/api/v1/articles/{}", draft["id"]);
    let conflict = app
        .post(&token, &format!("{path}/publish"), json!(null))
        .await
        .expect_problem(409, "state_conflict");
    assert_eq!(conflict.error_fields(), ["feature_image.alt"]);
    app.patch(&token, &path, json!({"status": "published"}))
        .await
        .expect_problem(409, "state_conflict");
    let both = app
        .patch(
            &token,
            &path,
            json!({"status": "published", "feature_image": image}),
        )
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(both.error_fields(), ["feature_image.alt"]);
    assert_eq!(app.get_as(&token, &path).await.body["status"], "draft");

    let described = json!({"media_id": medium["id"], "alt": "A bowl of oats", "caption": ""});
    app.patch(&token, &path, json!({"feature_image": described}))
        .await
        .expect(200);
    app.post(&token, &format!("{path}/publish"), json!(null))
        .await
        .expect(200);
    let blanked = app
        .patch(&token, &path, json!({"feature_image": image}))
        .await
        .expect_problem(409, "state_conflict");
    assert_eq!(blanked.error_fields(), ["feature_image.alt"]);
    let shown = app.get(&path).await.expect(200).body;
    assert_eq!(
        shown["feature_image"]["alt"], "A bowl of oats",
        "the refused write left nothing"
    );

    let unknown = app
        .patch(
            &token,
            &path,
            json!({"feature_image": {"media_id": 999, "alt": "x"}}),
        )
        .await
        .expect_problem(409, "state_conflict");
    assert_eq!(unknown.error_fields(), ["feature_image.media_id"]);
    let malformed = app
        .patch(
            &token,
            &path,
            json!({"feature_image": {"media_id": 1, "alt": "a\nb", "x": 1}}),
        )
        .await
        .expect(422);
    assert!(malformed.body["code"] == "validation_failed");
}

#[actix_web::test]
async fn a_medium_an_article_shows_cannot_be_deleted() {
    let app = crate::common::spawn().await;
    let token = app.editor();
    let (category, medium) = category_and_medium(&app, 20).await;
    let media_path = format!("/api/v1/media/{}", medium["id"]);
    let article = app
        .article(
            "Oats",
            category,
            json!({"feature_image": {"media_id": medium["id"], "alt": "Oats"}}),
        )
        .await;
    app.delete(&token, &media_path)
        .await
        .expect_problem(409, "conflict");
    app.get(&media_path).await.expect(200);
    app.get(medium["url"].as_str().unwrap()).await.expect(200);
    app.patch(
        &token,
        &format!("/api/v1/articles/{}", article["id"]),
        json!({"feature_image": null}),
    )
    .await
    .expect(200);
    app.delete(&token, &media_path).await.expect(204);
}

#[actix_web::test]
async fn revisions_keep_the_feature_image_and_a_restore_brings_it_back() {
    let app = crate::common::spawn().await;
    let token = app.editor();
    let (category, medium) = category_and_medium(&app, 20).await;
    let image = json!({"media_id": medium["id"], "alt": "Oats", "caption": "Morning."});
    let article = app
        .article("Oats", category, json!({"feature_image": image}))
        .await;
    let path = format!("/api/v1/articles/{}", article["id"]);
    app.patch(&token, &path, json!({"feature_image": null}))
        .await
        .expect(200);
    let first = app
        .get_as(&token, &format!("{path}/revisions/1"))
        .await
        .expect(200)
        .body;
    assert_eq!(first["article"]["feature_image"], image, "{first}");
    let restored = app
        .post(&token, &format!("{path}/revisions/1/restore"), json!(null))
        .await
        .expect(200)
        .body;
    assert_eq!(restored["feature_image"]["alt"], "Oats");
    assert_eq!(restored["version"], 3);
}

#[actix_web::test]
async fn a_new_variant_is_a_logged_change_of_its_medium_which_the_articles_showing_it_name() {
    let app = crate::common::spawn_with(|config| config.media.widths = vec![16]).await;
    let reader = app.token(&[healthhub::auth::Scope::Read]);
    let (category, medium) = category_and_medium(&app, 60).await;
    let id = medium["id"].as_i64().unwrap();
    let article = app
        .article(
            "Oats",
            category,
            json!({"status": "published", "published_at": "2025-01-01T00:00:00Z",
                   "feature_image": {"media_id": id, "alt": "Oats"}}),
        )
        .await;
    let item = crate::media::with_variants(&app, id, 1).await;
    assert_eq!(
        item["version"], 2,
        "the variant is the medium's next version"
    );
    let log = app
        .get_as(&reader, "/api/v1/changes?limit=100")
        .await
        .expect(200)
        .body;
    let entries: Vec<&Value> = log["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry["id"] == id && entry["resource_type"] == "media")
        .collect();
    let events: Vec<&str> = entries
        .iter()
        .map(|entry| entry["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["media.created", "media.updated"], "{log}");
    let key = format!("media-{id}");
    assert!(
        entries[1]["purge"]["keys"]
            .as_array()
            .unwrap()
            .contains(&json!(key)),
        "{}",
        entries[1]
    );
    let page = app
        .get(&format!("/api/v1/articles/{}", article["id"]))
        .await
        .expect(200);
    assert!(
        page.header("surrogate-key").split(' ').any(|k| k == key),
        "{}",
        page.header("surrogate-key")
    );
    assert_eq!(page.body["feature_image"]["variants"][0]["width"], 16);
}

/// An external feature image as reads show it: the address is the `url`, and nothing of the
/// file is known.
fn external_view(url: &str, alt: &str, caption: &str) -> Value {
    json!({
        "media_id": null, "source_url": url, "alt": alt, "caption": caption, "url": url,
        "media_type": null, "width": null, "height": null, "variants": [],
    })
}

#[actix_web::test]
async fn an_external_feature_image_is_kept_by_its_address_shown_and_stands_in_for_the_social_image()
{
    let app = crate::common::spawn().await;
    let token = app.editor();
    let (category, medium) = category_and_medium(&app, 40).await;
    let url = "https://images.example.org/2024/01/sleeping-cat.jpg?w=1200";
    let image = json!({"source_url": url, "alt": "A cat asleep", "caption": "Photo: J. Doe"});
    let article = app
        .article(
            "Cats",
            category,
            json!({"status": "published", "feature_image": image}),
        )
        .await;
    let path = format!("/api/v1/articles/{}", article["id"]);
    let shown = app.get(&format!("{path}?include=feature_image,seo")).await;
    let shown = shown.expect(200).body;
    assert_eq!(
        shown["feature_image"],
        external_view(url, "A cat asleep", "Photo: J. Doe")
    );
    assert_eq!(
        shown["seo"]["og_image"],
        json!({"media_id": null, "alt": "A cat asleep", "url": url,
               "media_type": null, "width": null, "height": null}),
        "it stands in for the social image like a stored one"
    );
    let listed = app.get("/api/v1/articles?include=feature_image").await;
    assert_eq!(
        listed.expect(200).body["data"][0]["feature_image"],
        shown["feature_image"]
    );

    let stored = json!({"media_id": medium["id"], "alt": "A cat asleep", "caption": ""});
    let switched = app
        .patch(&token, &path, json!({"feature_image": stored}))
        .await
        .expect(200)
        .body;
    assert_eq!(switched["feature_image"]["media_id"], medium["id"]);
    assert_eq!(switched["feature_image"]["source_url"], Value::Null);
    let first = app.get_as(&token, &format!("{path}/revisions/1")).await;
    assert_eq!(first.expect(200).body["article"]["feature_image"], image);
    let restored = app
        .post(&token, &format!("{path}/revisions/1/restore"), json!(null))
        .await
        .expect(200)
        .body;
    assert_eq!(
        restored["feature_image"],
        external_view(url, "A cat asleep", "Photo: J. Doe")
    );
    app.delete(&token, &format!("/api/v1/media/{}", medium["id"]))
        .await
        .expect(204);
}

#[actix_web::test]
async fn a_feature_image_names_exactly_one_source_and_an_external_one_a_web_address() {
    let app = crate::common::spawn().await;
    let token = app.editor();
    let (category, medium) = category_and_medium(&app, 20).await;
    let draft = app.article("Oats", category, json!({})).await;
    let path = format!("/api/v1/articles/{}", draft["id"]);
    let long = format!("https://example.org/{}.jpg", "a".repeat(2_100));
    let refused: [(Value, &str); 9] = [
        (json!({"alt": "x"}), "feature_image"),
        (
            json!({"media_id": medium["id"], "source_url": "https://example.org/a.jpg", "alt": "x"}),
            "feature_image",
        ),
        (
            json!({"media_id": null, "source_url": null, "alt": "x"}),
            "feature_image",
        ),
        (
            json!({"source_url": "ftp://example.org/a.jpg", "alt": "x"}),
            "feature_image.source_url",
        ),
        (
            json!({"source_url": "javascript:alert(1)", "alt": "x"}),
            "feature_image.source_url",
        ),
        (
            json!({"source_url": "/images/a.jpg", "alt": "x"}),
            "feature_image.source_url",
        ),
        (
            json!({"source_url": "https://u:p@example.org/a.jpg", "alt": "x"}),
            "feature_image.source_url",
        ),
        (
            json!({"source_url": "https://example.org/a b.jpg", "alt": "x"}),
            "feature_image.source_url",
        ),
        (
            json!({"source_url": long, "alt": "x"}),
            "feature_image.source_url",
        ),
    ];
    for (image, field) in refused {
        let created = app
            .post(
                &token,
                "/api/v1/articles",
                json!({"title": "Refused", "category_id": category, "feature_image": image}),
            )
            .await
            .expect_problem(422, "validation_failed");
        assert_eq!(created.error_fields(), [field], "{image}");
        let patched = app
            .patch(&token, &path, json!({"feature_image": image}))
            .await
            .expect_problem(422, "validation_failed");
        assert_eq!(patched.error_fields(), [field], "{image}");
    }
    let listed = app.get_as(&token, "/api/v1/articles?status=draft").await;
    assert_eq!(
        listed.expect(200).body["data"].as_array().unwrap().len(),
        1,
        "nothing created"
    );
    let unchanged = app.get_as(&token, &path).await.expect(200).body;
    assert_eq!(unchanged["feature_image"], Value::Null);
    assert_eq!(unchanged["version"], 1, "nothing changed");

    let published = app
        .post(
            &token,
            "/api/v1/articles",
            json!({"title": "Cats", "category_id": category, "status": "published",
                   "feature_image": {"source_url": "https://example.org/a.jpg", "alt": " "}}),
        )
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(
        published.error_fields(),
        ["feature_image.alt"],
        "alt text is required once published"
    );
}
