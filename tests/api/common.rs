//! The test harness: a fresh database file per test, the real app, a movable clock, token minting.

use crate::test_db::{self, TestDatabase};
use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::header::HeaderMap;
use actix_web::http::StatusCode;
use actix_web::test::{self as actix_test, TestRequest};
use actix_web::web;
use chrono::{DateTime, TimeZone, Utc};
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use healthhub::auth::Scope;
use healthhub::config::{Config, MediaStorage};
use healthhub::db::notifications::Listener;
use healthhub::db::{Backend, Database, DbConn};
use healthhub::support::clock::Clock;
use healthhub::{app, state::AppState};
use serde_json::Value;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tempfile::TempDir;

/// The signing secret of tests on PostgreSQL, where `JWT_SECRET` is required (only for tests).
pub const TEST_SECRET: &str = "test-only-signing-secret-of-at-least-32-bytes";

/// Every scope: an editor's token.
pub const ALL_SCOPES: [Scope; 3] = [Scope::Read, Scope::Write, Scope::Publish];

/// A running app over its own temporary database.
pub struct TestApp<S> {
    service: S,
    pub state: web::Data<AppState>,
    now: Arc<Mutex<DateTime<Utc>>>,
    /// The change notification listener on PostgreSQL (stopped before the database is dropped).
    _listener: Option<Listener>,
    /// The test's database (dropped after the app).
    pub database: TestDatabase,
    /// Owns the temporary directory (and an SQLite database file) for the test's lifetime.
    pub dir: TempDir,
}

/// A second node of a test (see [`TestApp::peer`]).
pub struct Node<S> {
    pub service: S,
    pub state: web::Data<AppState>,
    _listener: Option<Listener>,
}

impl<S, B> Node<S>
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    /// Sends `request` to this node.
    pub async fn send(&self, request: TestRequest) -> Reply {
        call(&self.service, request).await
    }

    /// Anonymous GET on this node.
    pub async fn get(&self, path: &str) -> Reply {
        self.send(TestRequest::get().uri(path)).await
    }

    /// GET with a bearer token on this node.
    pub async fn get_as(&self, token: &str, path: &str) -> Reply {
        self.send(TestRequest::get().uri(path).insert_header(bearer(token)))
            .await
    }
}

