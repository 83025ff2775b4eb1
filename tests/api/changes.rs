//! Tests: the changes log — one entry per changed resource from every write path (API, import,
//! restore, token revocation, the scheduler), nothing from a refused or no-op write, paging that
//! never skips or reorders entries while writers commit concurrently, and retention's 410.

use crate::common::{spawn, spawn_with, start_time, TestApp};
use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::TestRequest;
use chrono::Duration;
use healthhub::auth::Scope;
use healthhub::dataset::import::{import_from, ImportOptions};
use healthhub::dataset::Layout;
use healthhub::jobs::scheduler;
use serde_json::{json, Value};

/// Every entry after `after`, following `meta.next` page by page (pages of 7 to cross page
/// boundaries).
async fn entries_after<S, B>(app: &TestApp<S>, after: i64) -> Vec<Value>
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let token = app.token(&[Scope::Read]);
    let mut after = after;
    let mut all = Vec::new();
    loop {
        let page = app
            .get_as(&token, &format!("/api/v1/changes?after={after}&limit=7"))
            .await
            .expect(200);
        let data = page.body["data"].as_array().unwrap().clone();
        let next = page.body["meta"]["next"].as_i64().unwrap();
        assert_eq!(
            next,
            data.last().map_or(after, |e| e["seq"].as_i64().unwrap())
        );
        all.extend(data);
        if !page.body["meta"]["has_more"].as_bool().unwrap() {
            return all;
        }
        after = next;
    }
}

/// The newest seq in the log (0 when empty).
async fn last_seq<S, B>(app: &TestApp<S>) -> i64
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let page = app
        .get_as(&app.token(&[Scope::Read]), "/api/v1/changes?limit=1")
        .await
        .expect(200);
    page.body["meta"]["last_seq"].as_i64().unwrap()
}

/// `(event, id, version)` of each entry.
fn summary(entries: &[Value]) -> Vec<(String, i64, i64)> {
    entries
        .iter()
        .map(|e| {
            (
                e["event"].as_str().unwrap().to_owned(),
                e["id"].as_i64().unwrap_or(-1),
                e["version"].as_i64().unwrap_or(-1),
            )
        })
        .collect()
}

fn ev(event: &str, id: i64, version: i64) -> (String, i64, i64) {
    (event.to_owned(), id, version)
}

#[actix_web::test]
async fn article_writes_log_one_entry_each_with_the_event_anonymous_readers_would_see() {
    let app = spawn().await;
    let token = app.editor();
    let category = app.category("Health", None).await;
    let cid = category["id"].as_i64().unwrap();
    let mark = last_seq(&app).await;

    let draft = app.article("Draft One", cid, json!({})).await;
    let id = draft["id"].as_i64().unwrap();
    let path = format!("/api/v1/articles/{id}");
    app.patch(
        &token,
        &path,
        json!({"title": "Draft Two", "slug": "draft-two"}),
    )
    .await
    .expect(200);
    // A write that changes nothing, and refused writes, log nothing.
    app.patch(&token, &path, json!({"title": "Draft Two"}))
        .await
        .expect(200);
    app.patch(&token, &path, json!({"title": ""}))
        .await
        .expect(422);
    app.json("PATCH", &path, Some(&token), json!({"subtitle": "x"}))
        .await
        .expect(200);
    app.send(
        TestRequest::patch()
            .uri(&path)
            .insert_header(crate::common::bearer(&token))
            .insert_header(("If-Match", "\"1\""))
            .set_json(json!({"subtitle": "y"})),
    )
    .await
    .expect(412);
    app.post(&token, &format!("{path}/publish"), json!({}))
        .await
        .expect(200);
    app.patch(&token, &path, json!({"excerpt": "Now public."}))
        .await
        .expect(200);
    // Moving the publication time into the future hides it: unpublished.
    app.patch(
        &token,
        &path,
        json!({"published_at": "2030-01-01T00:00:00Z"}),
    )
    .await
    .expect(200);
    app.post(&token, &format!("{path}/unpublish"), json!({}))
        .await
        .expect(200);
    let published = app
        .article("Born Public", cid, json!({"status": "published"}))
        .await;
    let pid = published["id"].as_i64().unwrap();
    app.delete(&token, &format!("/api/v1/articles/{pid}"))
        .await
        .expect(204);

    let entries = entries_after(&app, mark).await;
    assert_eq!(
        summary(&entries),
        vec![
            ev("article.created", id, 1),
            ev("article.updated", id, 2),
            ev("article.updated", id, 3),
            ev("article.published", id, 4),
            ev("article.updated", id, 5),
            ev("article.unpublished", id, 6),
            ev("article.updated", id, 7),
            ev("article.published", pid, 1),
            ev("article.deleted", pid, 1),
        ]
    );
    let seqs: Vec<i64> = entries.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[1] == w[0] + 1), "{seqs:?}");
    // The rename names both slugs; every entry names the token's subject and the time.
    assert_eq!(entries[1]["slug"], "draft-two");
    assert_eq!(entries[1]["old_slug"], "draft-one");
    assert!(entries[2]["old_slug"].is_null());
    for entry in &entries {
        assert_eq!(entry["subject"], "test-script");
        assert_eq!(entry["resource_type"], "article");
        assert_eq!(entry["at"], "2026-06-01T12:00:00Z");
    }
    // Visibility after each change, and purge hints only when the public saw it.
    let public: Vec<bool> = entries
        .iter()
        .map(|e| e["public"].as_bool().unwrap())
        .collect();
    assert_eq!(
        public,
        [false, false, false, true, true, false, false, true, false]
    );
    assert!(entries[0]["purge"].is_null());
    let purge = &entries[4]["purge"];
    assert_eq!(purge["keys"], json!([format!("article-{id}"), "articles"]));
    assert!(purge["urls"]
        .as_array()
        .unwrap()
        .contains(&json!("/api/v1/articles/draft-two")));
    assert!(!entries[5]["purge"].is_null(), "unpublishing purges");
    assert!(
        !entries[8]["purge"].is_null(),
        "deleting a public article purges"
    );
}

