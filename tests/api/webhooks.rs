//! Webhooks: CRUD and scopes, validation, SSRF refusals, signed deliveries to a real loopback receiver, order, retries, disabling, redelivery, redirects and restarts.

use crate::common::{spawn, spawn_with, start_time};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use healthhub::auth::Scope;
use healthhub::config::Config;
use healthhub::db::Database;
use healthhub::jobs::webhooks::Worker;
use healthhub::state::AppState;
use healthhub::support::clock::Clock;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    path: String,
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

impl Received {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

/// An answer the receiver gives: status, extra headers, body.
type Answer = (u16, Vec<(&'static str, String)>, String);

/// A real HTTP receiver on loopback: records every request and answers from a queue (200 when
/// it is empty).
struct Receiver {
    addr: SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
    answers: Arc<Mutex<VecDeque<Answer>>>,
}

impl Receiver {
    fn start() -> Self {
        Self::at(0)
    }

    /// A receiver on `port` of 127.0.0.1 (0: a free one).
    fn at(port: u16) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind");
        let addr = listener.local_addr().expect("address");
        let received = Arc::new(Mutex::new(Vec::new()));
        let answers = Arc::new(Mutex::new(VecDeque::<Answer>::new()));
        let (log, queue) = (Arc::clone(&received), Arc::clone(&answers));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut line = String::new();
                reader.read_line(&mut line).expect("request line");
                let path = line.split(' ').nth(1).unwrap_or("").to_owned();
                let mut headers = HashMap::new();
                loop {
                    let mut header = String::new();
                    reader.read_line(&mut header).expect("header");
                    let header = header.trim_end();
                    if header.is_empty() {
                        break;
                    }
                    if let Some((name, value)) = header.split_once(':') {
                        headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
                    }
                }
                let length = headers
                    .get("content-length")
                    .and_then(|l| l.parse().ok())
                    .unwrap_or(0);
                let mut body = vec![0; length];
                reader.read_exact(&mut body).expect("body");
                log.lock().unwrap().push(Received {
                    path,
                    headers,
                    body,
                });
                let (status, extra, body) =
                    queue
                        .lock()
                        .unwrap()
                        .pop_front()
                        .unwrap_or((200, Vec::new(), String::new()));
                let mut answer = format!(
                    "HTTP/1.1 {status} Status\r\ncontent-length: {}\r\nconnection: close\r\n",
                    body.len()
                );
                for (name, value) in extra {
                    answer.push_str(&format!("{name}: {value}\r\n"));
                }
                answer.push_str("\r\n");
                answer.push_str(&body);
                let _ = stream.write_all(answer.as_bytes());
            }
        });
        Self {
            addr,
            received,
            answers,
        }
    }

    fn url(&self) -> String {
        format!("http://{}/hook", self.addr)
    }

    fn answer(&self, status: u16, extra: Vec<(&'static str, String)>, body: &str) {
        self.answers
            .lock()
            .unwrap()
            .push_back((status, extra, body.to_owned()));
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

/// Loopback targets allowed, retries quick to reason about: 3 attempts, 1 s then 2 s, disabled
/// after 4 failures in a row.
fn settings(config: &mut Config) {
    config.webhooks.allow_private_targets = true;
    config.webhooks.max_attempts = 3;
    config.webhooks.backoff = Duration::from_secs(1);
    config.webhooks.max_backoff = Duration::from_secs(60);
    config.webhooks.disable_after = 4;
    config.webhooks.timeout = Duration::from_secs(5);
}

/// The Standard Webhooks signature, recomputed here from the secret, the headers and the body.
fn expected_signature(secret: &str, received: &Received) -> String {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").expect("a whsec_ secret"))
        .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(received.headers["webhook-id"].as_bytes());
    mac.update(b".");
    mac.update(received.headers["webhook-timestamp"].as_bytes());
    mac.update(b".");
    mac.update(&received.body);
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

#[actix_web::test]
async fn webhooks_need_the_webhooks_scope_and_show_the_secret_once() {
    let app = spawn_with(settings).await;
    let manager = app.token(&[Scope::Webhooks]);
    app.get("/api/v1/webhooks")
        .await
        .expect_problem(401, "unauthorized");
    app.get_as(&app.editor(), "/api/v1/webhooks")
        .await
        .expect_problem(403, "forbidden");
    app.post(
        &app.editor(),
        "/api/v1/webhooks",
        json!({"url": "https://hooks.example.org/", "events": ["*"]}),
    )
    .await
    .expect_problem(403, "forbidden");

    let created = app
        .post(
            &manager,
            "/api/v1/webhooks",
            json!({"url": "https://hooks.example.org/a?b=1", "events": ["article.*", "category.deleted", "article.*"], "description": "site"}),
        )
        .await
        .expect(201);
    let id = created.body["id"].as_i64().unwrap();
    assert_eq!(created.header("location"), format!("/api/v1/webhooks/{id}"));
    assert_eq!(created.header("etag"), "\"1\"");
    let secret = created.body["secret"].as_str().unwrap();
    assert!(secret.starts_with("whsec_"));
    assert_eq!(STANDARD.decode(&secret[6..]).unwrap().len(), 32);
    assert_eq!(
        created.body["events"],
        json!(["article.*", "category.deleted"])
    );
    assert_eq!(created.body["enabled"], true);

    let shown = app
        .get_as(&manager, &format!("/api/v1/webhooks/{id}"))
        .await
        .expect(200);
    assert!(shown.body.get("secret").is_none(), "{}", shown.body);
    assert_eq!(shown.body["description"], "site");
    let listed = app.get_as(&manager, "/api/v1/webhooks").await.expect(200);
    assert_eq!(listed.body["meta"]["total"], 1);
    assert!(listed.body["data"][0].get("secret").is_none());
    assert!(!listed.raw.windows(6).any(|w| w == b"whsec_"));

    let patch = |body: Value, if_match: &'static str| {
        let request = actix_web::test::TestRequest::patch()
            .uri(&format!("/api/v1/webhooks/{id}"))
            .insert_header(("Authorization", format!("Bearer {manager}")))
            .insert_header(("If-Match", if_match))
            .set_json(body);
        app.send(request)
    };
    patch(json!({"enabled": false}), "\"7\"")
        .await
        .expect_problem(412, "precondition_failed");
    let updated = patch(json!({"enabled": false, "description": null}), "\"1\"")
        .await
        .expect(200);
    assert_eq!(updated.body["version"], 2);
    assert_eq!(updated.body["enabled"], false);
    assert_eq!(updated.body["description"], Value::Null);
    app.delete(&manager, &format!("/api/v1/webhooks/{id}"))
        .await
        .expect(204);
    app.get_as(&manager, &format!("/api/v1/webhooks/{id}"))
        .await
        .expect_problem(404, "not_found");
    app.get_as(&manager, "/api/v1/webhooks/abc")
        .await
        .expect_problem(404, "not_found");
}

#[actix_web::test]
async fn invalid_webhooks_are_422_naming_the_field() {
    let app = spawn_with(settings).await;
    let manager = app.token(&[Scope::Webhooks]);
    let long = format!("https://example.org/{}", "a".repeat(2040));
    let cases = [
        (json!({"url": "ftp://example.org/", "events": ["*"]}), "url"),
        (
            json!({"url": "https://user:pw@example.org/", "events": ["*"]}),
            "url",
        ),
        (json!({"url": long, "events": ["*"]}), "url"),
        (
            json!({"url": "https://example.org/#x", "events": ["*"]}),
            "url",
        ),
        (
            json!({"url": "https://example.org/", "events": []}),
            "events",
        ),
        (
            json!({"url": "https://example.org/", "events": ["article.exploded"]}),
            "events[0]",
        ),
        (
            json!({"url": "https://example.org/", "events": ["*"], "description": "a\nb"}),
            "description",
        ),
        (
            json!({"url": "https://example.org/", "events": ["*"], "secret": "mine"}),
            "secret",
        ),
    ];
    for (body, field) in cases {
        let reply = app
            .post(&manager, "/api/v1/webhooks", body.clone())
            .await
            .expect_problem(422, "validation_failed");
        assert!(
            reply.error_fields().iter().any(|f| f.starts_with(field)),
            "{body}: {}",
            reply.body
        );
    }
    let id = app
        .post(
            &manager,
            "/api/v1/webhooks",
            json!({"url": "https://example.org/", "events": ["*"]}),
        )
        .await
        .expect(201)
        .body["id"]
        .as_i64()
        .unwrap();
    for (body, field) in [
        (json!({"url": null}), "url"),
        (json!({"events": null}), "events"),
        (json!({"enabled": null}), "enabled"),
    ] {
        let reply = app
            .patch(&manager, &format!("/api/v1/webhooks/{id}"), body)
            .await
            .expect_problem(422, "validation_failed");
        assert_eq!(reply.error_fields(), vec![field.to_owned()]);
    }
}

#[actix_web::test]
async fn private_targets_are_refused_unless_allowed() {
    let app = spawn().await;
    let manager = app.token(&[Scope::Webhooks]);
    for url in [
        "http://127.0.0.1:8080/hook",
        "http://10.1.2.3/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://localhost:9000/",
        "https://api.LOCALHOST/",
    ] {
        let reply = app
            .post(
                &manager,
                "/api/v1/webhooks",
                json!({"url": url, "events": ["*"]}),
            )
            .await
            .expect_problem(409, "state_conflict");
        assert_eq!(reply.error_fields(), vec!["url".to_owned()], "{url}");
    }
    // A name is checked once resolved, on every delivery: one that resolves to loopback is
    // refused there (the stored URL is changed behind the API's back to reach that check).
    let receiver = Receiver::start();
    let created = app
        .post(
            &manager,
            "/api/v1/webhooks",
            json!({"url": "https://hooks.example.org/", "events": ["*"]}),
        )
        .await
        .expect(201);
    let id = created.body["id"].as_i64().unwrap();
    app.execute(&format!(
        "UPDATE webhooks SET url = 'http://localhost:{}/hook' WHERE id = {id}",
        receiver.addr.port()
    ));
    app.category("Health", None).await;
    let worker = Worker::new(&app.state);
    let cycle = worker.tick(&app.state).await.unwrap();
    assert_eq!((cycle.materialized, cycle.attempted), (1, 1));
    assert!(receiver.received().is_empty());
    let deliveries = app
        .get_as(&manager, &format!("/api/v1/webhooks/{id}/deliveries"))
        .await
        .expect(200);
    let delivery = &deliveries.body["data"][0];
    assert_eq!(delivery["status"], "pending");
    assert_eq!(delivery["attempts"], 1);
    assert_eq!(delivery["last_status_code"], Value::Null);
    assert!(
        delivery["last_error"].as_str().unwrap().contains("private"),
        "{delivery}"
    );
}

#[actix_web::test]
async fn deliveries_are_signed_filtered_and_in_order() {
    let app = spawn_with(settings).await;
    let manager = app.token(&[Scope::Webhooks]);
    let receiver = Receiver::start();
    let editor = app.editor();
    // Changes before the webhook exists are not sent.
    let health = app.category("Health", None).await;
    let created = app
        .post(
            &manager,
            "/api/v1/webhooks",
            json!({"url": receiver.url(), "events": ["article.*"]}),
        )
        .await
        .expect(201);
    let (id, secret) = (
        created.body["id"].as_i64().unwrap(),
        created.body["secret"].as_str().unwrap().to_owned(),
    );
    let category = health["id"].as_i64().unwrap();
    let article = app.article("Sleep", category, json!({})).await;
    let slug = article["slug"].as_str().unwrap().to_owned();
    app.category("Nutrition", None).await;
    app.post(
        &editor,
        &format!("/api/v1/articles/{slug}/publish"),
        json!({}),
    )
    .await
    .expect(200);
    app.delete(&editor, &format!("/api/v1/articles/{slug}"))
        .await
        .expect(204);

    let worker = Worker::new(&app.state);
    let first = worker.tick(&app.state).await.unwrap();
    assert_eq!(
        (first.materialized, first.attempted),
        (3, 1),
        "one at a time per webhook"
    );
    while worker.tick(&app.state).await.unwrap().attempted > 0 {}
    let received = receiver.received();
    let events: Vec<Value> = received.iter().map(|r| r.json()["type"].clone()).collect();
    assert_eq!(
        events,
        vec![
            json!("article.created"),
            json!("article.published"),
            json!("article.deleted")
        ]
    );
    let seqs: Vec<i64> = received
        .iter()
        .map(|r| r.json()["data"]["seq"].as_i64().unwrap())
        .collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
    for (request, seq) in received.iter().zip(&seqs) {
        assert_eq!(request.path, "/hook");
        assert_eq!(request.headers["content-type"], "application/json");
        assert_eq!(request.headers["webhook-id"], format!("msg_{id}_{seq}"));
        assert_eq!(
            request.headers["webhook-timestamp"],
            app.now().timestamp().to_string()
        );
        assert_eq!(
            request.headers["webhook-signature"],
            expected_signature(&secret, request)
        );
        let body = request.json();
        assert_eq!(body["timestamp"], body["data"]["at"]);
        assert_eq!(body["data"]["resource_type"], "article");
    }
    let published = received[1].json();
    assert!(published["data"]["purge"]["keys"].is_array(), "{published}");

    let page = app
        .get_as(
            &manager,
            &format!("/api/v1/webhooks/{id}/deliveries?limit=2"),
        )
        .await
        .expect(200);
    let statuses: Vec<&Value> = page.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| &d["status"])
        .collect();
    assert_eq!(statuses, vec!["succeeded", "succeeded"]);
    assert_eq!(page.body["data"][0]["seq"], seqs[2], "newest first");
    assert_eq!(page.body["data"][0]["last_status_code"], 200);
    assert_eq!(page.body["data"][0]["next_attempt_at"], Value::Null);
    let before = page.body["meta"]["next_before"].as_i64().unwrap();
    let rest = app
        .get_as(
            &manager,
            &format!("/api/v1/webhooks/{id}/deliveries?before={before}"),
        )
        .await
        .expect(200);
    assert_eq!(rest.body["data"].as_array().unwrap().len(), 1);
    assert_eq!(rest.body["meta"]["next_before"], Value::Null);
    // The log says more than the webhook was sent: only its patterns' events became deliveries.
    assert_eq!(app.count("webhook_deliveries"), 3);
}

#[actix_web::test]
async fn failures_back_off_then_fail_then_disable_and_redeliver_restarts() {
    let app = spawn_with(settings).await;
    let manager = app.token(&[Scope::Webhooks]);
    let receiver = Receiver::start();
    let id = app
        .post(
            &manager,
            "/api/v1/webhooks",
            json!({"url": receiver.url(), "events": ["category.*"]}),
        )
        .await
        .expect(201)
        .body["id"]
        .as_i64()
        .unwrap();
    let deliveries = format!("/api/v1/webhooks/{id}/deliveries");
    let long_body = "x".repeat(1000);
    for _ in 0..4 {
        receiver.answer(500, Vec::new(), &long_body);
    }
    app.category("Health", None).await;
    let worker = Worker::new(&app.state);
    assert_eq!(worker.tick(&app.state).await.unwrap().attempted, 1);
    let first = app.get_as(&manager, &deliveries).await.expect(200).body["data"][0].clone();
    assert_eq!(first["status"], "pending");
    assert_eq!(first["attempts"], 1);
    assert_eq!(first["last_status_code"], 500);
    assert_eq!(first["response_excerpt"].as_str().unwrap().len(), 256);
    let start = start_time();
    assert_eq!(
        first["next_attempt_at"],
        json!((start + chrono::Duration::seconds(1))
            .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
    );
    // Not due yet: nothing is sent.
    assert_eq!(worker.tick(&app.state).await.unwrap().attempted, 0);
    app.set_now(start + chrono::Duration::seconds(1));
    assert_eq!(worker.tick(&app.state).await.unwrap().attempted, 1);
    // The second retry waits twice as long.
    app.set_now(start + chrono::Duration::seconds(2));
    assert_eq!(worker.tick(&app.state).await.unwrap().attempted, 0);
    app.set_now(start + chrono::Duration::seconds(3));
    assert_eq!(worker.tick(&app.state).await.unwrap().attempted, 1);
    let failed = app.get_as(&manager, &deliveries).await.expect(200).body["data"][0].clone();
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["attempts"], 3);
    assert_eq!(failed["next_attempt_at"], Value::Null);
    let received = receiver.received();
    let ids: Vec<&str> = received
        .iter()
        .map(|r| r.headers["webhook-id"].as_str())
        .collect();
    assert!(
        ids.windows(2).all(|w| w[0] == w[1]),
        "the same webhook-id on every attempt"
    );

    // The next delivery's first failure is the fourth in a row: the webhook is disabled.
    app.category("Nutrition", None).await;
    assert_eq!(worker.tick(&app.state).await.unwrap().attempted, 1);
    let webhook = app
        .get_as(&manager, &format!("/api/v1/webhooks/{id}"))
        .await
        .expect(200);
    assert_eq!(webhook.body["enabled"], false);
    assert_eq!(webhook.body["consecutive_failures"], 4);
    assert!(
        webhook.body["disabled_reason"]
            .as_str()
            .unwrap()
            .contains("500"),
        "{}",
        webhook.body
    );
    assert!(webhook.body["disabled_at"].is_string());
    app.category("Sleep", None).await;
    assert_eq!(
        worker.tick(&app.state).await.unwrap().attempted,
        0,
        "a disabled webhook sends nothing"
    );

    // Redeliver the failed one, enable the webhook: everything pending goes out, oldest first.
    let requeued = app
        .post(
            &manager,
            &format!("{deliveries}/{}/redeliver", failed["id"]),
            json!({}),
        )
        .await
        .expect(202);
    assert_eq!(requeued.body["status"], "pending");
    assert_eq!(requeued.body["attempts"], 0);
    let enabled = app
        .patch(
            &manager,
            &format!("/api/v1/webhooks/{id}"),
            json!({"enabled": true}),
        )
        .await
        .expect(200);
    assert_eq!(enabled.body["consecutive_failures"], 0);
    assert_eq!(enabled.body["disabled_reason"], Value::Null);
    app.set_now(start + chrono::Duration::seconds(10));
    let before = receiver.received().len();
    while worker.tick(&app.state).await.unwrap().attempted > 0 {}
    let sent: Vec<Value> = receiver.received()[before..]
        .iter()
        .map(|r| r.json()["data"]["slug"].clone())
        .collect();
    assert_eq!(
        sent,
        vec![json!("health"), json!("nutrition"), json!("sleep")]
    );
    app.post(&manager, &format!("{deliveries}/999/redeliver"), json!({}))
        .await
        .expect_problem(404, "not_found");
}

#[actix_web::test]
async fn redirects_are_not_followed() {
    let app = spawn_with(settings).await;
    let manager = app.token(&[Scope::Webhooks]);
    let receiver = Receiver::start();
    let id = app
        .post(
            &manager,
            "/api/v1/webhooks",
            json!({"url": receiver.url(), "events": ["*"]}),
        )
        .await
        .expect(201)
        .body["id"]
        .as_i64()
        .unwrap();
    receiver.answer(
        302,
        vec![("location", format!("http://{}/elsewhere", receiver.addr))],
        "",
    );
    app.category("Health", None).await;
    Worker::new(&app.state).tick(&app.state).await.unwrap();
    let received = receiver.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].path, "/hook");
    let delivery = &app
        .get_as(&manager, &format!("/api/v1/webhooks/{id}/deliveries"))
        .await
        .expect(200)
        .body["data"][0];
    assert_eq!(delivery["status"], "pending");
    assert_eq!(delivery["last_status_code"], 302);
    assert!(delivery["last_error"]
        .as_str()
        .unwrap()
        .contains("redirect"));
}