/// Starts the change notification listener of `state` (PostgreSQL) and waits until it listens,
/// so that the node caches from the start like a node that has been up for a while.
fn listen(state: &web::Data<AppState>) -> Option<Listener> {
    let listener = healthhub::jobs::listener::start(state)?;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !state.channel_up.load(std::sync::atomic::Ordering::Acquire) {
        assert!(
            std::time::Instant::now() < deadline,
            "the listener did not connect"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    Some(listener)
}

/// What a request got back.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// The body parsed as JSON (`Null` when empty or not JSON).
    pub body: Value,
    /// The raw body.
    pub raw: Vec<u8>,
}

impl Reply {
    /// A header as a string ("" when absent).
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Asserts the status and returns self, printing the body on failure.
    #[track_caller]
    pub fn expect(self, status: u16) -> Self {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            String::from_utf8_lossy(&self.raw)
        );
        self
    }

    /// Asserts an error `status` with a problem+json body carrying `code`.
    #[track_caller]
    pub fn expect_problem(self, status: u16, code: &str) -> Self {
        let reply = self.expect(status);
        assert_eq!(reply.header("content-type"), "application/problem+json");
        assert_eq!(reply.body["status"], status, "{}", reply.body);
        assert_eq!(reply.body["code"], code, "{}", reply.body);
        assert!(reply.body["title"].is_string() && reply.body["detail"].is_string());
        reply
    }

    /// The URL of the `Link` header's entry with `rel` (RFC 8288), if there is one.
    pub fn link(&self, rel: &str) -> Option<String> {
        let wanted = format!("rel=\"{rel}\"");
        self.header("link")
            .split(", <")
            .filter(|entry| entry.split(';').skip(1).any(|param| param.trim() == wanted))
            .filter_map(|entry| {
                let url = entry.trim_start_matches('<');
                url.split_once('>').map(|(url, _)| url.to_owned())
            })
            .next()
    }

    /// The fields named in a 422's `errors`.
    pub fn error_fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .map(|e| e["field"].as_str().unwrap_or_default().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// The instant the test clock starts at.
pub fn start_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap()
}

/// A fresh app over an empty, migrated database (no demo content).
pub async fn spawn() -> TestApp<
    impl Service<Request, Response = ServiceResponse<impl MessageBody>, Error = actix_web::Error>,
> {
    spawn_with(|_| {}).await
}

/// A fresh app whose configuration `adjust` may change first.
pub async fn spawn_with(
    adjust: impl FnOnce(&mut Config),
) -> TestApp<
    impl Service<Request, Response = ServiceResponse<impl MessageBody>, Error = actix_web::Error>,
> {
    let dir = tempfile::tempdir().expect("temp dir");
    let database = TestDatabase::create(dir.path());
    spawn_in(dir, database, adjust).await
}

/// An app over `database` (an existing one, e.g. a restored backup), `dir` its temporary folder.
pub async fn spawn_in(
    dir: TempDir,
    database: TestDatabase,
    adjust: impl FnOnce(&mut Config),
) -> TestApp<
    impl Service<Request, Response = ServiceResponse<impl MessageBody>, Error = actix_web::Error>,
> {
    let mut config = Config::for_database(database.url());
    // Media files beside the test's database, on either backend (never in the working tree).
    config.media.storage = MediaStorage::Directory(dir.path().join("media"));
    if test_db::backend() == Backend::Postgres {
        config.jwt_secret = Some(TEST_SECRET.to_owned());
    }
    adjust(&mut config);
    let (mut db, fresh) =
        Database::open_with(&config.database_url, 2, &config.db_timeouts).expect("open database");
    if let Some(replica) = &config.replica_url {
        db = db
            .with_replica(replica, 2, &config.db_timeouts)
            .expect("attach the replica");
    }
    // A PostgreSQL test database is a copy of a migrated template.
    assert!(
        fresh || test_db::backend() == Backend::Postgres,
        "a new database file is reported as fresh"
    );
    let now = Arc::new(Mutex::new(start_time()));
    let clock_now = Arc::clone(&now);
    let clock = Clock::from_fn(move || *clock_now.lock().unwrap());
    let state = web::Data::new(AppState::new(config, db, clock).expect("state"));
    let listener = listen(&state);
    let service = actix_test::init_service(app::build(state.clone())).await;
    TestApp {
        service,
        state,
        now,
        _listener: listener,
        database,
        dir,
    }
}

impl<S, B> TestApp<S>
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    /// Sends `request` through the whole app.
    pub async fn send(&self, request: TestRequest) -> Reply {
        call(&self.service, request).await
    }

    /// Anonymous GET.
    pub async fn get(&self, path: &str) -> Reply {
        self.send(TestRequest::get().uri(path)).await
    }

    /// GET with a bearer token.
    pub async fn get_as(&self, token: &str, path: &str) -> Reply {
        self.send(TestRequest::get().uri(path).insert_header(bearer(token)))
            .await
    }

    /// A JSON request with `method`, optionally with a token.
    pub async fn json(&self, method: &str, path: &str, token: Option<&str>, body: Value) -> Reply {
        let mut request = TestRequest::default()
            .method(method.parse().expect("method"))
            .uri(path)
            .set_json(body);
        if let Some(token) = token {
            request = request.insert_header(bearer(token));
        }
        self.send(request).await
    }

    /// POST JSON with a token.
    pub async fn post(&self, token: &str, path: &str, body: Value) -> Reply {
        self.json("POST", path, Some(token), body).await
    }

    /// PATCH JSON with a token.
    pub async fn patch(&self, token: &str, path: &str, body: Value) -> Reply {
        self.json("PATCH", path, Some(token), body).await
    }

    /// PUT JSON with a token.
    pub async fn put(&self, token: &str, path: &str, body: Value) -> Reply {
        self.json("PUT", path, Some(token), body).await
    }

    /// DELETE with a token.
    pub async fn delete(&self, token: &str, path: &str) -> Reply {
        self.send(TestRequest::delete().uri(path).insert_header(bearer(token)))
            .await
    }

    /// A token with `scopes`, valid for an hour from the test clock's now.
    pub fn token(&self, scopes: &[Scope]) -> String {
        self.token_at(scopes, self.now(), Duration::from_secs(3600))
    }

    /// An editor's token (every scope).
    pub fn editor(&self) -> String {
        self.token(&ALL_SCOPES)
    }

    /// A token minted (and recorded, as `healthhub token create` does) at `issued` that lives
    /// for `ttl`.
    pub fn token_at(&self, scopes: &[Scope], issued: DateTime<Utc>, ttl: Duration) -> String {
        healthhub::auth::issue(
            &self.state.db,
            &self.state.keys,
            "test-script",
            scopes,
            ttl,
            issued,
        )
        .expect("mint token")
        .token
    }

    /// The test clock's current instant.
    pub fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap()
    }

    /// Moves the test clock to `at`.
    pub fn set_now(&self, at: DateTime<Utc>) {
        *self.now.lock().unwrap() = at;
    }

    /// A second app over the same database file and clock, with the response cache off: the
    /// answers the app must give, to compare with.
    pub async fn uncached(
        &self,
    ) -> impl Service<Request, Response = ServiceResponse<impl MessageBody>, Error = actix_web::Error>
    {
        let mut config = self.state.config.clone();
        config.response_cache_bytes = 0;
        let (db, _) = Database::open(&config.database_url, 2).expect("open database");
        let state = AppState::new(config, db, self.state.clock.clone()).expect("state");
        actix_test::init_service(app::build(web::Data::new(state))).await
    }

    /// Another node over the same database: its own state (response cache, schedule, limits)
    /// and, on PostgreSQL, its own change notification listener; the same clock.
    pub async fn peer(
        &self,
    ) -> Node<
        impl Service<Request, Response = ServiceResponse<impl MessageBody>, Error = actix_web::Error>,
    > {
        let config = self.state.config.clone();
        let (mut db, _) = Database::open(&config.database_url, 2).expect("open database");
        if let Some(replica) = &config.replica_url {
            db = db
                .with_replica(replica, 2, &config.db_timeouts)
                .expect("attach the replica");
        }
        let state =
            web::Data::new(AppState::new(config, db, self.state.clock.clone()).expect("state"));
        let listener = listen(&state);
        Node {
            service: actix_test::init_service(app::build(state.clone())).await,
            state,
            _listener: listener,
        }
    }

    /// Runs `sql` on a separate connection to the database file, behind the app's back.
    pub fn execute(&self, sql: &str) {
        let mut conn = DbConn::open(self.database.url()).expect("connect");
        diesel::sql_query(sql).execute(&mut conn).expect("execute");
    }

    /// Rows in `table`, counted on a separate connection to the database file.
    pub fn count(&self, table: &str) -> i64 {
        #[derive(QueryableByName)]
        struct Count {
            #[diesel(sql_type = BigInt)]
            n: i64,
        }
        let mut conn = DbConn::open(self.database.url()).expect("connect");
        diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}"))
            .get_result::<Count>(&mut conn)
            .expect("count")
            .n
    }

    /// Creates a category as an editor and returns its body.
    pub async fn category(&self, name: &str, parent_id: Option<i64>) -> Value {
        let token = self.editor();
        self.post(
            &token,
            "/api/v1/categories",
            serde_json::json!({"name": name, "parent_id": parent_id}),
        )
        .await
        .expect(201)
        .body
    }

    /// Creates an article as an editor in `category_id` with `extra` fields merged in.
    pub async fn article(&self, title: &str, category_id: i64, extra: Value) -> Value {
        let mut body = serde_json::json!({"title": title, "category_id": category_id});
        if let (Some(target), Some(fields)) = (body.as_object_mut(), extra.as_object()) {
            target.extend(fields.clone());
        }
        self.post(&self.editor(), "/api/v1/articles", body)
            .await
            .expect(201)
            .body
    }
}