#[actix_web::test]
async fn section_writes_are_updates_of_their_article_and_identical_ones_log_nothing() {
    let app = spawn().await;
    let token = app.editor();
    let category = app.category("Health", None).await;
    let article = app
        .article(
            "Sleep",
            category["id"].as_i64().unwrap(),
            json!({"sections": [{"heading": "One", "body": "First."}]}),
        )
        .await;
    let id = article["id"].as_i64().unwrap();
    let mark = last_seq(&app).await;
    let created = app
        .post(
            &token,
            &format!("/api/v1/articles/{id}/sections"),
            json!({"heading": "Two", "body": "Second."}),
        )
        .await
        .expect(201);
    let section = created.body["id"].as_i64().unwrap();
    app.patch(
        &token,
        &format!("/api/v1/sections/{section}"),
        json!({"body": "Second, changed."}),
    )
    .await
    .expect(200);
    let listed = app
        .get_as(&token, &format!("/api/v1/articles/{id}/sections"))
        .await
        .expect(200);
    let same: Vec<Value> = listed.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| json!({"id": s["id"], "heading": s["heading"], "body": s["body"]}))
        .collect();
    app.put(
        &token,
        &format!("/api/v1/articles/{id}/sections"),
        json!({"sections": same}),
    )
    .await
    .expect(200);
    app.delete(&token, &format!("/api/v1/sections/{section}"))
        .await
        .expect(204);
    assert_eq!(
        summary(&entries_after(&app, mark).await),
        vec![
            ev("article.updated", id, 2),
            ev("article.updated", id, 3),
            ev("article.updated", id, 4),
        ]
    );
}

#[actix_web::test]
async fn category_writes_log_created_updated_and_deleted_with_the_old_slug() {
    let app = spawn().await;
    let token = app.editor();
    let mark = last_seq(&app).await;
    let category = app.category("Health", None).await;
    let id = category["id"].as_i64().unwrap();
    let path = format!("/api/v1/categories/{id}");
    app.patch(&token, &path, json!({"slug": "wellbeing"}))
        .await
        .expect(200);
    app.patch(&token, &path, json!({"slug": "wellbeing"}))
        .await
        .expect(200);
    app.delete(&token, &path).await.expect(204);
    let entries = entries_after(&app, mark).await;
    assert_eq!(
        summary(&entries),
        vec![
            ev("category.created", id, 1),
            ev("category.updated", id, 2),
            ev("category.deleted", id, 2),
        ]
    );
    assert_eq!(entries[1]["old_slug"], "health");
    assert_eq!(entries[1]["slug"], "wellbeing");
    assert_eq!(
        entries[2]["purge"]["keys"],
        json!([format!("category-{id}"), "categories"])
    );
    assert!(entries[0]["public"].is_null());
}

