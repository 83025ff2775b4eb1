//! Tests: a malformed request — bad JSON, a bad query string, a bad path parameter, a body of
//! the wrong type, HTTP that actix's own parser refuses — never logs an ERROR line: a 4xx is
//! the client's mistake: logged once by the request log at INFO, or, for HTTP the parser
//! refuses before our code runs, not at all.

use crate::common::{capture, raw, spawn};
use actix_web::dev::{fn_factory, Service, ServiceFactory};
use actix_web::rt::net::TcpListener;
use actix_web::test::TestRequest;
use healthhub::config::LogFormat;

/// Log lines of `text` at ERROR (JSON lines, `"level":"ERROR"`).
fn errors(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|line| line.contains("\"level\":\"ERROR\""))
        .collect()
}

#[actix_web::test]
async fn malformed_requests_through_the_app_log_no_error() {
    let app = spawn().await;
    let token = app.editor();
    let (logs, _guard) = capture(LogFormat::Json);
    let bad = [
        TestRequest::post()
            .uri("/api/v1/categories")
            .insert_header(("Authorization", format!("Bearer {token}")))
            .insert_header(("Content-Type", "application/json"))
            .set_payload("{\"name\": "),
        TestRequest::post()
            .uri("/api/v1/categories")
            .insert_header(("Authorization", format!("Bearer {token}")))
            .insert_header(("Content-Type", "application/json"))
            .set_payload("[1, 2]"),
        TestRequest::post()
            .uri("/api/v1/categories")
            .insert_header(("Authorization", format!("Bearer {token}")))
            .insert_header(("Content-Type", "text/plain"))
            .set_payload("name=x"),
        TestRequest::get().uri("/api/v1/articles?page=zero&per_page=-1"),
        TestRequest::get().uri("/api/v1/articles?filter[nope][eq]=1"),
        TestRequest::get().uri("/api/v1/categories/tree?depth=%FF"),
        TestRequest::get().uri("/api/v1/sections/not-a-number"),
        TestRequest::get().uri("/api/v1/sections/99999999999999999999"),
        TestRequest::get().uri("/api/v1/articles/%FF%FE"),
        TestRequest::patch()
            .uri("/api/v1/articles/1")
            .insert_header(("Authorization", format!("Bearer {token}")))
            .insert_header(("If-Match", "not-a-tag"))
            .set_json(serde_json::json!({"title": "x"})),
    ];
    for request in bad {
        let reply = app.send(request).await;
        assert!(reply.status.is_client_error(), "{reply:?}");
    }
    let text = logs.text();
    assert!(errors(&text).is_empty(), "{}", errors(&text).join("\n"));
    assert!(
        text.contains("\"status\":400"),
        "the request log has them: {text}"
    );
}

#[actix_web::test]
async fn http_that_the_parser_refuses_logs_no_error() {
    let app = spawn().await;
    let (logs, _guard) = capture(LogFormat::Json);
    // The HTTP/1 service on this thread, so its log lines reach this thread's subscriber.
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let application = actix_web::test::init_service(healthhub::app::build(app.state.clone())).await;
    let once = std::cell::RefCell::new(Some(application));
    let application = fn_factory(move || {
        let application = once.borrow_mut().take();
        async move { application.ok_or(()) }
    });
    let factory = actix_http::HttpService::build().h1(application);
    let service = factory.new_service(()).await.expect("the service");
    let server = actix_web::rt::spawn(async move {
        let service = std::rc::Rc::new(service);
        while let Ok((stream, _)) = listener.accept().await {
            let service = std::rc::Rc::clone(&service);
            actix_web::rt::spawn(async move {
                let _ = service.call((stream, None)).await;
            });
        }
    });
    let malformed: [&[u8]; 5] = [
        b"GET /api/v1/articles HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\nConnection: close\r\n\r\n",
        b"GET /api/v1/art icles HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"GET /api/v1/articles HTTP/1.1\r\nHost: x\r\nBad Header\r\nConnection: close\r\n\r\n",
        b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03 TLS hello\r\n\r\n",
        b"POST /api/v1/categories HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n",
    ];
    for request in malformed {
        let answer = raw(addr, request.to_vec()).await;
        assert!((400..500).contains(&answer.status), "{answer:?}");
    }
    server.abort();
    let text = logs.text();
    assert!(errors(&text).is_empty(), "{}", errors(&text).join("\n"));
}
