//! Tests: the seed page's shape (HOME > Health > Mental Health, an article with a subtitle and
//! five sections, a byline, a medical reviewer, references, tags and a feature image) created
//! through the API with a minted token and read back in one request as a frontend would.

use crate::common::spawn;
use crate::media::{picture, upload};
use image::ImageFormat;
use serde_json::json;

#[actix_web::test]
async fn a_script_publishes_the_seed_page_and_a_frontend_reads_it_back() {
    let app = spawn().await;
    let token = app.editor();
    let health = app
        .post(&token, "/api/v1/categories", json!({"name": "Health"}))
        .await
        .expect(201);
    assert_eq!(health.body["slug"], "health");
    let mental = app
        .post(
            &token,
            "/api/v1/categories",
            json!({"name": "Mental Health", "parent_id": health.body["id"]}),
        )
        .await
        .expect(201);
    let headings = [
        "Introduction",
        "The Frequency and Context of Crying",
        "Dependence on Client and Situation",
        "The Role of Empathy and Professionalism",
        "Conclusion",
    ];
    let sections: Vec<_> = headings
        .iter()
        .enumerate()
        .map(|(i, h)| json!({"heading": h, "body": format!("Paragraph {} of the page.", i + 1)}))
        .collect();
    let mut people = Vec::new();
    for (name, credentials) in [("Ana Ruiz", "PsyD"), ("Tom Becker", "MD")] {
        let person = app
            .post(
                &token,
                "/api/v1/people",
                json!({"name": name, "credentials": credentials}),
            )
            .await
            .expect(201);
        people.push(person.body["id"].clone());
    }
    let tag = app
        .post(&token, "/api/v1/tags", json!({"name": "Psychotherapy"}))
        .await
        .expect(201)
        .body["id"]
        .clone();
    let medium = upload(
        &app,
        &token,
        picture(120, 80, ImageFormat::Jpeg),
        "image/jpeg",
        "",
    )
    .await
    .expect(201)
    .body;
    let created = app
        .post(
            &token,
            "/api/v1/articles",
            json!({
                "feature_image": {"media_id": medium["id"], "alt": "A therapist listening",
                                  "caption": "Empathy is part of the work."},
                "tags": [tag],
                "title": "Do Therapists Cry During Sessions? Norms and Expectations in Psychotherapy",
                "subtitle": "Is it a sign of a deeper issue or simply a moment of empathy?",
                "status": "published",
                "published_at": "2025-04-19T00:00:00Z",
                "category_id": mental.body["id"],
                "sections": sections,
                "authors": [people[0]],
                "review": {"reviewer_id": people[1], "reviewed_at": "2025-04-15"},
                "references": [{
                    "title": "Do therapists cry in therapy?",
                    "url": "https://example.org/therapists-tears",
                    "publisher": "Psychotherapy",
                    "year": 2013,
                    "doi": "10.1037/a0031384",
                }],
            }),
        )
        .await
        .expect(201);
    let slug = created.body["slug"].as_str().unwrap().to_owned();
    assert_eq!(
        slug,
        "do-therapists-cry-during-sessions-norms-and-expectations-in-psychotherapy"
    );
    assert_eq!(
        created.header("location"),
        format!("/api/v1/articles/{}", created.body["id"])
    );

    let page = app
        .get(&format!("/api/v1/articles/{slug}"))
        .await
        .expect(200);
    assert!(
        page.header("etag").starts_with("\"1-"),
        "{}",
        page.header("etag")
    );
    let body = &page.body;
    assert_eq!(
        body["subtitle"],
        "Is it a sign of a deeper issue or simply a moment of empathy?"
    );
    assert_eq!(body["status"], "published");
    assert_eq!(body["published_at"], "2025-04-19T00:00:00Z");
    assert_eq!(body["view_count"], 0);
    assert_eq!(body["category"]["slug"], "mental-health");
    let crumbs: Vec<_> = body["breadcrumbs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(crumbs, ["Health", "Mental Health"]);
    let got: Vec<_> = body["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["position"].as_i64().unwrap(),
                s["heading"].as_str().unwrap(),
            )
        })
        .collect();
    let want: Vec<_> = (1..).zip(headings).collect();
    assert_eq!(got, want);
    // The byline, the reviewer line, the references, the topics and the feature image, in the
    // same answer.
    assert_eq!(body["tags"][0]["name"], "Psychotherapy");
    assert_eq!(body["feature_image"]["alt"], "A therapist listening");
    assert_eq!(body["feature_image"]["url"], medium["url"]);
    assert_eq!(body["feature_image"]["width"], 120);
    assert_eq!(body["authors"][0]["name"], "Ana Ruiz");
    assert_eq!(body["authors"][0]["credentials"], "PsyD");
    assert_eq!(body["review"]["reviewer"]["name"], "Tom Becker");
    assert_eq!(body["review"]["reviewed_at"], "2025-04-15");
    assert_eq!(
        body["references"][0]["doi_url"],
        "https://doi.org/10.1037/a0031384"
    );

    let views = app
        .send(actix_web::test::TestRequest::post().uri(&format!("/api/v1/articles/{slug}/views")))
        .await
        .expect(200);
    assert_eq!(views.body, json!({"view_count": 1}));

    let listed = app
        .get("/api/v1/articles?category=mental-health")
        .await
        .expect(200);
    assert_eq!(listed.body["meta"]["total"], 1);
    assert_eq!(listed.body["data"][0]["slug"], slug.as_str());
    assert!(listed.body["data"][0].get("sections").is_none());
}
