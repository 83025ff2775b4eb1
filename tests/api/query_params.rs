//! Tests: the documented query parameters of `GET /articles` and `GET /search` are the parser's
//! rules. Every pattern, format and range in the document is the one the parser applies: values
//! the document allows are accepted (a cursor only when the server made it), and a few that it
//! does not allow are 400s.

use crate::common::{spawn, TestApp};
use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use healthhub::articles::query::{
    fields_pattern, in_pattern, include_pattern, sort_pattern, FilterField, SortField,
    ARTICLE_FIELDS, BLANK_CHARACTERS, CURSOR_PATTERN, MAX_IN_VALUES, MAX_LIMIT,
};
use serde_json::{json, Value};

/// `value` percent-encoded for a query string.
fn enc(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

async fn accepted<S, B>(app: &TestApp<S>, path: &str, query: &str)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let reply = app.get(&format!("{path}?{query}")).await;
    assert_eq!(reply.status, 200, "{path}?{query}: {}", reply.body);
}

async fn refused<S, B>(app: &TestApp<S>, path: &str, query: &str)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    app.get(&format!("{path}?{query}"))
        .await
        .expect_problem(400, "bad_request");
}

/// A few published articles, so that pages and cursors have something to hold.
async fn three<S, B>(app: &TestApp<S>)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let category = app.category("Health", None).await["id"].as_i64().unwrap();
    for (title, at) in [
        ("Sleep well", "2025-01-01T00:00:00Z"),
        ("Sleep better", "2025-01-02T00:00:00Z"),
        ("Eat greens", "2025-01-03T00:00:00Z"),
    ] {
        app.article(
            title,
            category,
            json!({"status": "published", "published_at": at, "sections": [{"heading": "H", "body": "sleep"}]}),
        )
        .await;
    }
}

/// The schema of query parameter `name` of `GET path` in the served document.
fn schema<'a>(document: &'a Value, path: &str, name: &str) -> &'a Value {
    document["paths"][path]["get"]["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .find(|p| p["name"] == name)
        .map(|p| &p["schema"])
        .unwrap_or_else(|| panic!("no parameter {name} on {path}"))
}