#[actix_web::test]
async fn a_pending_delivery_survives_a_restart() {
    let app = spawn_with(settings).await;
    let manager = app.token(&[Scope::Webhooks]);
    // A target that is down: nothing listens on the port.
    let down = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = down.local_addr().unwrap().port();
    drop(down);
    let id = app
        .post(
            &manager,
            "/api/v1/webhooks",
            json!({"url": format!("http://127.0.0.1:{port}/hook"), "events": ["*"]}),
        )
        .await
        .expect(201)
        .body["id"]
        .as_i64()
        .unwrap();
    app.category("Health", None).await;
    Worker::new(&app.state).tick(&app.state).await.unwrap();

    // "Restart": a new process state over the same file, an hour later; the target is back.
    let receiver = Receiver::at(port);
    let later = app.now() + chrono::Duration::hours(1);
    let (db, fresh) = Database::open(&app.state.config.database_url, 2).unwrap();
    assert!(!fresh);
    let restarted = actix_web::web::Data::new(
        AppState::new(app.state.config.clone(), db, Clock::from_fn(move || later)).unwrap(),
    );
    let cycle = Worker::new(&restarted).tick(&restarted).await.unwrap();
    assert_eq!((cycle.materialized, cycle.attempted), (0, 1));
    let received = receiver.received();
    assert_eq!(received.len(), 1);
    let seq = received[0].json()["data"]["seq"].as_i64().unwrap();
    assert_eq!(received[0].headers["webhook-id"], format!("msg_{id}_{seq}"));
    let delivery = &app
        .get_as(&manager, &format!("/api/v1/webhooks/{id}/deliveries"))
        .await
        .expect(200)
        .body["data"][0];
    assert_eq!(delivery["status"], "succeeded");
    assert_eq!(delivery["attempts"], 2);
}

