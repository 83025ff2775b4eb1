//! Tests: the media library — an upload is sniffed (never trusting the declared type), limited
//! (413 bytes, 422 pixels before decoding, 415 other formats, 422 corrupt), stripped of its
//! metadata and stored by content (same bytes, same item); its files are served immutable with
//! their real type; variants are made once in the background and never upscaled; its texts are
//! edited under If-Match; deleting it removes its files; the changes log records it all.

use crate::common::{bearer, spawn, spawn_with, Reply, TestApp};
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::TestRequest;
use healthhub::support::digest::sha256_hex;
use image::{ImageFormat, RgbImage};
use img_parts::jpeg::{markers, Jpeg, JpegSegment};
use serde_json::{json, Value};
use std::io::Cursor;

/// A `width`×`height` gradient encoded as `format`.
pub fn picture(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
    let image = RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
    });
    let mut out = Cursor::new(Vec::new());
    image
        .write_to(&mut out, format)
        .expect("encode a test image");
    out.into_inner()
}

/// Text a test plants in an image's metadata and then looks for in the stored bytes.
const SECRET: &[u8] = b"GPS 51.5007N 0.1246W Jane's phone";

/// A JPEG carrying EXIF (APP1), XMP (APP1) and a comment, each holding [`SECRET`].
fn jpeg_with_metadata(width: u32, height: u32) -> Vec<u8> {
    let plain = picture(width, height, ImageFormat::Jpeg);
    let mut jpeg = Jpeg::from_bytes(plain.into()).expect("parse the test JPEG");
    let exif = [b"Exif\0\0".as_slice(), SECRET].concat();
    let xmp = [b"http://ns.adobe.com/xap/1.0/\0".as_slice(), SECRET].concat();
    for (marker, contents) in [
        (markers::APP1, exif),
        (markers::APP1, xmp),
        (markers::COM, SECRET.to_vec()),
    ] {
        let segment = JpegSegment::new_with_contents(marker, contents.into());
        jpeg.segments_mut().insert(1, segment);
    }
    jpeg.encoder().bytes().to_vec()
}

/// True when `needle` occurs in `haystack`.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// Uploads `bytes` declared as `content_type`, with `query` (`""` or `?alt=…`).
pub async fn upload<S, B>(
    app: &TestApp<S>,
    token: &str,
    bytes: Vec<u8>,
    content_type: &str,
    query: &str,
) -> Reply
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    app.send(
        TestRequest::post()
            .uri(&format!("/api/v1/media{query}"))
            .insert_header(bearer(token))
            .insert_header(("Content-Type", content_type))
            .set_payload(bytes),
    )
    .await
}