/// Sends `request` through `service` and reads the whole reply.
pub async fn call<S, B>(service: &S, request: TestRequest) -> Reply
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let response = actix_test::call_service(service, request.to_request()).await;
    let status = response.status();
    let headers = response.headers().clone();
    let raw = actix_test::read_body(response).await.to_vec();
    let body = serde_json::from_slice(&raw).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        body,
        raw,
    }
}

/// The `Authorization` header for `token`.
pub fn bearer(token: &str) -> (&'static str, String) {
    ("Authorization", format!("Bearer {token}"))
}

/// What a raw HTTP/1.1 exchange got back: the status, the headers (names lower-cased, in
/// order) and the body bytes as sent on the wire.
#[derive(Debug)]
pub struct Wire {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Wire {
    /// A header's value ("" when absent).
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// Serves `state`'s app on a real socket at `127.0.0.1:<free port>`, one worker; the handle stops
/// it.
pub async fn serve(
    state: web::Data<AppState>,
) -> (std::net::SocketAddr, actix_web::dev::ServerHandle) {
    let server = actix_web::HttpServer::new(move || app::build(state.clone()))
        .workers(1)
        .disable_signals()
        .bind(("127.0.0.1", 0))
        .expect("bind a free port");
    let addr = server.addrs()[0];
    let server = server.run();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    (addr, handle)
}

/// Sends `request` (raw bytes: request line, headers, blank line, body) to `addr` on a new
/// connection and reads the answer until the server closes it (send `Connection: close`).
pub async fn raw(addr: std::net::SocketAddr, request: Vec<u8>) -> Wire {
    actix_web::rt::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        stream.write_all(&request).expect("send");
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).expect("read");
        let split = answer
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a complete head");
        let head = String::from_utf8_lossy(&answer[..split]).into_owned();
        let body = answer[split + 4..].to_vec();
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .and_then(|line| line.split(' ').nth(1))
            .and_then(|code| code.parse().ok())
            .expect("a status line");
        let headers = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        Wire {
            status,
            headers,
            body,
        }
    })
    .await
    .expect("the client thread")
}