#[actix_web::test]
async fn workers_on_two_nodes_send_each_delivery_once() {
    let app = spawn_with(settings).await;
    let other = app.peer().await;
    let manager = app.token(&[Scope::Webhooks]);
    let receiver = Receiver::start();
    for _ in 0..3 {
        app.post(
            &manager,
            "/api/v1/webhooks",
            json!({"url": receiver.url(), "events": ["*"]}),
        )
        .await
        .expect(201);
    }
    for name in ["Health", "Sleep", "Food", "Mind"] {
        app.category(name, None).await;
    }
    let (mine, theirs) = (Worker::new(&app.state), Worker::new(&other.state));
    loop {
        let (a, b) = futures_util::join!(mine.tick(&app.state), theirs.tick(&other.state));
        if a.unwrap().attempted + b.unwrap().attempted == 0 {
            break;
        }
    }
    let mut sent: Vec<String> = receiver
        .received()
        .iter()
        .map(|request| request.headers["webhook-id"].clone())
        .collect();
    assert_eq!(sent.len(), 12, "3 webhooks × 4 changes: {sent:?}");
    sent.sort();
    sent.dedup();
    assert_eq!(sent.len(), 12, "no message was sent twice");
}

/// README lists every event twice (the changes log's events and the webhooks' patterns), and
/// every resource's `<resource>.*` pattern: the lists are written by hand, this keeps them whole.
#[test]
fn the_readme_names_every_event_and_every_resource_pattern() {
    let readme = include_str!("../../README.md");
    for event in healthhub::changes::event::Event::ALL {
        let name = format!("`{}`", event.as_str());
        assert!(
            readme.matches(&name).count() >= 2,
            "README lists {name} among the log's events and the webhooks' patterns"
        );
        let resource = event.as_str().split('.').next().unwrap();
        let pattern = format!("`{resource}.*`");
        assert!(readme.contains(&pattern), "README lists {pattern}");
    }
}
