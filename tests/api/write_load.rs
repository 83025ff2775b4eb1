//! Test helper: writers that keep creating articles (and renumbering their sections) while a
//! test does something else, such as taking a backup.

use crate::common::TestApp;
use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::rt::task::JoinHandle;
use serde_json::json;
use std::rc::Rc;

/// Sections each article is created with; each then gains one more at the front.
pub const SECTIONS: usize = 5;

/// Starts four writers on `app` that each create `articles` published articles in `category`,
/// each with [`SECTIONS`] sections, then insert a section at position 1 (which renumbers the
/// others in one transaction). A torn write would leave an article with neither
/// [`SECTIONS`] nor [`SECTIONS`]` + 1` sections, or positions not `1..=n`. Await the handles.
pub fn start_writers<S, B>(
    app: &Rc<TestApp<S>>,
    token: &str,
    category: i64,
    articles: usize,
) -> Vec<JoinHandle<()>>
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
{
    (0..4)
        .map(|writer| {
            let (app, token) = (Rc::clone(app), token.to_owned());
            actix_web::rt::spawn(async move {
                for n in 0..articles {
                    let sections: Vec<_> = (1..=SECTIONS)
                        .map(
                            |s| json!({"heading": format!("Part {s}"), "body": "About melatonin."}),
                        )
                        .collect();
                    let article = app
                        .post(
                            &token,
                            "/api/v1/articles",
                            json!({
                                "title": format!("Writer {writer} article {n}"),
                                "category_id": category,
                                "sections": sections,
                                "status": "published",
                                "published_at": "2025-01-01T00:00:00Z",
                            }),
                        )
                        .await
                        .expect(201)
                        .body;
                    app.post(
                        &token,
                        &format!("/api/v1/articles/{}/sections", article["id"]),
                        json!({"heading": "Summary", "body": "In short.", "position": 1}),
                    )
                    .await
                    .expect(201);
                }
            })
        })
        .collect()
}