#[actix_web::test]
async fn the_document_states_the_parsers_patterns_formats_and_ranges() {
    let app = spawn().await;
    let document = app.get("/openapi.json").await.expect(200).body;
    for path in ["/api/v1/articles", "/api/v1/search"] {
        let pattern = |name: &str| schema(&document, path, name)["pattern"].clone();
        assert_eq!(pattern("sort"), json!(sort_pattern()));
        assert_eq!(pattern("fields"), json!(fields_pattern()));
        assert_eq!(pattern("include"), json!(include_pattern()));
        assert_eq!(pattern("after"), json!(CURSOR_PATTERN));
        for field in [
            FilterField::Status,
            FilterField::Category,
            FilterField::Slug,
            FilterField::ViewCount,
        ] {
            assert_eq!(
                pattern(&format!("filter[{}][in]", field.name())),
                json!(in_pattern(field))
            );
        }
        for name in ["filter[published_at][lt]", "filter[updated_at][eq]"] {
            assert_eq!(
                schema(&document, path, name)["anyOf"],
                json!([
                    {"type": "string", "format": "date-time"},
                    {"type": "string", "format": "date"}
                ])
            );
        }
        for name in [
            "filter[title][eq]",
            "filter[slug][contains]",
            "filter[category][ne]",
        ] {
            assert_eq!(schema(&document, path, name)["minLength"], 1, "{name}");
        }
        for name in ["per_page", "limit"] {
            assert_eq!(schema(&document, path, name)["minimum"], 1);
            assert_eq!(schema(&document, path, name)["maximum"], MAX_LIMIT);
        }
        assert_eq!(schema(&document, path, "page")["maximum"], i64::MAX);
    }
    let q = schema(&document, "/api/v1/search", "q");
    assert_eq!(q["pattern"], json!(format!("[^{BLANK_CHARACTERS}]")));
    assert_eq!(q["minLength"], 1);
    let single = document["paths"]["/api/v1/articles/{id_or_slug}"]["get"]["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .find(|p| p["name"] == "include")
        .expect("include");
    assert_eq!(single["schema"]["pattern"], json!(include_pattern()));
}

#[actix_web::test]
async fn every_sort_the_pattern_allows_is_accepted_with_or_without_q() {
    let app = spawn().await;
    three(&app).await;
    let keys: Vec<String> = SortField::ALL
        .iter()
        .flat_map(|f| [f.name().to_owned(), format!("-{}", f.name())])
        .collect();
    let mut sorts: Vec<String> = keys.clone();
    for a in &keys {
        for b in &keys {
            sorts.push(format!("{a},{b}"));
        }
    }
    // Three keys: a deterministic sample (repeated fields and rank included).
    for (i, a) in keys.iter().enumerate() {
        sorts.push(format!(
            "{a},{},{}",
            keys[(i * 5 + 3) % keys.len()],
            keys[(i * 3 + 1) % keys.len()]
        ));
        sorts.push(format!("{a},{a},{a}"));
    }
    for sort in &sorts {
        accepted(&app, "/api/v1/articles", &format!("sort={sort}")).await;
        accepted(&app, "/api/v1/search", &format!("q=sleep&sort={sort}")).await;
    }
    // Ranked without q: every article is equally relevant, the next key decides.
    let list = app
        .get("/api/v1/articles?sort=rank,title")
        .await
        .expect(200);
    let titles: Vec<&str> = list.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Eat greens", "Sleep better", "Sleep well"]);
    for sort in [
        "",
        "colour",
        "title,",
        ",title",
        "title,slug,id,view_count",
        "+title",
        "TITLE",
    ] {
        refused(&app, "/api/v1/articles", &format!("sort={}", enc(sort))).await;
    }
}

#[actix_web::test]
async fn fields_and_include_take_exactly_what_their_patterns_allow() {
    let app = spawn().await;
    three(&app).await;
    let mut fields: Vec<String> = ARTICLE_FIELDS.iter().map(|f| (*f).to_owned()).collect();
    fields.push(ARTICLE_FIELDS.join(","));
    fields.push("title,title".to_owned());
    for value in &fields {
        accepted(&app, "/api/v1/articles", &format!("fields={value}")).await;
        accepted(&app, "/api/v1/search", &format!("q=sleep&fields={value}")).await;
    }
    for value in [
        "",
        "title,",
        ",title",
        "title, slug",
        " title",
        "sections",
        "colour",
    ] {
        refused(&app, "/api/v1/articles", &format!("fields={}", enc(value))).await;
    }
    for value in [
        "",
        "category",
        "breadcrumbs",
        "sections",
        "sections,category,breadcrumbs",
        "sections,sections",
    ] {
        accepted(&app, "/api/v1/articles", &format!("include={value}")).await;
        accepted(&app, "/api/v1/articles/1", &format!("include={value}")).await;
    }
    for value in [
        "category,",
        ",category",
        " category",
        "category, sections",
        "author",
    ] {
        refused(&app, "/api/v1/articles", &format!("include={}", enc(value))).await;
        app.get(&format!("/api/v1/articles/1?include={}", enc(value)))
            .await
            .expect_problem(400, "bad_request");
    }
    // A full page with sections embedded: the documented maximum holds whatever is included.
    accepted(
        &app,
        "/api/v1/articles",
        &format!("include=sections&limit={MAX_LIMIT}"),
    )
    .await;
    accepted(
        &app,
        "/api/v1/articles",
        &format!("include=sections&per_page={MAX_LIMIT}"),
    )
    .await;
}

#[actix_web::test]
async fn times_in_every_rfc_3339_and_date_form_are_accepted() {
    let app = spawn().await;
    three(&app).await;
    for value in [
        "2025-01-02",
        "0001-01-01",
        "9999-12-31",
        "2025-01-02T00:00:00Z",
        "2025-01-02t00:00:00z",
        "2025-01-02T00:00:00.1Z",
        "2025-01-02T00:00:00.123456Z",
        "2025-01-02T00:00:00.123456789Z",
        "2025-01-02T00:00:00+23:59",
        "2025-01-02T00:00:00-00:00",
        "0001-01-01T00:00:00+23:59",
        "9999-12-31T23:59:59-23:59",
        "2016-12-31T23:59:60Z",
    ] {
        for field in ["published_at", "updated_at"] {
            for op in ["eq", "ne", "lt", "lte", "gt", "gte"] {
                accepted(
                    &app,
                    "/api/v1/articles",
                    &format!("filter[{field}][{op}]={}", enc(value)),
                )
                .await;
            }
        }
    }
    for value in [
        "",
        "yesterday",
        "2025-13-01",
        "2025-01-02T25:00:00Z",
        "2025-01-02T00:00:00",
    ] {
        refused(
            &app,
            "/api/v1/articles",
            &format!("filter[published_at][lt]={}", enc(value)),
        )
        .await;
    }
}

#[actix_web::test]
async fn filter_values_and_in_lists_follow_their_schemas() {
    let app = spawn().await;
    three(&app).await;
    // Published only: the other states need a token, which is not what this is about.
    let statuses = ["published"];
    let hundred: Vec<&str> = statuses
        .iter()
        .cycle()
        .take(MAX_IN_VALUES)
        .copied()
        .collect();
    accepted(
        &app,
        "/api/v1/articles",
        &format!("filter[status][in]={}", hundred.join(",")),
    )
    .await;
    let over: Vec<&str> = statuses
        .iter()
        .cycle()
        .take(MAX_IN_VALUES + 1)
        .copied()
        .collect();
    refused(
        &app,
        "/api/v1/articles",
        &format!("filter[status][in]={}", over.join(",")),
    )
    .await;
    for value in ["", "draft,", "draft, published", "Draft"] {
        refused(
            &app,
            "/api/v1/articles",
            &format!("filter[status][in]={}", enc(value)),
        )
        .await;
    }
    for value in [
        "0",
        "-5",
        "+5",
        "007",
        "999999999999999999,-999999999999999999",
    ] {
        accepted(
            &app,
            "/api/v1/articles",
            &format!("filter[view_count][in]={}", enc(value)),
        )
        .await;
    }
    for value in ["", "1,", "1,,2", "one", "1 ,2"] {
        refused(
            &app,
            "/api/v1/articles",
            &format!("filter[view_count][in]={}", enc(value)),
        )
        .await;
    }
    for value in ["a", "sleep-well,x", "ünïcode ✓", "%", "1,2,3"] {
        accepted(
            &app,
            "/api/v1/articles",
            &format!("filter[slug][in]={}", enc(value)),
        )
        .await;
        // A category that does not exist is a 404 (state), never a 400.
        let reply = app
            .get(&format!(
                "/api/v1/articles?filter[category][in]={}",
                enc(value)
            ))
            .await;
        assert!(
            matches!(reply.status.as_u16(), 200 | 404),
            "{value}: {}",
            reply.body
        );
    }
    for name in [
        "title][eq",
        "title][contains",
        "slug][starts_with",
        "category][eq",
        "status][eq",
    ] {
        refused(&app, "/api/v1/articles", &format!("filter[{name}]=")).await;
    }
    // Without a category, include_descendants has nothing to add to: it is accepted.
    accepted(&app, "/api/v1/articles", "include_descendants=true").await;
    // The shortcut filters are never empty either: an unset variable in a frontend's URL must
    // not list everything.
    for path in ["/api/v1/articles", "/api/v1/search"] {
        for name in ["category", "author", "reviewer", "tag"] {
            refused(&app, path, &format!("q=sleep&{name}=")).await;
            refused(
                &app,
                path,
                &format!("q=sleep&include_descendants=true&{name}="),
            )
            .await;
        }
    }
    accepted(&app, "/api/v1/articles", &format!("page={}", i64::MAX)).await;
}

#[actix_web::test]
async fn q_on_search_needs_a_character_that_is_not_white_space() {
    let app = spawn().await;
    three(&app).await;
    for q in [
        "sleep", "a", " sleep ", "\u{feff}", "\u{1c}", "*", "\"", "NEAR(",
    ] {
        accepted(&app, "/api/v1/search", &format!("q={}", enc(q))).await;
    }
    for q in ["", " ", "\t\r\n", "\u{3000}", "\u{a0}\u{2028}\u{85}"] {
        refused(&app, "/api/v1/search", &format!("q={}", enc(q))).await;
        accepted(&app, "/api/v1/articles", &format!("q={}", enc(q))).await;
    }
    app.get("/api/v1/search")
        .await
        .expect_problem(400, "bad_request");
}

#[actix_web::test]
async fn only_a_cursor_the_server_made_is_accepted() {
    let app = spawn().await;
    three(&app).await;
    for sort in ["-published_at", "title", "rank,-id", "view_count,slug"] {
        let first = app
            .get(&format!("/api/v1/articles?limit=1&sort={sort}"))
            .await
            .expect(200);
        let cursor = first.body["meta"]["next_cursor"]
            .as_str()
            .expect("cursor")
            .to_owned();
        assert!(cursor
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        accepted(
            &app,
            "/api/v1/articles",
            &format!("limit=1&sort={sort}&after={cursor}"),
        )
        .await;
        accepted(
            &app,
            "/api/v1/articles",
            &format!("sort={sort}&after={cursor}"),
        )
        .await;
        refused(
            &app,
            "/api/v1/articles",
            &format!("sort=-id&after={cursor}"),
        )
        .await;
    }
    for after in ["", "garbage", "AAAA", "!!", "e30"] {
        refused(&app, "/api/v1/articles", &format!("after={}", enc(after))).await;
    }
    // The two paging modes exclude each other.
    refused(&app, "/api/v1/articles", "page=1&limit=5").await;
}

#[actix_web::test]
async fn a_date_with_a_signed_or_five_digit_year_is_400_not_a_database_error() {
    let app = spawn().await;
    for date in ["-5000-01-01", "+12345-01-01", "12345-01-01"] {
        let path = format!("/api/v1/articles?filter[published_at][gt]={date}");
        app.get(&path).await.expect_problem(400, "bad_request");
    }
}