/// The item `id` once its variants number `count` (polled: they are made in the background).
pub async fn with_variants<S, B>(app: &TestApp<S>, id: i64, count: usize) -> Value
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    for _ in 0..2_000 {
        let item = app
            .get(&format!("/api/v1/media/{id}"))
            .await
            .expect(200)
            .body;
        if item["variants"].as_array().unwrap().len() >= count {
            return item;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("medium {id} never got {count} variants");
}

#[actix_web::test]
async fn an_upload_is_stored_by_its_content_without_its_metadata() {
    let app = spawn().await;
    let token = app.editor();
    let original = jpeg_with_metadata(64, 48);
    assert!(contains(&original, SECRET));
    let created = upload(
        &app,
        &token,
        original.clone(),
        "image/jpeg",
        "?alt=Oats&credit=A.%20Baker",
    )
    .await
    .expect(201);
    let item = &created.body;
    let id = item["id"].as_i64().unwrap();
    assert_eq!(created.header("location"), format!("/api/v1/media/{id}"));
    assert_eq!(item["media_type"], "image/jpeg");
    assert_eq!(
        (item["width"].as_i64(), item["height"].as_i64()),
        (Some(64), Some(48))
    );
    assert_eq!(
        (item["alt"].as_str(), item["credit"].as_str()),
        (Some("Oats"), Some("A. Baker"))
    );
    assert_eq!(item["caption"], "");
    assert_eq!(item["version"], 1);

    let sha = item["sha256"].as_str().unwrap();
    assert_eq!(item["url"], format!("/media/{sha}.jpg"));
    let file = app.get(&format!("/media/{sha}.jpg")).await.expect(200);
    assert_eq!(file.header("content-type"), "image/jpeg");
    assert_eq!(
        file.header("cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(
        sha256_hex(&file.raw),
        sha,
        "the name is the hash of the bytes served"
    );
    assert_eq!(item["bytes"].as_u64(), Some(file.raw.len() as u64));
    assert!(
        !contains(&file.raw, SECRET),
        "EXIF, XMP and comments are gone"
    );
    assert!(!contains(&file.raw, b"Exif\0\0"));
    let decoded = image::load_from_memory(&file.raw).expect("the stored file decodes");
    assert_eq!((decoded.width(), decoded.height()), (64, 48));

    let again = upload(
        &app,
        &token,
        original,
        "application/octet-stream",
        "?alt=Other",
    )
    .await
    .expect(200);
    assert_eq!(again.body["id"], id, "the same bytes are the same item");
    assert_eq!(
        again.body["alt"], "Oats",
        "an upload of known bytes changes nothing"
    );
    assert_eq!(app.count("media"), 1);

    let revalidated = app
        .send(
            TestRequest::get()
                .uri(&format!("/media/{sha}.jpg"))
                .insert_header(("If-None-Match", format!("\"{sha}.jpg\""))),
        )
        .await
        .expect(304);
    assert!(revalidated.raw.is_empty());
}

#[actix_web::test]
async fn the_format_comes_from_the_bytes_not_from_what_the_client_declares() {
    let app = spawn().await;
    let token = app.editor();
    let png = upload(
        &app,
        &token,
        picture(10, 10, ImageFormat::Png),
        "image/jpeg",
        "",
    )
    .await
    .expect(201);
    assert_eq!(png.body["media_type"], "image/png");
    let url = png.body["url"].as_str().unwrap();
    assert!(url.ends_with(".png"), "{url}");
    let file = app.get(url).await.expect(200);
    assert_eq!(file.header("content-type"), "image/png");

    for (bytes, declared) in [
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec(),
            "image/png",
        ),
        (b"GIF is what this text claims to be".to_vec(), "image/gif"),
        ([b"BM".as_slice(), &[0; 60]].concat(), "image/jpeg"),
        (
            [
                b"\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf".as_slice(),
                &[0; 64],
            ]
            .concat(),
            "image/avif",
        ),
    ] {
        upload(&app, &token, bytes, declared, "")
            .await
            .expect_problem(415, "unsupported_media_type");
    }
    // A body is read as sent: any coding but identity is a 415 saying so, image or not.
    let stored = app.count("media");
    for coding in ["gzip", "br", "x-unknown"] {
        let refused = app
            .send(
                TestRequest::post()
                    .uri("/api/v1/media")
                    .insert_header(bearer(&token))
                    .insert_header(("Content-Type", "image/png"))
                    .insert_header(("Content-Encoding", coding))
                    .set_payload(picture(12, 9, ImageFormat::Png)),
            )
            .await
            .expect_problem(415, "unsupported_media_type");
        let detail = refused.body["detail"].as_str().unwrap();
        assert!(detail.contains("not decompressed"), "{coding}: {detail}");
    }
    assert_eq!(app.count("media"), stored);
    for format in [ImageFormat::WebP, ImageFormat::Gif] {
        let item = upload(
            &app,
            &token,
            picture(12, 9, format),
            "application/octet-stream",
            "",
        )
        .await
        .expect(201)
        .body;
        assert_eq!(item["media_type"], format.to_mime_type());
        let file = app.get(item["url"].as_str().unwrap()).await.expect(200);
        assert_eq!(file.header("content-type"), format.to_mime_type());
    }
}

/// A PNG whose header claims `width`×`height` pixels, whose data is `zeros` zero bytes,
/// compressed: a decompression bomb when the claim is large, a truncated image when the data
/// falls short of it.
fn png_claiming(width: u32, height: u32, zeros: usize) -> Vec<u8> {
    use std::io::Write;
    let chunk = |kind: &[u8], data: &[u8]| {
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        let length = u32::try_from(data.len()).unwrap().to_be_bytes();
        [&length, kind, data, &crc.sum().to_be_bytes()].concat()
    };
    let ihdr = [
        &width.to_be_bytes()[..],
        &height.to_be_bytes(),
        &[8, 2, 0, 0, 0],
    ]
    .concat();
    let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    zlib.write_all(&vec![0; zeros]).unwrap();
    let idat = zlib.finish().unwrap();
    [
        b"\x89PNG\r\n\x1a\n".to_vec(),
        chunk(b"IHDR", &ihdr),
        chunk(b"IDAT", &idat),
        chunk(b"IEND", &[]),
    ]
    .concat()
}

#[actix_web::test]
async fn uploads_past_the_limits_or_unreadable_are_refused_with_a_problem() {
    let app = spawn_with(|config| {
        config.media.max_bytes = 64_000;
        config.media.max_pixels = 10_000;
    })
    .await;
    let token = app.editor();
    upload(
        &app,
        &token,
        picture(100, 100, ImageFormat::Png),
        "image/png",
        "",
    )
    .await
    .expect(201);
    let large = [b"\x89PNG\r\n\x1a\n".as_slice(), &[0; 64_000]].concat();
    let refused = upload(&app, &token, large, "image/png", "")
        .await
        .expect_problem(413, "payload_too_large");
    assert!(refused.body["detail"].as_str().unwrap().contains("64000"));

    let bomb = png_claiming(100_000, 100_000, 100_000);
    let refused = upload(&app, &token, bomb, "image/png", "")
        .await
        .expect_problem(422, "validation_failed");
    let detail = refused.body["errors"][0]["message"].as_str().unwrap();
    assert!(detail.contains("100000×100000"), "{detail}");
    upload(
        &app,
        &token,
        picture(101, 100, ImageFormat::Png),
        "image/png",
        "",
    )
    .await
    .expect_problem(422, "validation_failed");

    let mut truncated = picture(60, 60, ImageFormat::Png);
    truncated.truncate(truncated.len() / 2);
    upload(&app, &token, truncated, "image/png", "")
        .await
        .expect_problem(422, "validation_failed");
    let mut garbled = picture(60, 60, ImageFormat::Jpeg);
    let middle = garbled.len() / 2;
    garbled.truncate(middle);
    garbled.extend([0xFF, 0xD9]);
    upload(&app, &token, garbled, "image/jpeg", "")
        .await
        .expect_problem(422, "validation_failed");
    upload(&app, &token, png_claiming(100, 100, 1_000), "image/png", "")
        .await
        .expect_problem(422, "validation_failed");

    upload(&app, &token, Vec::new(), "image/png", "")
        .await
        .expect_problem(400, "bad_request");
    upload(
        &app,
        &token,
        picture(5, 5, ImageFormat::Png),
        "image/png",
        "?alt=a%0Ab",
    )
    .await
    .expect_problem(422, "validation_failed");
    upload(
        &app,
        &token,
        picture(5, 5, ImageFormat::Png),
        "image/png",
        "?title=x",
    )
    .await
    .expect_problem(400, "bad_request");
    let reader = app.token(&[healthhub::auth::Scope::Read]);
    upload(
        &app,
        &reader,
        picture(5, 5, ImageFormat::Png),
        "image/png",
        "",
    )
    .await
    .expect_problem(403, "forbidden");
    app.send(
        TestRequest::post()
            .uri("/api/v1/media")
            .set_payload(picture(5, 5, ImageFormat::Png)),
    )
    .await
    .expect_problem(401, "unauthorized");
    assert_eq!(app.count("media"), 1);
}

#[actix_web::test]
async fn variants_are_made_in_the_background_at_the_configured_widths_never_upscaled() {
    let app = spawn_with(|config| config.media.widths = vec![320, 640, 1280]).await;
    let token = app.editor();
    let created = upload(
        &app,
        &token,
        picture(800, 400, ImageFormat::Jpeg),
        "image/jpeg",
        "",
    )
    .await
    .expect(201);
    let id = created.body["id"].as_i64().unwrap();
    let item = with_variants(&app, id, 2).await;
    let variants = item["variants"].as_array().unwrap();
    let widths: Vec<i64> = variants
        .iter()
        .map(|v| v["width"].as_i64().unwrap())
        .collect();
    assert_eq!(widths, [320, 640], "1280 would be an upscale of 800");
    let sha = item["sha256"].as_str().unwrap();
    for variant in variants {
        let width = variant["width"].as_i64().unwrap();
        assert_eq!(variant["url"], format!("/media/{sha}-{width}w.jpg"));
        let file = app.get(variant["url"].as_str().unwrap()).await.expect(200);
        assert_eq!(file.header("content-type"), "image/jpeg");
        assert_eq!(
            file.header("cache-control"),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(variant["bytes"].as_u64(), Some(file.raw.len() as u64));
        let decoded = image::load_from_memory(&file.raw).unwrap();
        assert_eq!(decoded.width() as i64, width);
        assert_eq!(decoded.height() as i64, width / 2);
        assert_eq!(variant["height"].as_i64(), Some(width / 2));
    }
    app.get(&format!("/media/{sha}-1280w.jpg"))
        .await
        .expect(404);

    let small = upload(
        &app,
        &token,
        picture(300, 200, ImageFormat::Png),
        "image/png",
        "",
    )
    .await
    .expect(201);
    let small_id = small.body["id"].as_i64().unwrap();
    let marker = upload(
        &app,
        &token,
        picture(700, 10, ImageFormat::Png),
        "image/png",
        "",
    )
    .await
    .expect(201);
    // Variants are made in upload order: once the later upload has its variants, the earlier
    // one has had its turn too.
    with_variants(&app, marker.body["id"].as_i64().unwrap(), 2).await;
    let small = app
        .get(&format!("/api/v1/media/{small_id}"))
        .await
        .expect(200);
    assert_eq!(
        small.body["variants"],
        json!([]),
        "no variant is wider than 300"
    );
}

#[actix_web::test]
async fn texts_are_edited_under_if_match_and_every_write_is_logged() {
    let app = spawn().await;
    let token = app.editor();
    let item = upload(
        &app,
        &token,
        picture(20, 20, ImageFormat::Png),
        "image/png",
        "?caption=Old",
    )
    .await
    .expect(201)
    .body;
    let id = item["id"].as_i64().unwrap();
    let path = format!("/api/v1/media/{id}");
    let read = app.get(&path).await.expect(200);
    assert!(read.header("etag").starts_with("\"1-"));
    assert_eq!(read.header("surrogate-key"), format!("media-{id}"));

    let stale = TestRequest::patch()
        .uri(&path)
        .insert_header(bearer(&token))
        .insert_header(("If-Match", "\"7\""))
        .set_json(json!({"alt": "x"}));
    app.send(stale)
        .await
        .expect_problem(412, "precondition_failed");
    let edit = TestRequest::patch()
        .uri(&path)
        .insert_header(bearer(&token))
        .insert_header(("If-Match", "\"1\""))
        .set_json(json!({"alt": "A bowl of oats", "caption": null, "credit": "A. Baker"}));
    let edited = app.send(edit).await.expect(200).body;
    assert_eq!(edited["version"], 2);
    assert_eq!(
        (&edited["alt"], &edited["caption"], &edited["credit"]),
        (&json!("A bowl of oats"), &json!(""), &json!("A. Baker"))
    );
    let same = app
        .patch(&token, &path, json!({"alt": "A bowl of oats"}))
        .await
        .expect(200);
    assert_eq!(
        same.body["version"], 2,
        "a PATCH that changes nothing writes nothing"
    );
    let refused = app
        .patch(&token, &path, json!({"alt": "two\nlines", "width": 3}))
        .await
        .expect_problem(422, "validation_failed");
    assert!(refused.error_fields().contains(&"width".to_owned()) || refused.status == 422);
    app.patch(&token, &path, json!({"credit": "x".repeat(301)}))
        .await
        .expect_problem(422, "validation_failed");
    app.patch(&token, "/api/v1/media/999", json!({"alt": "x"}))
        .await
        .expect_problem(404, "not_found");

    app.delete(&token, &path).await.expect(204);
    let log = app
        .get_as(&token, "/api/v1/changes?after=0")
        .await
        .expect(200)
        .body;
    let entries = log["data"].as_array().unwrap();
    let events: Vec<&str> = entries
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["media.created", "media.updated", "media.deleted"]);
    assert_eq!(entries[1]["resource_type"], "media");
    assert_eq!(
        entries[1]["purge"],
        json!({"keys": [format!("media-{id}"), "media"], "urls": [path]})
    );
}

#[actix_web::test]
async fn a_deleted_item_and_its_files_are_gone() {
    let app = spawn_with(|config| config.media.widths = vec![16]).await;
    let token = app.editor();
    let item = upload(
        &app,
        &token,
        picture(40, 40, ImageFormat::Png),
        "image/png",
        "",
    )
    .await
    .expect(201)
    .body;
    let id = item["id"].as_i64().unwrap();
    let item = with_variants(&app, id, 1).await;
    let urls = [
        item["url"].as_str().unwrap().to_owned(),
        item["variants"][0]["url"].as_str().unwrap().to_owned(),
    ];
    for url in &urls {
        app.get(url).await.expect(200);
    }
    app.delete(&token, &format!("/api/v1/media/{id}"))
        .await
        .expect(204);
    app.get(&format!("/api/v1/media/{id}"))
        .await
        .expect_problem(404, "not_found");
    for url in &urls {
        app.get(url).await.expect_problem(404, "not_found");
    }
    app.delete(&token, &format!("/api/v1/media/{id}"))
        .await
        .expect_problem(404, "not_found");
}

#[actix_web::test]
async fn files_are_found_only_by_a_well_formed_name_of_stored_bytes() {
    let app = spawn().await;
    let sha = "0".repeat(64);
    for path in [
        format!("/media/{sha}.jpg"),
        format!("/media/{sha}-320w.png"),
        format!("/media/{sha}.exe"),
        "/media/..%2Fhealthhub.db".to_owned(),
        "/media/x.jpg".to_owned(),
    ] {
        app.get(&path).await.expect_problem(404, "not_found");
    }
    app.get("/api/v1/media/0")
        .await
        .expect_problem(404, "not_found");
    // Media have ids only: anything else names no item, as for sections and webhooks.
    app.get("/api/v1/media/abc")
        .await
        .expect_problem(404, "not_found");
}

#[actix_web::test]
async fn the_library_pages_through_in_id_order_for_anyone() {
    let app = spawn_with(|config| config.media.widths = Vec::new()).await;
    let token = app.editor();
    for size in [10, 11, 12] {
        upload(
            &app,
            &token,
            picture(size, size, ImageFormat::Png),
            "image/png",
            "",
        )
        .await
        .expect(201);
    }
    let first = app.get("/api/v1/media?limit=2").await.expect(200);
    assert_eq!(first.header("surrogate-key"), "media");
    let data = first.body["data"].as_array().unwrap();
    assert_eq!(data.len(), 2);
    let after = first.body["meta"]["next_after"].as_i64().unwrap();
    let rest = app
        .get(&format!("/api/v1/media?limit=2&after={after}"))
        .await
        .expect(200)
        .body;
    assert_eq!(rest["data"].as_array().unwrap().len(), 1);
    assert_eq!(rest["data"][0]["width"], 12);
    assert_eq!(rest["meta"]["next_after"], Value::Null);
    app.get("/api/v1/media?limit=0")
        .await
        .expect_problem(400, "bad_request");
}

/// `png` with a chunk of `kind` holding `data` inserted before its `IEND` (CRC computed).
fn png_with_chunk(png: &[u8], kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let iend = png.len() - 12;
    let crc = crc32fast::hash(&[kind.as_slice(), data].concat());
    let length = u32::try_from(data.len()).unwrap().to_be_bytes();
    [
        &png[..iend],
        &length,
        kind,
        data,
        &crc.to_be_bytes(),
        &png[iend..],
    ]
    .concat()
}

#[actix_web::test]
async fn a_jpeg_ends_at_its_end_marker_and_a_png_keeps_only_the_chunks_that_show_its_pixels() {
    let app = spawn_with(|config| config.media.widths = Vec::new()).await;
    let token = app.editor();
    // Bytes after a JPEG's end-of-image marker (a phone's appended video, or anything) go.
    let jpeg = picture(64, 48, ImageFormat::Jpeg);
    let trailed = [jpeg.as_slice(), SECRET].concat();
    let stored = upload(&app, &token, trailed, "image/jpeg", "")
        .await
        .expect(201);
    let file = app
        .get(stored.body["url"].as_str().unwrap())
        .await
        .expect(200);
    assert!(!contains(&file.raw, SECRET), "the trailer is gone");
    assert_eq!(&file.raw[file.raw.len() - 2..], [0xFF, 0xD9]);
    // A JPEG cut short (no end marker after its image data) is refused and stores nothing.
    let whole = picture(120, 80, ImageFormat::Jpeg);
    for cut in [whole.len() - 2, whole.len() * 9 / 10, whole.len() * 3 / 10] {
        let refused = upload(&app, &token, whole[..cut].to_vec(), "image/jpeg", "")
            .await
            .expect_problem(422, "validation_failed");
        assert_eq!(refused.error_fields(), ["body"], "{}", refused.body);
    }
    assert_eq!(app.count("media"), 1);
    // A PNG keeps its colour chunks and loses text, EXIF and private chunks.
    let png = picture(30, 20, ImageFormat::Png);
    let png = png_with_chunk(&png, b"gAMA", &45_455_u32.to_be_bytes());
    let png = png_with_chunk(&png, b"prVt", SECRET);
    let png = png_with_chunk(&png, b"tEXt", &[b"Author\0".as_slice(), SECRET].concat());
    let stored = upload(&app, &token, png, "image/png", "").await.expect(201);
    let file = app
        .get(stored.body["url"].as_str().unwrap())
        .await
        .expect(200);
    assert!(
        !contains(&file.raw, SECRET),
        "private and text chunks are gone"
    );
    assert!(contains(&file.raw, b"gAMA"), "the gamma chunk stays");
    image::load_from_memory(&file.raw).expect("the stored PNG decodes");
}

#[actix_web::test]
async fn an_item_deleted_while_its_variants_are_made_leaves_no_file_behind() {
    let files = tempfile::tempdir().unwrap();
    let dir = files.path().to_owned();
    let app = spawn_with(|config| {
        config.media.storage = healthhub::config::MediaStorage::Directory(dir.clone());
        config.media.widths = vec![100, 400];
    })
    .await;
    let token = app.editor();
    // Deleted after various delays, so some deletes land while the variants are being made.
    for (i, delay) in [0, 20, 60, 150].into_iter().enumerate() {
        let width = 900 + u32::try_from(i).unwrap();
        let item = upload(
            &app,
            &token,
            picture(width, 600, ImageFormat::Jpeg),
            "image/jpeg",
            "",
        )
        .await
        .expect(201)
        .body;
        actix_web::rt::time::sleep(std::time::Duration::from_millis(delay)).await;
        app.delete(&token, &format!("/api/v1/media/{}", item["id"]))
            .await
            .expect(204);
    }
    let left = || -> Vec<String> {
        std::fs::read_dir(&dir)
            .map(|entries| {
                entries
                    .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default()
    };
    for _ in 0..1_500 {
        if left().is_empty() {
            return;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("files left behind: {:?}", left());
}