#[actix_web::test]
async fn scheduled_times_passing_log_published_then_unpublished_exactly_once() {
    let app = spawn().await;
    let category = app.category("Health", None).await;
    let at = start_time() + Duration::minutes(10);
    let until = start_time() + Duration::minutes(20);
    let article = app
        .article(
            "Later",
            category["id"].as_i64().unwrap(),
            json!({"status": "published", "published_at": at.to_rfc3339(),
                   "unpublish_at": until.to_rfc3339()}),
        )
        .await;
    let id = article["id"].as_i64().unwrap();
    let mark = last_seq(&app).await;
    assert_eq!(
        summary(&entries_after(&app, mark - 1).await),
        vec![ev("article.created", id, 1)]
    );

    // Before the time: nothing. At it: one entry, however often the scheduler runs.
    let tick = scheduler::tick(&app.state).await.unwrap();
    assert!(tick.transitions.is_empty());
    app.set_now(at);
    assert_eq!(
        scheduler::tick(&app.state).await.unwrap().transitions,
        vec![id as i32]
    );
    for _ in 0..3 {
        assert!(scheduler::tick(&app.state)
            .await
            .unwrap()
            .transitions
            .is_empty());
    }
    // A write racing the scheduler logs the transition itself, once.
    app.set_now(until + Duration::seconds(1));
    let entries = entries_after(&app, mark).await;
    assert_eq!(summary(&entries), vec![ev("article.published", id, 1)]);
    assert!(entries[0]["subject"].is_null(), "the server made it");
    assert_eq!(entries[0]["at"], at.to_rfc3339().replace("+00:00", "Z"));
    app.patch(
        &app.editor(),
        &format!("/api/v1/articles/{id}"),
        json!({"subtitle": "S"}),
    )
    .await
    .expect(200);
    assert!(scheduler::tick(&app.state)
        .await
        .unwrap()
        .transitions
        .is_empty());
    assert_eq!(
        summary(&entries_after(&app, mark).await),
        vec![
            ev("article.published", id, 1),
            ev("article.unpublished", id, 2),
        ]
    );
}

#[actix_web::test]
async fn the_scheduler_logs_each_transition_once_across_a_restart() {
    let app = spawn().await;
    let category = app.category("Health", None).await;
    let at = start_time() + Duration::minutes(5);
    let article = app
        .article(
            "Later",
            category["id"].as_i64().unwrap(),
            json!({"status": "published", "published_at": at.to_rfc3339()}),
        )
        .await;
    app.set_now(at);
    scheduler::tick(&app.state).await.unwrap();
    // A second process on the same file (a restart) finds nothing left to log.
    let mut config = app.state.config.clone();
    config.response_cache_bytes = 0;
    let (db, fresh) = healthhub::db::Database::open(&config.database_url, 1).unwrap();
    assert!(!fresh);
    let state = healthhub::state::AppState::new(config, db, app.state.clock.clone()).unwrap();
    assert!(scheduler::tick(&state)
        .await
        .unwrap()
        .transitions
        .is_empty());
    let published = entries_after(&app, 0)
        .await
        .into_iter()
        .filter(|e| e["event"] == "article.published" && e["id"] == article["id"])
        .count();
    assert_eq!(published, 1);
}

