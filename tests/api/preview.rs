//! Tests: preview links (issue 12) — a short-lived, revocable token that reads one article, whatever its status, and nothing else.

use crate::common::{bearer, spawn};
use actix_web::test::TestRequest;
use healthhub::auth::Scope;
use serde_json::{json, Value};

/// Mints a preview of `key` as an editor and returns the answer's body.
async fn mint<S, B>(app: &crate::common::TestApp<S>, key: &str) -> Value
where
    S: actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<B>,
        Error = actix_web::Error,
    >,
    B: actix_web::body::MessageBody,
{
    let reply = app
        .post(
            &app.editor(),
            &format!("/api/v1/articles/{key}/preview"),
            json!({}),
        )
        .await
        .expect(201);
    let body = reply.body;
    assert_eq!(
        reply.headers.get("location").unwrap().to_str().unwrap(),
        format!(
            "/api/v1/articles/{}/previews/{}",
            body["article_id"],
            body["id"].as_str().unwrap()
        )
    );
    body
}

#[actix_web::test]
async fn a_preview_reads_its_draft_with_sections_and_is_never_cached() {
    let app = spawn().await;
    let health = app.category("Health", None).await;
    let draft = app
        .article(
            "Sleep basics",
            health["id"].as_i64().unwrap(),
            json!({"sections": [{"heading": "Why", "body": "Rest."}]}),
        )
        .await;
    assert_eq!(draft["status"], "draft");
    let id = draft["id"].as_i64().unwrap();
    // An anonymous read first: a 404, which must not be what the preview gets either.
    app.get(&format!("/api/v1/articles/{id}")).await.expect(404);

    let preview = mint(&app, "sleep-basics").await;
    assert_eq!(preview["article_id"], id);
    assert_eq!(preview["url"], format!("/api/v1/articles/{id}"));
    let expires_at =
        chrono::DateTime::parse_from_rfc3339(preview["expires_at"].as_str().unwrap()).unwrap();
    assert_eq!(
        expires_at.timestamp(),
        (app.now() + chrono::Duration::hours(1)).timestamp()
    );
    let token = preview["token"].as_str().unwrap();

    for path in [
        format!("/api/v1/articles/{id}"),
        "/api/v1/articles/sleep-basics".to_owned(),
    ] {
        let reply = app.get_as(token, &path).await.expect(200);
        assert_eq!(reply.body["id"], id);
        assert_eq!(reply.body["status"], "draft");
        assert_eq!(reply.body["sections"][0]["heading"], "Why");
        assert_eq!(reply.header("cache-control"), "private, no-store");
        let head = app
            .send(
                TestRequest::default()
                    .method(actix_web::http::Method::HEAD)
                    .uri(&path)
                    .insert_header(bearer(token)),
            )
            .await
            .expect(200);
        assert_eq!(head.header("cache-control"), "private, no-store");
    }
    // Still a 404 to anonymous readers: the preview's answer was never stored.
    for _ in 0..2 {
        app.get(&format!("/api/v1/articles/{id}")).await.expect(404);
    }
    // A token in the query string is refused, as for any token.
    app.get(&format!("/api/v1/articles/{id}?access_token={token}"))
        .await
        .expect_problem(401, "unauthorized");
}

#[actix_web::test]
async fn a_preview_sees_every_status_at_the_current_version() {
    let app = spawn().await;
    let health = app.category("Health", None).await["id"].as_i64().unwrap();
    let later = (app.now() + chrono::Duration::days(2)).to_rfc3339();
    let earlier = (app.now() - chrono::Duration::days(2)).to_rfc3339();
    let yesterday = (app.now() - chrono::Duration::days(1)).to_rfc3339();
    for (title, extra, status) in [
        (
            "Scheduled",
            json!({"status": "published", "published_at": later}),
            "scheduled",
        ),
        (
            "Expired",
            json!({"status": "published", "published_at": earlier, "unpublish_at": yesterday}),
            "expired",
        ),
        ("Live", json!({"status": "published"}), "published"),
    ] {
        let article = app.article(title, health, extra).await;
        let id = article["id"].as_i64().unwrap();
        let token = mint(&app, &id.to_string()).await["token"]
            .as_str()
            .unwrap()
            .to_owned();
        app.patch(
            &app.editor(),
            &format!("/api/v1/articles/{id}"),
            json!({"subtitle": "Now."}),
        )
        .await
        .expect(200);
        let reply = app
            .get_as(&token, &format!("/api/v1/articles/{id}"))
            .await
            .expect(200);
        assert_eq!(reply.body["status"], status, "{}", reply.body);
        assert_eq!(reply.body["subtitle"], "Now.");
        assert_eq!(reply.body["version"], 2);
    }
}

