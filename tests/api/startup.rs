//! Tests: opening a database (migrations, the fresh flag) and the demo content (loaded into a database never written to).

use healthhub::dataset::demo;
use healthhub::db::Database;

#[actix_web::test]
async fn demo_content_loads_into_a_new_database_and_is_readable() {
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("demo.db").to_string_lossy().into_owned();
    let (db, fresh) = Database::open(&url, 1).unwrap();
    assert!(fresh);
    // A token minted before the first `serve` leaves the database untouched: the demo still loads.
    let keys = healthhub::auth::TokenKeys::new(
        b"startup-test-secret-startup-test",
        "healthhub",
        "healthhub-api",
    );
    healthhub::auth::issue(
        &db,
        &keys,
        "early",
        &[healthhub::auth::Scope::Read],
        std::time::Duration::from_secs(60),
        chrono::Utc::now(),
    )
    .unwrap();
    assert!(demo::untouched(&db).unwrap());
    let store = healthhub::media::storage::MediaStore::open(
        &healthhub::config::MediaStorage::Directory(dir.path().join("media")),
    )
    .unwrap();
    let loaded = demo::load(&db, &store, chrono::Utc::now().naive_utc())
        .await
        .unwrap();
    assert_eq!(loaded, 3);
    assert!(!demo::untouched(&db).unwrap());
    drop(db);

    let (db, fresh) = Database::open(&url, 1).unwrap();
    assert!(
        !fresh && !demo::untouched(&db).unwrap(),
        "an existing database with content is not untouched, so the demo is not loaded twice"
    );
    let config = healthhub::config::Config::for_database(url.clone());
    let state = actix_web::web::Data::new(
        healthhub::state::AppState::new(config, db, healthhub::support::clock::Clock::system())
            .unwrap(),
    );
    let app = actix_web::test::init_service(healthhub::app::build(state)).await;
    let request = actix_web::test::TestRequest::get()
        .uri("/api/v1/categories/health")
        .to_request();
    let health: serde_json::Value = actix_web::test::call_and_read_body_json(&app, request).await;
    assert_eq!(health["name"], "Health");
    let children = health["children"].as_array().unwrap();
    assert!((2..=3).contains(&children.len()), "{health}");

    let request = actix_web::test::TestRequest::get()
        .uri("/api/v1/articles")
        .to_request();
    let list: serde_json::Value = actix_web::test::call_and_read_body_json(&app, request).await;
    assert_eq!(list["meta"]["total"], 3);
    for article in list["data"].as_array().unwrap() {
        assert_eq!(article["status"], "published");
        assert!(!article["subtitle"].as_str().unwrap().is_empty());
        assert!(article["view_count"].as_i64().unwrap() > 0);
        let slug = article["slug"].as_str().unwrap();
        let request = actix_web::test::TestRequest::get()
            .uri(&format!("/api/v1/articles/{slug}"))
            .to_request();
        let page: serde_json::Value = actix_web::test::call_and_read_body_json(&app, request).await;
        let positions: Vec<i64> = page["sections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["position"].as_i64().unwrap())
            .collect();
        assert_eq!(positions, [1, 2, 3, 4, 5]);
        assert_eq!(page["breadcrumbs"][0]["slug"], "health");
        // A byline, a reviewer line and references, as the seed page has, and topics.
        assert!(!page["authors"].as_array().unwrap().is_empty(), "{slug}");
        assert!(!page["tags"].as_array().unwrap().is_empty(), "{slug}");
        assert_eq!(page["review"]["reviewer"]["slug"], "lena-brandt", "{slug}");
        // Every person it credits has an avatar with alt text.
        let people = page["authors"].as_array().unwrap().iter();
        for person in people.chain([&page["review"]["reviewer"]]) {
            let avatar = &person["avatar"];
            assert!(
                !avatar["alt"].as_str().unwrap().is_empty(),
                "{slug}: {person}"
            );
            assert_eq!(avatar["media_type"], "image/jpeg", "{slug}: {person}");
        }
        assert!(page["review"]["reviewed_at"].is_string(), "{slug}");
        assert!(!page["references"].as_array().unwrap().is_empty(), "{slug}");
        // A feature image with alt text, its file served as a JPEG.
        let image = &page["feature_image"];
        assert!(
            !image["alt"].as_str().unwrap().is_empty(),
            "{slug}: {image}"
        );
        let request = actix_web::test::TestRequest::get()
            .uri(image["url"].as_str().unwrap())
            .to_request();
        let file = actix_web::test::call_service(&app, request).await;
        assert_eq!(file.status(), 200, "{slug}");
        assert_eq!(file.headers().get("content-type").unwrap(), "image/jpeg");
    }
}

#[actix_web::test]
async fn migrations_revert_cleanly() {
    use diesel_migrations::MigrationHarness;
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("revert.db").to_string_lossy().into_owned();
    Database::open(&url, 1).unwrap();
    let mut conn = healthhub::db::DbConn::open(&url).unwrap();
    healthhub::db::register_functions(&mut conn).unwrap();
    conn.revert_all_migrations(healthhub::db::SQLITE_MIGRATIONS)
        .unwrap();
    conn.run_pending_migrations(healthhub::db::SQLITE_MIGRATIONS)
        .unwrap();
}

/// An app wired without its `AppState` fails loudly: every layer and extractor that needs the
/// state answers 500 instead of letting the request through unchecked.
#[actix_web::test]
async fn a_missing_app_state_is_a_500_never_a_skipped_check() {
    use actix_web::middleware::from_fn;
    use actix_web::{test, web, App, HttpResponse};
    use healthhub::auth::Caller;
    use healthhub::http::client_ip::ClientIp;
    use healthhub::http::extract::JsonBody;
    use healthhub::http::middleware::{caching, idempotency, rate_limit, request_log};

    async fn ok() -> HttpResponse {
        HttpResponse::Ok().finish()
    }
    async fn with_caller(_caller: Caller) -> HttpResponse {
        HttpResponse::Ok().finish()
    }
    async fn with_client(_client: ClientIp) -> HttpResponse {
        HttpResponse::Ok().finish()
    }
    async fn with_body(_body: JsonBody<serde_json::Value>) -> HttpResponse {
        HttpResponse::Ok().finish()
    }
    macro_rules! status {
        ($app:expr) => {{
            let app = test::init_service($app).await;
            let request = test::TestRequest::post()
                .uri("/api/v1/x")
                .insert_header(("Content-Type", "application/json"))
                .insert_header(("Idempotency-Key", "k"))
                .set_payload("{}")
                .to_request();
            match test::try_call_service(&app, request).await {
                Ok(response) => response.status().as_u16(),
                Err(error) => error.as_response_error().status_code().as_u16(),
            }
        }};
    }
    let route = || web::resource("/api/v1/x").to(ok);
    assert_eq!(
        status!(App::new()
            .wrap(from_fn(request_log::log_requests))
            .service(route())),
        500
    );
    assert_eq!(
        status!(App::new()
            .wrap(from_fn(rate_limit::per_client))
            .service(route())),
        500
    );
    assert_eq!(
        status!(App::new()
            .wrap(from_fn(rate_limit::per_subject))
            .service(route())),
        500
    );
    assert_eq!(
        status!(App::new()
            .wrap(from_fn(caching::cache_headers))
            .service(route())),
        500
    );
    assert_eq!(
        status!(App::new()
            .wrap(from_fn(idempotency::idempotency_keys))
            .service(route())),
        500
    );
    assert_eq!(
        status!(App::new().route("/api/v1/x", web::post().to(with_caller))),
        500
    );
    assert_eq!(
        status!(App::new().route("/api/v1/x", web::post().to(with_client))),
        500
    );
    assert_eq!(
        status!(App::new().route("/api/v1/x", web::post().to(with_body))),
        500
    );
}