#[actix_web::test]
async fn imports_log_one_entry_per_changed_record_and_nothing_when_identical() {
    let app = spawn().await;
    let data = json!({
        "categories": [{"name": "Health", "slug": "health", "description": "", "parent_slug": null}],
        "articles": [
            {"title": "A", "slug": "a", "category_slug": "health", "status": "published",
             "published_at": "2025-01-01T00:00:00Z", "sections": []},
            {"title": "B", "slug": "b", "category_slug": "health", "status": "draft", "sections": []}
        ]
    })
    .to_string();
    let import = |text: String| {
        import_from(
            &app.state.db,
            std::io::Cursor::new(text.clone().into_bytes()),
            text.len() as u64,
            Layout::Document,
            ImportOptions::default(),
            start_time().naive_utc(),
        )
        .unwrap()
    };
    import(data.clone());
    let first = entries_after(&app, 0).await;
    let events: Vec<&str> = first.iter().map(|e| e["event"].as_str().unwrap()).collect();
    assert_eq!(
        events,
        ["category.created", "article.published", "article.created"]
    );
    assert!(first.iter().all(|e| e["subject"].is_null()));
    import(data.clone());
    assert_eq!(
        entries_after(&app, 0).await.len(),
        3,
        "an identical import logs nothing"
    );
    import(data.replace("\"title\":\"B\"", "\"title\":\"B2\""));
    let last = entries_after(&app, 3).await;
    assert_eq!(
        summary(&last),
        vec![ev("article.updated", last[0]["id"].as_i64().unwrap(), 2)]
    );
}

#[actix_web::test]
async fn revoking_a_token_logs_token_revoked_with_its_id() {
    let app = spawn().await;
    let token = app.token(&[Scope::Read]);
    let who = app.get_as(&token, "/api/v1/auth/whoami").await.expect(200);
    let jti = who.body["jti"].as_str().unwrap().to_owned();
    let mut out = Vec::new();
    healthhub::auth::cli::revoke(&app.state.db, &jti, app.now(), &mut out).unwrap();
    let entries = entries_after(&app, 0).await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["event"], "token.revoked");
    assert_eq!(entries[0]["resource_type"], "token");
    assert_eq!(entries[0]["token_id"], jti);
    assert!(entries[0]["id"].is_null() && entries[0]["purge"].is_null());
}

#[actix_web::test]
async fn the_feed_needs_content_read_and_checks_its_parameters() {
    let app = spawn().await;
    app.get("/api/v1/changes")
        .await
        .expect_problem(401, "unauthorized");
    let writer = app.token(&[Scope::Write]);
    app.get_as(&writer, "/api/v1/changes")
        .await
        .expect_problem(403, "forbidden");
    let reader = app.token(&[Scope::Read]);
    for bad in ["after=-1", "after=x", "limit=0", "limit=1001", "since=3"] {
        app.get_as(&reader, &format!("/api/v1/changes?{bad}"))
            .await
            .expect_problem(400, "bad_request");
    }
    // Beyond the newest seq: a seq this log never wrote (a database restored from an older
    // backup under a reader that had gone further).
    app.get_as(&reader, "/api/v1/changes?after=5")
        .await
        .expect_problem(409, "conflict");
    app.category("Health", None).await;
    let caught_up = app
        .get_as(&reader, "/api/v1/changes?after=1")
        .await
        .expect(200);
    assert_eq!(caught_up.body["data"], json!([]));
    assert_eq!(caught_up.body["meta"]["next"], 1);
    assert_eq!(
        caught_up.link("next").unwrap(),
        "/api/v1/changes?after=1&limit=100"
    );
}

#[actix_web::test]
async fn entries_past_retention_are_pruned_and_asking_for_them_is_a_410() {
    let app = spawn_with(|config| {
        config.journal.changes_retention = std::time::Duration::from_secs(3600);
    })
    .await;
    let category = app.category("Health", None).await;
    app.article("One", category["id"].as_i64().unwrap(), json!({}))
        .await;
    app.set_now(start_time() + Duration::hours(2));
    app.article("Two", category["id"].as_i64().unwrap(), json!({}))
        .await;
    let tick = scheduler::tick(&app.state).await.unwrap();
    assert_eq!(tick.pruned, 2);
    let reader = app.token(&[Scope::Read]);
    let gone = app
        .get_as(&reader, "/api/v1/changes?after=0")
        .await
        .expect_problem(410, "gone");
    assert!(gone.body["detail"].as_str().unwrap().contains("after=2"));
    app.get_as(&reader, "/api/v1/changes?after=1")
        .await
        .expect_problem(410, "gone");
    let kept = entries_after(&app, 2).await;
    assert_eq!(summary(&kept).len(), 1);
    assert_eq!(kept[0]["seq"], 3);
}

