//! Tests: every truncation reachable through the API cuts between grapheme clusters — the
//! derived excerpt (flags, family emoji, combining accents, Hangul jamo) and slugs from long titles.

use crate::common::spawn;
use serde_json::json;

#[actix_web::test]
async fn derived_excerpts_and_slugs_never_split_a_character() {
    let app = spawn().await;
    let health = app.category("Health", None).await["id"].as_i64().unwrap();
    let flags = "🇬🇧".repeat(100);
    let article = app
        .article(
            "Flags",
            health,
            json!({"sections": [{"heading": "H", "body": flags}]}),
        )
        .await;
    assert_eq!(
        article["excerpt"].as_str().unwrap(),
        format!("{}…", "🇬🇧".repeat(79))
    );
    for (i, cluster) in [
        "👨\u{200D}👩\u{200D}👧\u{200D}👦",
        "e\u{301}",
        "\u{1100}\u{1161}\u{11A8}",
        "🇫🇷",
    ]
    .iter()
    .enumerate()
    {
        let body = format!("{cluster}x ").repeat(200);
        let article = app
            .article(
                &format!("{} long title {i}", cluster.repeat(30)),
                health,
                json!({"sections": [{"heading": "H", "body": body}]}),
            )
            .await;
        let excerpt = article["excerpt"].as_str().unwrap();
        assert!(excerpt.chars().count() <= 160, "{excerpt}");
        let kept = excerpt.strip_suffix('…').expect("cut");
        assert!(body.starts_with(kept), "{cluster:?}: {excerpt}");
        assert!(
            kept.ends_with(&format!("{cluster}x")),
            "{cluster:?} split: {excerpt:?}"
        );
        let slug = article["slug"].as_str().unwrap();
        assert!(slug.len() <= 100 && !slug.is_empty(), "{slug}");
    }
}
