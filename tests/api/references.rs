//! Tests: references — an article's cited works, replaced as a whole, validated field by field, counted in its version, its changes log and its revisions, hidden with a draft.

use crate::common::{bearer, spawn, TestApp};
use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::TestRequest;
use healthhub::auth::Scope;
use serde_json::{json, Value};

const REFERENCES: &str = "/api/v1/articles/sleep-and-the-mind/references";
const ARTICLE: &str = "/api/v1/articles/sleep-and-the-mind";

/// "Sleep and the Mind", published (`published`) or a draft.
async fn article<S, B>(app: &TestApp<S>, published: bool) -> Value
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let category = app.category("Health", None).await;
    let status = if published { "published" } else { "draft" };
    app.article(
        "Sleep and the Mind",
        category["id"].as_i64().unwrap(),
        json!({"status": status, "published_at": "2025-01-01T00:00:00Z"}),
    )
    .await
}

fn review() -> Value {
    json!({
        "title": "Sleep and mental health: a systematic review",
        "url": "https://doi.org/10.1016/j.smrv.2020.101300",
        "publisher": "Sleep Medicine Reviews",
        "year": 2020,
        "doi": "10.1016/j.smrv.2020.101300",
        "pubmed_id": "32325376"
    })
}

fn guideline() -> Value {
    json!({
        "title": "  Insomnia: overview  ",
        "url": "https://www.nhs.uk/conditions/insomnia/",
        "publisher": "NHS"
    })
}

async fn version<S, B>(app: &TestApp<S>) -> i64
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let reply = app.get_as(&app.editor(), ARTICLE).await.expect(200);
    reply.body["version"].as_i64().unwrap()
}

#[actix_web::test]
async fn a_put_replaces_the_list_in_order_and_is_a_new_version_only_when_it_changes() {
    let app = spawn().await;
    article(&app, true).await;
    let before = version(&app).await;
    let put = app
        .put(
            &app.editor(),
            REFERENCES,
            json!({"references": [review(), guideline()]}),
        )
        .await
        .expect(200);
    assert_eq!(put.header("etag"), format!("\"{}\"", before + 1));
    let data = &put.body["data"];
    assert_eq!(data[0]["position"], 1);
    assert_eq!(
        data[0]["doi_url"],
        "https://doi.org/10.1016/j.smrv.2020.101300"
    );
    assert_eq!(
        data[0]["pubmed_url"],
        "https://pubmed.ncbi.nlm.nih.gov/32325376/"
    );
    assert_eq!(data[1]["position"], 2);
    assert_eq!(data[1]["title"], "Insomnia: overview", "titles are trimmed");
    for absent in ["year", "doi", "pubmed_id", "doi_url", "pubmed_url"] {
        assert_eq!(data[1][absent], Value::Null, "{absent}");
    }
    let listed = app.get(REFERENCES).await.expect(200);
    assert_eq!(listed.body, put.body);
    assert_eq!(version(&app).await, before + 1);

    // The same list again (the title as it is stored or as first sent) writes nothing.
    let mut same = guideline();
    same["title"] = json!("Insomnia: overview");
    app.put(
        &app.editor(),
        REFERENCES,
        json!({"references": [review(), same]}),
    )
    .await
    .expect(200);
    assert_eq!(version(&app).await, before + 1);

    // Reordered, then emptied: each a new version.
    app.put(
        &app.editor(),
        REFERENCES,
        json!({"references": [guideline(), review()]}),
    )
    .await
    .expect(200);
    let reordered = app.get(REFERENCES).await.expect(200);
    assert_eq!(reordered.body["data"][0]["publisher"], "NHS");
    app.put(&app.editor(), REFERENCES, json!({"references": []}))
        .await
        .expect(200);
    assert_eq!(
        app.get(REFERENCES).await.expect(200).body["data"],
        json!([])
    );
    assert_eq!(version(&app).await, before + 3);
}