#[actix_web::test]
async fn a_reader_following_the_feed_while_many_writers_commit_sees_every_entry_once_in_order() {
    let app = spawn().await;
    let category = app.category("Health", None).await;
    let cid = category["id"].as_i64().unwrap();
    let token = app.editor();
    const WRITERS: usize = 8;
    const WRITES: usize = 15;
    let writers = (0..WRITERS).map(|w| {
        let (app, token) = (&app, token.clone());
        async move {
            for n in 0..WRITES {
                app.post(
                    &token,
                    "/api/v1/articles",
                    json!({"title": format!("W{w} N{n}"), "category_id": cid}),
                )
                .await
                .expect(201);
            }
        }
    });
    let reader = async {
        let mut seen: Vec<i64> = Vec::new();
        let reader_token = app.token(&[Scope::Read]);
        let mut after = 1; // seq 1 is the category
        while seen.len() < WRITERS * WRITES {
            let page = app
                .get_as(
                    &reader_token,
                    &format!("/api/v1/changes?after={after}&limit=5"),
                )
                .await
                .expect(200);
            for entry in page.body["data"].as_array().unwrap() {
                seen.push(entry["seq"].as_i64().unwrap());
            }
            after = page.body["meta"]["next"].as_i64().unwrap();
            actix_web::rt::task::yield_now().await;
        }
        seen
    };
    let (_, seen) = futures_util::join!(futures_util::future::join_all(writers), reader);
    let expected: Vec<i64> = (2..2 + (WRITERS * WRITES) as i64).collect();
    assert_eq!(
        seen, expected,
        "the reader saw every seq exactly once, in order"
    );
    // The writers really did overlap: their entries interleave in the log.
    let writers_in_log_order: Vec<String> = entries_after(&app, 1)
        .await
        .iter()
        .map(|e| {
            e["slug"]
                .as_str()
                .unwrap()
                .split('-')
                .next()
                .unwrap()
                .to_owned()
        })
        .collect();
    let switches = writers_in_log_order
        .windows(2)
        .filter(|w| w[0] != w[1])
        .count();
    assert!(
        switches > WRITERS,
        "writers ran one after another: {writers_in_log_order:?}"
    );
}

#[actix_web::test]
async fn retention_keeps_the_entries_a_webhook_has_not_taken_yet() {
    let app = spawn_with(|config| {
        config.journal.changes_retention = std::time::Duration::from_secs(3600);
    })
    .await;
    let category = app.category("Health", None).await;
    app.post(
        &app.token(&[Scope::Webhooks]),
        "/api/v1/webhooks",
        json!({"url": "https://hooks.example.invalid/in", "events": ["*"]}),
    )
    .await
    .expect(201);
    app.article("One", category["id"].as_i64().unwrap(), json!({}))
        .await;
    app.set_now(start_time() + Duration::hours(2));
    // The worker has not run: the article's entry has not become a delivery, so it stays.
    assert_eq!(scheduler::tick(&app.state).await.unwrap().pruned, 1);
    let reader = app.token(&[Scope::Read]);
    app.get_as(&reader, "/api/v1/changes?after=0")
        .await
        .expect_problem(410, "gone");
    assert_eq!(summary(&entries_after(&app, 1).await).len(), 1);
}

#[actix_web::test]
async fn transitions_missed_together_are_logged_in_the_order_their_times_passed() {
    let app = spawn().await;
    let category = app.category("Health", None).await;
    let cid = category["id"].as_i64().unwrap();
    let at = |minutes| (start_time() + Duration::minutes(minutes)).to_rfc3339();
    let later = app
        .article(
            "Later",
            cid,
            json!({"status": "published", "published_at": at(10)}),
        )
        .await;
    let sooner = app
        .article(
            "Sooner",
            cid,
            json!({"status": "published", "published_at": at(2), "unpublish_at": at(6)}),
        )
        .await;
    let mark = last_seq(&app).await;
    // The server was down from minute 1 to minute 15.
    app.set_now(start_time() + Duration::minutes(15));
    scheduler::tick(&app.state).await.unwrap();
    let (sooner, later) = (
        sooner["id"].as_i64().unwrap(),
        later["id"].as_i64().unwrap(),
    );
    assert_eq!(
        summary(&entries_after(&app, mark).await),
        vec![
            ev("article.published", sooner, 1),
            ev("article.unpublished", sooner, 1),
            ev("article.published", later, 1),
        ]
    );
}
