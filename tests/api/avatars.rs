//! Tests: a person's avatar — a media item with the alt text it has as their picture: written on
//! create and PATCH (`null` removes it, absent keeps it), shown on the person, in the people list
//! and in the bylines of articles (`authors`, `review.reviewer`) with the file's URLs and
//! variants; a change is a new version of the person and a `person.updated` entry; an unknown
//! medium is a 409 and an array a 422, both changing nothing; a medium a person shows cannot be
//! deleted.

use crate::common::{spawn_with, TestApp};
use crate::media::{picture, upload, with_variants};
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use healthhub::auth::Scope;
use image::ImageFormat;
use serde_json::{json, Value};

/// Uploads a `width`×40 PNG as an editor; returns the media item.
async fn medium<S, B>(app: &TestApp<S>, width: u32) -> Value
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let token = app.editor();
    upload(
        app,
        &token,
        picture(width, 40, ImageFormat::Png),
        "image/png",
        "",
    )
    .await
    .expect(201)
    .body
}

/// Creates `name` with `medium` as their avatar, `alt` its text; returns the person.
async fn pictured<S, B>(app: &TestApp<S>, name: &str, medium: &Value, alt: &str) -> Value
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let body = json!({"name": name, "avatar": {"media_id": medium["id"], "alt": alt}});
    app.post(&app.editor(), "/api/v1/people", body)
        .await
        .expect(201)
        .body
}

/// What a person shows of `medium` as their avatar with `alt`.
fn avatar_view(medium: &Value, alt: &str) -> Value {
    json!({
        "media_id": medium["id"], "alt": alt, "url": medium["url"],
        "media_type": medium["media_type"], "width": medium["width"],
        "height": medium["height"], "variants": medium["variants"],
    })
}

/// The events of the changes log after `seq`, as `event` strings.
async fn events_after<S, B>(app: &TestApp<S>, seq: i64) -> Vec<String>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let reader = app.token(&[Scope::Read]);
    let page = app
        .get_as(&reader, &format!("/api/v1/changes?after={seq}&limit=100"))
        .await
        .expect(200)
        .body;
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["event"].as_str().unwrap().to_owned())
        .collect()
}

/// The newest `seq` of the changes log.
async fn last_seq<S, B>(app: &TestApp<S>) -> i64
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let reader = app.token(&[Scope::Read]);
    app.get_as(&reader, "/api/v1/changes?limit=1")
        .await
        .expect(200)
        .body["meta"]["last_seq"]
        .as_i64()
        .unwrap()
}

#[actix_web::test]
async fn a_person_shows_their_avatar_and_every_change_of_it_is_a_new_version() {
    let app = spawn_with(|config| config.media.widths = Vec::new()).await;
    let token = app.editor();
    let first = medium(&app, 60).await;
    let second = medium(&app, 80).await;
    let created = pictured(&app, "Jane Doe", &first, "Jane, smiling").await;
    let shown = avatar_view(&first, "Jane, smiling");
    assert_eq!(created["avatar"], shown, "{created}");
    assert_eq!(created["version"], 1);
    let path = format!("/api/v1/people/{}", created["id"]);
    assert_eq!(app.get(&path).await.expect(200).body["avatar"], shown);
    let list = app.get("/api/v1/people").await.expect(200).body;
    assert_eq!(list["data"][0]["avatar"], shown);

    let at_desk = |medium: &Value| json!({"media_id": medium["id"], "alt": "Jane at her desk"});
    // (PATCH body, the avatar shown after it, the version after it, whether it was logged).
    let steps = [
        // Absent keeps it, whatever else changes.
        (json!({"credentials": "MD"}), shown.clone(), 2, true),
        // Another alt text alone, then another medium.
        (
            json!({"avatar": at_desk(&first)}),
            avatar_view(&first, "Jane at her desk"),
            3,
            true,
        ),
        (
            json!({"avatar": at_desk(&second)}),
            avatar_view(&second, "Jane at her desk"),
            4,
            true,
        ),
        // The same again writes nothing.
        (
            json!({"avatar": at_desk(&second)}),
            avatar_view(&second, "Jane at her desk"),
            4,
            false,
        ),
        // `null` removes it; removing nothing writes nothing.
        (json!({"avatar": null}), Value::Null, 5, true),
        (json!({"avatar": null}), Value::Null, 5, false),
    ];
    for (body, avatar, version, logged) in steps {
        let seq = last_seq(&app).await;
        let reply = app.patch(&token, &path, body.clone()).await.expect(200);
        assert_eq!(reply.body["avatar"], avatar, "{body}");
        assert_eq!(reply.body["version"], version, "{body}");
        assert_eq!(reply.header("etag"), format!("\"{version}\""));
        let read = app.get(&path).await.expect(200).body;
        assert_eq!(
            (&read["avatar"], &read["version"]),
            (&avatar, &json!(version))
        );
        let expected: &[&str] = if logged { &["person.updated"] } else { &[] };
        assert_eq!(events_after(&app, seq).await, expected, "{body}");
    }
    assert_eq!(app.count("person_avatars"), 0);
    let none = app
        .post(&token, "/api/v1/people", json!({"name": "Sam Lee"}))
        .await
        .expect(201)
        .body;
    assert_eq!(none["avatar"], Value::Null, "`avatar` is always there");
}