#[actix_web::test]
async fn every_field_is_checked_and_a_refused_list_changes_nothing() {
    let app = spawn().await;
    article(&app, true).await;
    app.put(&app.editor(), REFERENCES, json!({"references": [review()]}))
        .await
        .expect(200);
    let before = version(&app).await;
    let stored = app.get(REFERENCES).await.expect(200).body;
    let cases: Vec<(&str, Value)> = vec![
        ("title", json!("   ")),
        ("title", json!("two\nlines")),
        ("title", json!("x".repeat(501))),
        ("publisher", json!("")),
        ("url", json!("/relative/path")),
        ("url", json!("ftp://example.org/paper.pdf")),
        ("url", json!("javascript:alert(1)")),
        (
            "url",
            json!(format!("https://example.org/{}", "a".repeat(2048))),
        ),
        ("year", json!(999)),
        ("year", json!(10000)),
        ("doi", json!("https://doi.org/10.1016/j.smrv.2020.101300")),
        ("doi", json!("10.12/too-short-registrant")),
        ("doi", json!("10.1016/with space")),
        ("pubmed_id", json!("0123")),
        ("pubmed_id", json!("1234567890")),
        ("pubmed_id", json!("PMC123")),
    ];
    for (field, value) in cases {
        let mut bad = review();
        bad[field] = value.clone();
        let reply = app
            .put(
                &app.editor(),
                REFERENCES,
                json!({"references": [guideline(), bad]}),
            )
            .await
            .expect_problem(422, "validation_failed");
        assert_eq!(
            reply.error_fields(),
            [format!("references[1].{field}")],
            "{field} = {value}"
        );
    }
    let too_many: Vec<Value> = (0..201).map(|_| guideline()).collect();
    let reply = app
        .put(&app.editor(), REFERENCES, json!({"references": too_many}))
        .await
        .expect(422);
    assert!(reply.error_fields().contains(&"references".to_owned()));
    let mut unknown = review();
    unknown["authors"] = json!("Smith J");
    app.put(&app.editor(), REFERENCES, json!({"references": [unknown]}))
        .await
        .expect(422);
    assert_eq!(version(&app).await, before);
    assert_eq!(app.get(REFERENCES).await.expect(200).body, stored);
}

#[actix_web::test]
async fn a_stale_if_match_is_refused_and_writes_need_the_write_scope() {
    let app = spawn().await;
    article(&app, true).await;
    let current = version(&app).await;
    let body = json!({"references": [review()]});
    let stale = TestRequest::put()
        .uri(REFERENCES)
        .insert_header(bearer(&app.editor()))
        .insert_header(("If-Match", format!("\"{}\"", current - 1 + 100)))
        .set_json(&body);
    app.send(stale).await.expect(412);
    let anonymous = TestRequest::put().uri(REFERENCES).set_json(&body);
    app.send(anonymous).await.expect(401);
    app.put(&app.token(&[Scope::Read]), REFERENCES, body.clone())
        .await
        .expect(403);
    assert_eq!(version(&app).await, current);
    let fresh = TestRequest::put()
        .uri(REFERENCES)
        .insert_header(bearer(&app.editor()))
        .insert_header(("If-Match", format!("\"{current}\"")))
        .set_json(&body);
    app.send(fresh).await.expect(200);
    app.put(&app.editor(), "/api/v1/articles/nowhere/references", body)
        .await
        .expect(404);
}

#[actix_web::test]
async fn a_drafts_references_are_hidden_from_readers() {
    let app = spawn().await;
    article(&app, false).await;
    app.put(&app.editor(), REFERENCES, json!({"references": [review()]}))
        .await
        .expect(200);
    app.get(REFERENCES).await.expect(404);
    let seen = app.get_as(&app.editor(), REFERENCES).await.expect(200);
    assert_eq!(seen.body["data"][0]["pubmed_id"], "32325376");
}

#[actix_web::test]
async fn a_changed_list_is_logged_as_an_update_of_the_article() {
    let app = spawn().await;
    let created = article(&app, true).await;
    app.put(&app.editor(), REFERENCES, json!({"references": [review()]}))
        .await
        .expect(200);
    let log = app
        .get_as(&app.editor(), "/api/v1/changes?after=0")
        .await
        .expect(200);
    let last = log.body["data"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["event"], "article.updated", "{last}");
    assert_eq!(last["id"], created["id"], "{last}");
    assert_eq!(
        last["version"],
        created["version"].as_i64().unwrap() + 1,
        "{last}"
    );
}