/// Walks every operation of the document with a preview token: only `GET` (and `HEAD`) of its
/// own article succeeds; everything else is a `403 forbidden`, whether what it names exists or
/// not.
#[actix_web::test]
async fn a_preview_token_reaches_nothing_but_its_article() {
    let app = spawn().await;
    let health = app.category("Health", None).await["id"].as_i64().unwrap();
    let draft = app.article("Draft", health, json!({})).await;
    let other = app
        .article("Other", health, json!({"status": "published"}))
        .await;
    let section = app
        .post(
            &app.editor(),
            &format!("/api/v1/articles/{}/sections", draft["id"]),
            json!({"heading": "H", "body": "B"}),
        )
        .await
        .expect(201)
        .body;
    let token = mint(&app, "draft").await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let document: Value =
        serde_json::from_str(&healthhub::openapi::to_pretty_json().unwrap()).unwrap();
    let mut walked = 0;
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let own = method == "get" && path == "/api/v1/articles/{id_or_slug}";
            let keys: &[&str] = if path.contains("{id_or_slug}") {
                &["draft", "other", "no-such-article"]
            } else {
                &["draft"]
            };
            for key in keys {
                let uri = path
                    .replace("{id_or_slug}", key)
                    .replace("{id}", &section["id"].to_string())
                    .replace("{version}", "1")
                    .replace("{token_id}", "x");
                let method = method.to_uppercase();
                let request = TestRequest::default()
                    .method(method.parse().unwrap())
                    .uri(&uri)
                    .insert_header(bearer(&token))
                    .insert_header(("Content-Type", "application/json"))
                    .set_payload("{}");
                let reply = app.send(request).await;
                walked += 1;
                if own && *key == "draft" {
                    reply.expect(200);
                } else {
                    let reply = reply.expect_problem(403, "forbidden");
                    assert!(
                        !reply.body["detail"].as_str().unwrap().contains(key),
                        "{method} {uri}: {}",
                        reply.body
                    );
                }
            }
        }
    }
    assert!(walked > 40, "{walked}");
    // The other article by id, too, and its HEAD.
    let other_id = other["id"].as_i64().unwrap();
    app.get_as(&token, &format!("/api/v1/articles/{other_id}"))
        .await
        .expect_problem(403, "forbidden");
    let head = TestRequest::default()
        .method(actix_web::http::Method::HEAD)
        .uri(&format!("/api/v1/articles/{other_id}"))
        .insert_header(bearer(&token));
    app.send(head).await.expect(403);
    // Nothing was written with it.
    app.get(&format!("/api/v1/articles/{other_id}"))
        .await
        .expect(200);
}

#[actix_web::test]
async fn minting_needs_content_write() {
    let app = spawn().await;
    let health = app.category("Health", None).await["id"].as_i64().unwrap();
    app.article("Draft", health, json!({})).await;
    let path = "/api/v1/articles/draft/preview";
    app.json("POST", path, None, json!({}))
        .await
        .expect_problem(401, "unauthorized");
    for scopes in [
        &[Scope::Read][..],
        &[Scope::Publish],
        &[Scope::Read, Scope::Publish],
    ] {
        app.post(&app.token(scopes), path, json!({}))
            .await
            .expect_problem(403, "forbidden");
    }
    app.post(&app.token(&[Scope::Write]), path, json!({}))
        .await
        .expect(201);
    app.post(
        &app.editor(),
        "/api/v1/articles/no-such-article/preview",
        json!({}),
    )
    .await
    .expect_problem(404, "not_found");
    // A preview token cannot mint another one, nor list them.
    let preview = mint(&app, "draft").await;
    let token = preview["token"].as_str().unwrap();
    app.post(token, path, json!({}))
        .await
        .expect_problem(403, "forbidden");
}

#[actix_web::test]
async fn a_renamed_article_is_previewed_by_its_old_slug() {
    let app = spawn().await;
    let health = app.category("Health", None).await["id"].as_i64().unwrap();
    let article = app.article("Old name", health, json!({})).await;
    let id = article["id"].as_i64().unwrap();
    app.patch(
        &app.editor(),
        &format!("/api/v1/articles/{id}"),
        json!({"slug": "new-name"}),
    )
    .await
    .expect(200);
    let preview = mint(&app, "old-name").await;
    assert_eq!(preview["article_id"], id);
    let token = preview["token"].as_str().unwrap();
    let moved = app
        .get_as(token, "/api/v1/articles/old-name")
        .await
        .expect(308);
    assert_eq!(moved.header("location"), "/api/v1/articles/new-name");
    app.get_as(token, "/api/v1/articles/new-name")
        .await
        .expect(200);
    // Listing by the old slug follows the alias rule of reads.
    let list = app
        .get_as(&app.editor(), "/api/v1/articles/old-name/previews")
        .await
        .expect(308);
    assert_eq!(
        list.header("location"),
        "/api/v1/articles/new-name/previews"
    );
}

