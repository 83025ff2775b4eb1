//! `Link` headers of paged reads (RFC 8288): the request's own URL with its paging parameters
//! changed.

use actix_web::HttpRequest;

/// The request's URL with `drop` removed from its query and `set` appended (no `?` when the
/// query ends up empty).
pub fn with_query(req: &HttpRequest, set: &[(&str, String)], drop: &[&str]) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (key, value) in form_urlencoded::parse(req.query_string().as_bytes()) {
        if !drop.contains(&key.as_ref()) {
            query.append_pair(&key, &value);
        }
    }
    for (key, value) in set {
        query.append_pair(key, value);
    }
    let query = query.finish();
    if query.is_empty() {
        req.path().to_owned()
    } else {
        format!("{}?{query}", req.path())
    }
}

/// The links of a page in cursor mode: `first` (the URL without `after`) always, and `next`
/// (the URL with `after` set to `next`) when another page follows.
pub fn cursor_links(req: &HttpRequest, next: Option<&str>) -> Vec<(String, &'static str)> {
    let mut links = vec![(with_query(req, &[], &["after"]), "first")];
    if let Some(cursor) = next {
        let after = [("after", cursor.to_owned())];
        links.push((with_query(req, &after, &["after"]), "next"));
    }
    links
}

/// The value of a `Link` header listing `links` (`(url, rel)` each): `<url>; rel="…"`,
/// comma-separated.
pub fn header_value(links: &[(String, &str)]) -> String {
    links
        .iter()
        .map(|(url, rel)| format!("<{url}>; rel=\"{rel}\""))
        .collect::<Vec<_>>()
        .join(", ")
}