#[actix_web::test]
async fn an_article_is_created_with_its_references_and_shows_them_where_asked() {
    let app = spawn().await;
    let category = app.category("Health", None).await;
    let created = app
        .article(
            "Sleep and the Mind",
            category["id"].as_i64().unwrap(),
            json!({"status": "published", "published_at": "2025-01-01T00:00:00Z",
                   "references": [review(), guideline()]}),
        )
        .await;
    assert_eq!(created["version"], 1);
    let single = app.get(ARTICLE).await.expect(200).body;
    let listed = app.get(REFERENCES).await.expect(200).body;
    assert_eq!(
        single["references"], listed["data"],
        "a single read embeds them by default"
    );
    assert_eq!(single["references"][1]["title"], "Insomnia: overview");
    let none = app
        .get(&format!("{ARTICLE}?include=sections"))
        .await
        .expect(200);
    assert!(none.body.get("references").is_none());
    let list = app.get("/api/v1/articles").await.expect(200).body;
    assert!(
        list["data"][0].get("references").is_none(),
        "lists embed them when asked"
    );
    let list = app
        .get("/api/v1/articles?include=references")
        .await
        .expect(200)
        .body;
    assert_eq!(list["data"][0]["references"], listed["data"]);

    // A bad reference refuses the whole article.
    let mut bad = review();
    bad["doi"] = json!("doi:10.1016/x");
    let refused = app
        .json(
            "POST",
            "/api/v1/articles",
            Some(&app.editor()),
            json!({"title": "Another", "category_id": category["id"], "references": [bad]}),
        )
        .await
        .expect(422);
    assert_eq!(refused.error_fields(), ["references[0].doi"]);
    assert_eq!(app.count("articles"), 1);
}

#[actix_web::test]
async fn revisions_keep_the_references_and_a_restore_brings_them_back() {
    let app = spawn().await;
    article(&app, true).await;
    app.put(&app.editor(), REFERENCES, json!({"references": [review()]}))
        .await
        .expect(200);
    let with_one = version(&app).await;
    app.put(
        &app.editor(),
        REFERENCES,
        json!({"references": [guideline()]}),
    )
    .await
    .expect(200);
    let revision = app
        .get_as(&app.editor(), &format!("{ARTICLE}/revisions/{with_one}"))
        .await
        .expect(200);
    assert_eq!(
        revision.body["article"]["references"],
        json!([review()]),
        "{}",
        revision.body
    );
    app.post(
        &app.editor(),
        &format!("{ARTICLE}/revisions/{with_one}/restore"),
        json!({}),
    )
    .await
    .expect(200);
    let restored = app.get(REFERENCES).await.expect(200).body;
    assert_eq!(restored["data"][0]["doi"], review()["doi"]);
    assert_eq!(restored["data"].as_array().unwrap().len(), 1);
    assert_eq!(version(&app).await, with_one + 2);
}

#[actix_web::test]
async fn an_export_carries_the_references_and_an_import_writes_them_back() {
    let app = spawn().await;
    article(&app, true).await;
    app.put(
        &app.editor(),
        REFERENCES,
        json!({"references": [review(), guideline()]}),
    )
    .await
    .expect(200);
    let before = app.get(REFERENCES).await.expect(200).body;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("export.json");
    healthhub::dataset::export::export(&app.state.db, &file).unwrap();
    let exported: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(
        exported["articles"][0]["references"][1],
        json!({"title": "Insomnia: overview", "url": "https://www.nhs.uk/conditions/insomnia/",
               "publisher": "NHS", "year": null, "doi": null, "pubmed_id": null})
    );
    let import = |db| {
        healthhub::dataset::import::import(
            db,
            &file,
            healthhub::dataset::import::ImportOptions::default(),
            chrono::Utc::now().naive_utc(),
        )
        .unwrap()
    };
    assert_eq!(
        import(&app.state.db).unchanged,
        1,
        "the same references write nothing"
    );
    app.put(&app.editor(), REFERENCES, json!({"references": []}))
        .await
        .expect(200);
    assert_eq!(import(&app.state.db).articles, 1);
    let uncached = app.uncached().await;
    let reply = crate::common::call(&uncached, TestRequest::get().uri(REFERENCES))
        .await
        .expect(200);
    assert_eq!(reply.body, before);
}
