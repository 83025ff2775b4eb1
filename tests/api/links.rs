//! Tests: the `Link` header of every list (`GET /articles`, `GET /search`) in both paging modes —
//! `first` always, `prev` exactly after the first page in page mode, `next` exactly before the last.

use crate::common::{spawn, Reply, TestApp};
use crate::listing::{hours_after_2025, published};
use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};

/// The list endpoints and a query each takes (search needs `q`).
const LISTS: [&str; 2] = [
    "/api/v1/articles?per_page=2",
    "/api/v1/search?q=topic&per_page=2",
];

/// Seven published articles whose titles all match `topic`.
async fn seven<S, B>(app: &TestApp<S>)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let category = app.category("Health", None).await["id"]
        .as_i64()
        .expect("id");
    for i in 0..7 {
        let at = hours_after_2025(i);
        app.article(&format!("Topic {i}"), category, published(&at))
            .await;
    }
}

/// `base` (which has a query) with `page=n` appended, as the server spells it.
fn page_url(base: &str, n: i64) -> String {
    format!("{base}&page={n}")
}

#[track_caller]
fn assert_links(reply: &Reply, first: &str, prev: Option<String>, next: Option<String>) {
    assert_eq!(reply.link("first").as_deref(), Some(first), "{reply:?}");
    assert_eq!(reply.link("prev"), prev, "{reply:?}");
    assert_eq!(reply.link("next"), next, "{reply:?}");
}

#[actix_web::test]
async fn every_page_links_the_first_its_previous_and_its_next() {
    let app = spawn().await;
    seven(&app).await;
    for base in LISTS {
        let pages = 4; // 7 items, 2 a page
        for page in 1..=pages {
            let reply = app.get(&page_url(base, page)).await.expect(200);
            let prev = (page > 1).then(|| page_url(base, page - 1));
            let next = (page < pages).then(|| page_url(base, page + 1));
            assert_links(&reply, &page_url(base, 1), prev, next);
        }
        // Without `page=` the list is its first page, and says so.
        let implicit = app.get(base).await.expect(200);
        assert_links(&implicit, &page_url(base, 1), None, Some(page_url(base, 2)));
        // Past the end there is nothing to go on to, but a way back to the start.
        let beyond = app.get(&page_url(base, 9)).await.expect(200);
        assert_links(&beyond, &page_url(base, 1), Some(page_url(base, 8)), None);
    }
}

#[actix_web::test]
async fn every_cursor_page_links_the_first_and_its_next_but_no_prev() {
    let app = spawn().await;
    seven(&app).await;
    for base in ["/api/v1/articles?limit=3", "/api/v1/search?q=topic&limit=3"] {
        let mut url = base.to_owned();
        let mut pages = 0;
        loop {
            let reply = app.get(&url).await.expect(200);
            pages += 1;
            let next = reply.body["meta"]["next_cursor"]
                .as_str()
                .map(|cursor| format!("{base}&after={cursor}"));
            assert_links(&reply, base, None, next.clone());
            match next {
                Some(next) => url = next,
                None => break,
            }
        }
        assert_eq!(pages, 3, "{base}");
    }
}
