//! Tests: `Surrogate-Key` / `Cache-Tag` on public reads of content (issue 12), and the property CDNs rely on: every public response a write changes carries a key that write's log entries say to purge.

use crate::common::{spawn, Reply, TestApp};
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use healthhub::auth::Scope;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The keys of `reply`'s `Surrogate-Key`, checked against its `Cache-Tag`.
fn keys(reply: &Reply) -> Vec<String> {
    let surrogate: Vec<String> = reply
        .header("surrogate-key")
        .split(' ')
        .filter(|k| !k.is_empty())
        .map(str::to_owned)
        .collect();
    let tags: Vec<String> = reply
        .header("cache-tag")
        .split(',')
        .filter(|k| !k.is_empty())
        .map(str::to_owned)
        .collect();
    assert_eq!(
        surrogate, tags,
        "Surrogate-Key and Cache-Tag name the same keys"
    );
    surrogate
}

/// Health > Sleep; "rest" (published, with a section, in Sleep, tagged "calm"), "move"
/// (published, in Health), "plan" (a draft, in Sleep), all three by Jane (with an avatar).
/// Returns (health, sleep, rest, move, plan, section, calm, jane, Jane's avatar medium) ids.
async fn content<S, B>(app: &TestApp<S>) -> [i64; 9]
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let health = app.category("Health", None).await["id"].as_i64().unwrap();
    let sleep = app.category("Sleep", Some(health)).await["id"]
        .as_i64()
        .unwrap();
    let calm = app
        .post(&app.editor(), "/api/v1/tags", json!({"name": "Calm"}))
        .await
        .expect(201)
        .body["id"]
        .as_i64()
        .unwrap();
    let picture = crate::media::picture(8, 8, image::ImageFormat::Png);
    let medium = crate::media::upload(app, &app.editor(), picture, "image/png", "")
        .await
        .expect(201)
        .body;
    let jane = app
        .post(
            &app.editor(),
            "/api/v1/people",
            json!({"name": "Jane Doe", "avatar": {"media_id": medium["id"], "alt": "Jane"}}),
        )
        .await
        .expect(201)
        .body["id"]
        .as_i64()
        .unwrap();
    let published =
        json!({"status": "published", "published_at": "2026-01-01T00:00:00Z", "authors": [jane]});
    let mut rest_fields = published.clone();
    rest_fields["sections"] = json!([{"heading": "Why", "body": "Rest helps."}]);
    rest_fields["tags"] = json!([calm]);
    let rest = app.article("Rest", sleep, rest_fields).await;
    let moving = app.article("Move", health, published).await;
    let plan = app.article("Plan", sleep, json!({"authors": [jane]})).await;
    [
        health,
        sleep,
        rest["id"].as_i64().unwrap(),
        moving["id"].as_i64().unwrap(),
        plan["id"].as_i64().unwrap(),
        rest["sections"][0]["id"].as_i64().unwrap(),
        calm,
        jane,
        medium["id"].as_i64().unwrap(),
    ]
}