#[actix_web::test]
async fn a_revoked_preview_is_a_401_and_leaves_the_list() {
    let app = spawn().await;
    let health = app.category("Health", None).await["id"].as_i64().unwrap();
    let article = app.article("Draft", health, json!({})).await;
    let id = article["id"].as_i64().unwrap();
    let first = mint(&app, "draft").await;
    let second = mint(&app, "draft").await;
    let editor = app.editor();
    let list = app
        .get_as(
            &app.token(&[Scope::Read]),
            "/api/v1/articles/draft/previews",
        )
        .await
        .expect(200);
    assert_eq!(list.body["meta"]["total"], 2);
    assert!(list.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p.get("token").is_none() && p["article_id"] == id));
    let one = format!(
        "/api/v1/articles/{id}/previews/{}",
        first["id"].as_str().unwrap()
    );
    app.get_as(&editor, &one).await.expect(200);
    // `healthhub token list` shows them.
    let recorded =
        app.count("api_tokens WHERE subject = 'preview:article-1' AND scopes = 'preview'");
    assert_eq!(recorded, 2);

    let after = app
        .get_as(&app.token(&[Scope::Read]), "/api/v1/changes")
        .await
        .expect(200)
        .body["meta"]["next"]
        .clone();
    // Revoking needs content:write.
    app.delete(&app.token(&[Scope::Read]), &one)
        .await
        .expect_problem(403, "forbidden");
    app.delete(&editor, &one).await.expect(204);
    let token = first["token"].as_str().unwrap();
    let refused = app
        .get_as(token, &format!("/api/v1/articles/{id}"))
        .await
        .expect_problem(401, "unauthorized");
    assert_eq!(refused.body["detail"], "the bearer token has been revoked");
    app.get_as(&editor, &one)
        .await
        .expect_problem(404, "not_found");
    let list = app
        .get_as(&editor, "/api/v1/articles/draft/previews")
        .await
        .expect(200);
    assert_eq!(list.body["meta"]["total"], 1);
    assert_eq!(list.body["data"][0]["id"], second["id"]);
    // The revocation is in the changes log, once.
    let changes = app
        .get_as(
            &app.token(&[Scope::Read]),
            &format!("/api/v1/changes?after={}", after.as_i64().unwrap_or(0)),
        )
        .await
        .expect(200)
        .body;
    let revoked: Vec<&Value> = changes["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["event"] == "token.revoked")
        .collect();
    assert_eq!(revoked.len(), 1, "{changes}");
    app.delete(&editor, &one).await.expect(204);
    // The other link still works; a token of another article is not this one's to revoke.
    app.get_as(
        second["token"].as_str().unwrap(),
        &format!("/api/v1/articles/{id}"),
    )
    .await
    .expect(200);
    let elsewhere = app.article("Elsewhere", health, json!({})).await;
    app.delete(
        &editor,
        &format!(
            "/api/v1/articles/{}/previews/{}",
            elsewhere["id"],
            second["id"].as_str().unwrap()
        ),
    )
    .await
    .expect_problem(404, "not_found");
}

#[actix_web::test]
async fn an_expired_preview_is_a_401() {
    let app = spawn().await;
    let health = app.category("Health", None).await["id"].as_i64().unwrap();
    app.article("Draft", health, json!({})).await;
    let preview = mint(&app, "draft").await;
    let token = preview["token"].as_str().unwrap();
    let url = preview["url"].as_str().unwrap();
    let expires_at: chrono::DateTime<chrono::Utc> =
        preview["expires_at"].as_str().unwrap().parse().unwrap();
    app.set_now(expires_at - chrono::Duration::seconds(1));
    app.get_as(token, url).await.expect(200);
    // At `expires_at` exactly, not a leeway later.
    app.set_now(expires_at);
    let refused = app
        .get_as(token, url)
        .await
        .expect_problem(401, "unauthorized");
    assert_eq!(refused.body["detail"], "the preview link has expired");
    let list = app
        .get_as(&app.editor(), "/api/v1/articles/draft/previews")
        .await
        .expect(200);
    assert_eq!(list.body["meta"]["total"], 0);
}