#[actix_web::test]
async fn an_avatar_shows_the_variants_made_of_its_medium() {
    let app = spawn_with(|config| config.media.widths = vec![32]).await;
    let token = app.editor();
    let uploaded = medium(&app, 64).await;
    let item = with_variants(&app, uploaded["id"].as_i64().unwrap(), 1).await;
    let person = app
        .post(
            &token,
            "/api/v1/people",
            json!({"name": "Jane Doe", "avatar": {"media_id": item["id"]}}),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(person["avatar"], avatar_view(&item, ""), "{person}");
    let variant = &person["avatar"]["variants"][0];
    assert_eq!(variant["width"], 32);
    app.get(variant["url"].as_str().unwrap()).await.expect(200);
}

#[actix_web::test]
async fn bylines_show_their_peoples_avatars() {
    let app = spawn_with(|config| config.media.widths = Vec::new()).await;
    let token = app.editor();
    let category = app.category("Health", None).await["id"].as_i64().unwrap();
    let photo = medium(&app, 50).await;
    let jane = pictured(&app, "Jane Doe", &photo, "Jane").await;
    let sam = app
        .post(&token, "/api/v1/people", json!({"name": "Sam Lee"}))
        .await
        .expect(201)
        .body;
    let article = app
        .article(
            "Sleep",
            category,
            json!({"status": "published", "published_at": "2026-01-01T00:00:00Z",
                   "authors": [sam["id"], jane["id"]],
                   "review": {"reviewer_id": jane["id"], "reviewed_at": "2026-01-01"}}),
        )
        .await;
    let shown = avatar_view(&photo, "Jane");
    let path = format!("/api/v1/articles/{}", article["id"]);
    let page = app.get(&path).await.expect(200).body;
    assert_eq!(page["authors"][0]["avatar"], Value::Null);
    assert_eq!(page["authors"][1]["avatar"], shown);
    assert_eq!(page["review"]["reviewer"]["avatar"], shown);
    let list = app
        .get("/api/v1/articles?include=authors,review")
        .await
        .expect(200)
        .body;
    assert_eq!(list["data"][0]["authors"], page["authors"]);
    assert_eq!(list["data"][0]["review"], page["review"]);

    // A change of the avatar shows on the article at once (its cached copy is dropped).
    app.patch(
        &token,
        &format!("/api/v1/people/{}", jane["id"]),
        json!({"avatar": null}),
    )
    .await
    .expect(200);
    let page = app.get(&path).await.expect(200).body;
    assert_eq!(page["authors"][1]["avatar"], Value::Null);
    assert_eq!(page["review"]["reviewer"]["avatar"], Value::Null);
}

#[actix_web::test]
async fn an_unknown_medium_or_a_bad_avatar_is_refused_and_changes_nothing() {
    let app = spawn_with(|config| config.media.widths = Vec::new()).await;
    let token = app.editor();
    let photo = medium(&app, 30).await;
    let unknown = app
        .post(
            &token,
            "/api/v1/people",
            json!({"name": "Jane Doe", "avatar": {"media_id": 999, "alt": "Jane"}}),
        )
        .await
        .expect_problem(409, "state_conflict");
    assert_eq!(unknown.error_fields(), ["avatar.media_id"]);
    assert_eq!(app.count("people"), 0, "the refused create left nothing");

    let person = pictured(&app, "Jane Doe", &photo, "Jane").await;
    let path = format!("/api/v1/people/{}", person["id"]);
    let before = app.get(&path).await.expect(200).body;
    let unknown = app
        .patch(
            &token,
            &path,
            json!({"name": "Jane Roe", "avatar": {"media_id": 999, "alt": "Jane"}}),
        )
        .await
        .expect_problem(409, "state_conflict");
    assert_eq!(unknown.error_fields(), ["avatar.media_id"]);
    let cases = [
        (json!({"avatar": [photo["id"], "Jane"]}), "avatar"),
        (
            json!({"avatar": {"media_id": photo["id"], "alt": "two\nlines"}}),
            "avatar.alt",
        ),
        (
            json!({"avatar": {"media_id": photo["id"], "alt": "x".repeat(1_001)}}),
            "avatar.alt",
        ),
        (json!({"avatar": {"alt": "Jane"}}), "avatar"),
    ];
    for (body, field) in cases {
        let refused = app
            .patch(&token, &path, body.clone())
            .await
            .expect_problem(422, "validation_failed");
        assert_eq!(refused.error_fields(), [field], "{body}");
        let mut create = body;
        create["name"] = json!("Sam Lee");
        let refused = app
            .post(&token, "/api/v1/people", create.clone())
            .await
            .expect_problem(422, "validation_failed");
        assert_eq!(refused.error_fields(), [field], "{create}");
    }
    let unknown_field = app
        .patch(
            &token,
            &path,
            json!({"avatar": {"media_id": photo["id"], "caption": "Jane"}}),
        )
        .await
        .expect(422);
    assert_eq!(unknown_field.body["code"], "validation_failed");
    assert_eq!(app.get(&path).await.expect(200).body, before);
    assert_eq!(app.count("people"), 1);
}

#[actix_web::test]
async fn a_medium_a_person_shows_cannot_be_deleted() {
    let app = spawn_with(|config| config.media.widths = Vec::new()).await;
    let token = app.editor();
    let photo = medium(&app, 20).await;
    let media_path = format!("/api/v1/media/{}", photo["id"]);
    let person = pictured(&app, "Jane Doe", &photo, "Jane").await;
    let refused = app
        .delete(&token, &media_path)
        .await
        .expect_problem(409, "conflict");
    let detail = refused.body["detail"].as_str().unwrap();
    assert!(detail.contains("1 person as their avatar"), "{detail}");
    app.get(&media_path).await.expect(200);
    app.get(photo["url"].as_str().unwrap()).await.expect(200);
    let path = format!("/api/v1/people/{}", person["id"]);
    assert_eq!(
        app.get(&path).await.expect(200).body["avatar"]["media_id"],
        photo["id"]
    );

    // Deleting the person lets the medium go.
    app.delete(&token, &path).await.expect(204);
    assert_eq!(app.count("person_avatars"), 0);
    app.delete(&token, &media_path).await.expect(204);
}