/// Every public read of content over `content`'s resources, with the keys each must carry.
fn public_reads(ids: [i64; 9]) -> Vec<(String, Vec<String>)> {
    let [health, sleep, rest, moving, plan, section, calm, jane, avatar] = ids;
    let lists = vec![
        "articles".to_owned(),
        "categories".to_owned(),
        "people".to_owned(),
        "tags".to_owned(),
        "media".to_owned(),
    ];
    let s = |v: &[String]| v.to_vec();
    vec![
        ("/api/v1/articles".to_owned(), s(&lists)),
        (
            "/api/v1/articles?include=breadcrumbs,sections".to_owned(),
            s(&lists),
        ),
        ("/api/v1/search?q=rest".to_owned(), s(&lists)),
        (
            format!("/api/v1/articles/{rest}"),
            vec![
                format!("article-{rest}"),
                format!("category-{health}"),
                format!("category-{sleep}"),
                format!("person-{jane}"),
                format!("tag-{calm}"),
                format!("media-{avatar}"),
            ],
        ),
        (
            "/api/v1/people".to_owned(),
            vec!["people".to_owned(), "media".to_owned()],
        ),
        (
            format!("/api/v1/people/{jane}"),
            vec![
                format!("person-{jane}"),
                "articles".to_owned(),
                "categories".to_owned(),
                format!("media-{avatar}"),
            ],
        ),
        (
            format!("/api/v1/people/{jane}?limit=1"),
            vec![
                format!("person-{jane}"),
                "articles".to_owned(),
                "categories".to_owned(),
                format!("media-{avatar}"),
            ],
        ),
        (
            "/api/v1/tags".to_owned(),
            vec!["tags".to_owned(), "articles".to_owned()],
        ),
        (
            format!("/api/v1/tags/{calm}"),
            vec![format!("tag-{calm}"), "articles".to_owned()],
        ),
        (
            format!("/api/v1/articles/{moving}"),
            vec![
                format!("article-{moving}"),
                format!("category-{health}"),
                format!("person-{jane}"),
                format!("media-{avatar}"),
            ],
        ),
        (format!("/api/v1/articles/{plan}"), vec![]),
        (format!("/api/v1/articles/{rest}/related"), s(&lists)),
        (format!("/api/v1/articles/{moving}/related"), s(&lists)),
        (
            format!("/api/v1/articles/{rest}/sections"),
            vec![format!("article-{rest}")],
        ),
        (
            format!("/api/v1/sections/{section}"),
            vec![format!("article-{rest}")],
        ),
        (
            "/api/v1/categories".to_owned(),
            vec!["categories".to_owned()],
        ),
        (
            "/api/v1/categories/tree".to_owned(),
            vec!["categories".to_owned()],
        ),
        (
            "/api/v1/categories/tree?counts=true".to_owned(),
            vec!["categories".to_owned(), "articles".to_owned()],
        ),
        (
            format!("/api/v1/categories/{health}"),
            vec![format!("category-{health}"), "categories".to_owned()],
        ),
        (
            format!("/api/v1/categories/{sleep}"),
            vec![format!("category-{sleep}"), "categories".to_owned()],
        ),
    ]
}

#[actix_web::test]
async fn every_public_read_of_content_names_what_it_shows() {
    let app = spawn().await;
    let ids = content(&app).await;
    for (path, expected) in public_reads(ids) {
        let first = app.get(&path).await;
        if expected.is_empty() {
            // The draft: a 404 to anonymous readers, with no keys.
            first.expect(404);
            continue;
        }
        let first = first.expect(200);
        assert_eq!(keys(&first), expected, "{path}");
        // The second answer comes from the response cache, with the same keys.
        let cached = app.get(&path).await.expect(200);
        assert_eq!(keys(&cached), expected, "{path} (cached)");
        assert_eq!(cached.raw, first.raw);
        // A revalidation too.
        let not_modified = app
            .send(
                actix_web::test::TestRequest::get()
                    .uri(&path)
                    .insert_header(("If-None-Match", first.header("etag"))),
            )
            .await
            .expect(304);
        assert_eq!(keys(&not_modified), expected, "{path} (304)");
    }
    // The key names match the documented vocabulary of the purge entries.
    let document: Value =
        serde_json::from_str(&healthhub::openapi::to_pretty_json().unwrap()).unwrap();
    for (path, _) in public_reads(ids) {
        let template = document_path(&path);
        let ok = &document["paths"][&template]["get"]["responses"]["200"]["headers"];
        assert!(
            ok["Surrogate-Key"].is_object() && ok["Cache-Tag"].is_object(),
            "{template}: {ok}"
        );
    }
}

