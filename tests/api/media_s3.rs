//! Tests: the media library on an S3-compatible object store — the same upload, files, variants
//! and deletion as on a local directory, the objects really in the bucket. They run when
//! `HEALTHHUB_TEST_S3_URL` names a server (`.ci/run` starts moto's, `.ci/s3.sh`), on SQLite and
//! on PostgreSQL alike, and are skipped (saying so) otherwise.

use crate::common::spawn_with;
use crate::media::{picture, upload, with_variants};
use healthhub::config::{MediaStorage, S3Storage};
use healthhub::support::digest::sha256_hex;
use image::ImageFormat;
use std::sync::atomic::{AtomicU32, Ordering};

/// The S3-compatible server of this run, if any (after saying on stderr that the test is
/// skipped when there is none).
fn s3_server() -> Option<String> {
    let url = std::env::var("HEALTHHUB_TEST_S3_URL")
        .ok()
        .filter(|url| !url.is_empty());
    if url.is_none() {
        eprintln!(
            "skipped: HEALTHHUB_TEST_S3_URL names no S3-compatible server (.ci/s3.sh starts one)"
        );
    }
    url
}

/// A new, empty bucket on `server`, its name unique to this test process and call.
fn new_bucket(server: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "healthhub-test-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    ureq::put(&format!("{server}/{name}"))
        .send_empty()
        .expect("create the test bucket");
    name
}

/// The keys of the objects in `bucket`, as the server lists them (ListObjectsV2).
fn keys(server: &str, bucket: &str) -> Vec<String> {
    let mut response = ureq::get(&format!("{server}/{bucket}?list-type=2"))
        .call()
        .expect("list the bucket");
    let listing = response
        .body_mut()
        .read_to_string()
        .expect("read the listing");
    let key = regex::Regex::new("<Key>([^<]*)</Key>").unwrap();
    let mut keys: Vec<String> = key
        .captures_iter(&listing)
        .map(|found| found[1].to_owned())
        .collect();
    keys.sort();
    keys
}

#[actix_web::test]
async fn media_live_in_an_s3_bucket_when_one_is_configured() {
    let Some(server) = s3_server() else {
        return;
    };
    let bucket = new_bucket(&server);
    let storage = MediaStorage::S3(S3Storage {
        bucket: bucket.clone(),
        endpoint: Some(server.clone()),
        region: "us-east-1".to_owned(),
        access_key_id: "healthhub-test".to_owned(),
        secret_access_key: "healthhub-test-secret".to_owned(),
    });
    let app = spawn_with(move |config| {
        config.media.storage = storage;
        config.media.widths = vec![100, 200];
    })
    .await;
    let token = app.editor();
    let item = upload(
        &app,
        &token,
        picture(150, 90, ImageFormat::Png),
        "image/png",
        "",
    )
    .await
    .expect(201)
    .body;
    let id = item["id"].as_i64().unwrap();
    let sha = item["sha256"].as_str().unwrap().to_owned();
    let key = format!("{sha}.png");
    assert_eq!(
        keys(&server, &bucket),
        vec![key.clone()],
        "the original is in the bucket"
    );
    assert!(
        !app.dir.path().join("media").join(&key).exists(),
        "nothing is written to the local directory"
    );
    let file = app.get(&format!("/media/{key}")).await.expect(200);
    assert_eq!(sha256_hex(&file.raw), sha);
    assert_eq!(file.header("content-type"), "image/png");
    assert_eq!(
        file.header("cache-control"),
        "public, max-age=31536000, immutable"
    );

    let item = with_variants(&app, id, 1).await;
    assert_eq!(
        item["variants"].as_array().unwrap().len(),
        1,
        "150 px: only the 100 px variant"
    );
    let variant_key = format!("{sha}-100w.png");
    assert_eq!(keys(&server, &bucket), [variant_key.clone(), key.clone()]);
    let variant = app.get(&format!("/media/{variant_key}")).await.expect(200);
    let decoded = image::load_from_memory(&variant.raw).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (100, 60));

    app.delete(&token, &format!("/api/v1/media/{id}"))
        .await
        .expect(204);
    assert_eq!(
        keys(&server, &bucket),
        Vec::<String>::new(),
        "its objects are gone"
    );
    app.get(&format!("/media/{key}"))
        .await
        .expect_problem(404, "not_found");
}

#[actix_web::test]
async fn an_unreachable_bucket_is_a_server_error_not_a_panic() {
    let Some(server) = s3_server() else {
        return;
    };
    let storage = MediaStorage::S3(S3Storage {
        bucket: "healthhub-no-such-bucket".to_owned(),
        endpoint: Some(server),
        region: "us-east-1".to_owned(),
        access_key_id: "healthhub-test".to_owned(),
        secret_access_key: "healthhub-test-secret".to_owned(),
    });
    let app = spawn_with(move |config| config.media.storage = storage).await;
    let token = app.editor();
    let refused = upload(
        &app,
        &token,
        picture(20, 20, ImageFormat::Png),
        "image/png",
        "",
    )
    .await
    .expect_problem(500, "internal_error");
    assert!(!refused.body["detail"].as_str().unwrap().contains("bucket"));
    assert_eq!(
        app.count("media"),
        0,
        "nothing is recorded without its file"
    );
}