/// A log sink the tests can read back.
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Sends this thread's log lines, in `format`, to the returned sink until the guard drops.
pub fn capture(
    format: healthhub::config::LogFormat,
) -> (Captured, tracing::subscriber::DefaultGuard) {
    // With a single thread-scoped subscriber registered, `tracing` recomputes which call
    // sites are enabled from whichever thread asks, and other test threads have none: a
    // global subscriber that wants nothing keeps the count above one, so the recomputation
    // always combines every subscriber.
    static GLOBAL: std::sync::Once = std::sync::Once::new();
    GLOBAL.call_once(|| {
        let _ = tracing::subscriber::set_global_default(tracing::subscriber::NoSubscriber::new());
    });
    let logs = Captured::default();
    let sink = logs.clone();
    let guard = tracing::subscriber::set_default(healthhub::telemetry::subscriber(
        format,
        "info",
        false,
        move || sink.clone(),
    ));
    tracing::callsite::rebuild_interest_cache();
    (logs, guard)
}

/// The three `RateLimit-*` headers of `reply`, as numbers (`None` when absent).
pub fn quota(reply: &Reply) -> Option<(u64, u64, u64)> {
    let number = |name: &str| reply.header(name).parse::<u64>().ok();
    Some((
        number("ratelimit-limit")?,
        number("ratelimit-remaining")?,
        number("ratelimit-reset")?,
    ))
}