/// The document's path of `path`.
fn document_path(path: &str) -> String {
    let path = path.split('?').next().unwrap();
    let segments: Vec<&str> = path.split('/').collect();
    segments
        .iter()
        .enumerate()
        .map(|(i, segment)| match (i, segment.parse::<i64>()) {
            (_, Ok(_)) if segments[3] == "sections" => "{id}".to_owned(),
            (_, Ok(_)) => "{id_or_slug}".to_owned(),
            _ => (*segment).to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// For each kind of write: every public response whose answer changed carried (in the copy a
/// CDN holds: a `200`, errors are `no-store`) at least one key that the write's log entries name in `purge.keys`.
#[actix_web::test]
async fn every_response_a_write_changes_carries_a_key_the_write_purges() {
    let app = spawn().await;
    let ids = content(&app).await;
    let [_, sleep, rest, moving, plan, section, calm, jane, _] = ids;
    let editor = app.editor();
    let reader = app.token(&[Scope::Read]);
    let reads = public_reads(ids);
    let mut before: BTreeMap<String, Reply> = BTreeMap::new();
    for (path, _) in &reads {
        before.insert(path.clone(), app.get(path).await);
    }
    let mut after_seq = app
        .get_as(&reader, "/api/v1/changes?limit=100")
        .await
        .expect(200)
        .body["meta"]["next"]
        .as_i64()
        .unwrap();

    let writes: Vec<(&str, &str, String, Value)> = vec![
        (
            "article patch",
            "PATCH",
            format!("/api/v1/articles/{rest}"),
            json!({"subtitle": "Rested."}),
        ),
        (
            "section edit",
            "PATCH",
            format!("/api/v1/sections/{section}"),
            json!({"body": "Rest helps a lot."}),
        ),
        (
            "publish",
            "POST",
            format!("/api/v1/articles/{plan}/publish"),
            json!({}),
        ),
        (
            "unpublish",
            "POST",
            format!("/api/v1/articles/{moving}/unpublish"),
            json!({}),
        ),
        (
            "category rename",
            "PATCH",
            format!("/api/v1/categories/{sleep}"),
            json!({"name": "Sleep & Rest"}),
        ),
        (
            "tag rename",
            "PATCH",
            format!("/api/v1/tags/{calm}"),
            json!({"name": "Calm & Quiet"}),
        ),
        (
            "avatar removal",
            "PATCH",
            format!("/api/v1/people/{jane}"),
            json!({"avatar": null}),
        ),
        (
            "person rename",
            "PATCH",
            format!("/api/v1/people/{jane}"),
            json!({"name": "Jane Doe-Smith"}),
        ),
        (
            "article delete",
            "DELETE",
            format!("/api/v1/articles/{rest}"),
            Value::Null,
        ),
    ];
    for (kind, method, path, body) in writes {
        let reply = match method {
            "DELETE" => app.delete(&editor, &path).await,
            _ => app.json(method, &path, Some(&editor), body).await,
        };
        assert!(
            reply.status.is_success(),
            "{kind}: {} {}",
            reply.status,
            reply.body
        );
        let changes = app
            .get_as(
                &reader,
                &format!("/api/v1/changes?after={after_seq}&limit=100"),
            )
            .await
            .expect(200)
            .body;
        after_seq = changes["meta"]["next"].as_i64().unwrap();
        let purged: BTreeSet<String> = changes["data"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|entry| {
                entry["purge"]["keys"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
            })
            .map(|key| key.as_str().unwrap().to_owned())
            .collect();
        assert!(!purged.is_empty(), "{kind}: {changes}");
        let mut changed = 0;
        for (path, _) in &reads {
            let now = app.get(path).await;
            let old = &before[path];
            if now.status != old.status || now.raw != old.raw {
                changed += 1;
                if old.status.as_u16() != 200 {
                    // An error (a draft's 404) is `no-store`: no CDN holds it to purge.
                    assert_eq!(old.header("cache-control"), "no-store", "{path}");
                    before.insert(path.clone(), now);
                    continue;
                }
                let held = keys(old);
                assert!(
                    held.iter().any(|key| purged.contains(key)),
                    "{kind}: {path} changed but carried {held:?}, and the write purges {purged:?}"
                );
            }
            before.insert(path.clone(), now);
        }
        assert!(changed > 0, "{kind} changed no public response");
    }
}
