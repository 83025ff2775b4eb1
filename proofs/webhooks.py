"""Proof 7, webhooks: signed deliveries to real receivers, verified with the `standardwebhooks`
library from PyPI, surviving a SIGKILL mid-delivery, in order; and a failing receiver causing
retries with growing gaps, then the webhook's disabling.

Run with a Python that has `standardwebhooks` (.ci/run makes a venv for it). Steps:

1. A receiver on loopback verifies every request with `standardwebhooks.Webhook(secret).verify`
   and records (webhook-id, seq). A webhook for `article.*` and `category.*` is created, and
   WEBHOOKS_WRITES (default 30) writes are made through the API (categories and articles
   created, patched, published, unpublished, deleted).
2. Part-way, the receiver stalls on one request, and the server is killed (SIGKILL) while that
   delivery is in flight; it is restarted on the same database and more writes follow.
3. Every log entry (`GET /api/v1/changes`) after the webhook's creation matching its patterns
   must have been received at least once, every request must verify, and the seqs received must
   never go down (a repeat is allowed only as the immediate retry of the same delivery).
4. A second webhook whose receiver answers 500: its attempts must come with growing gaps, and
   after HEALTHHUB_WEBHOOKS_DISABLE_AFTER failures in a row `GET` shows it disabled with a
   reason, and its deliveries show the attempts and the 500.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from standardwebhooks import Webhook

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import ALL_SCOPES, Client, Server, log  # noqa: E402

WRITES = int(os.environ.get("WEBHOOKS_WRITES", "30"))
WAIT = float(os.environ.get("WEBHOOKS_WAIT_SECONDS", "40"))
PATTERNS = ["article.*", "category.*"]
SETTINGS = {
    "HEALTHHUB_WEBHOOKS_ALLOW_PRIVATE": "true",
    "HEALTHHUB_WEBHOOKS_POLL_MS": "100",
    "HEALTHHUB_WEBHOOKS_BACKOFF": "300ms",
    "HEALTHHUB_WEBHOOKS_MAX_BACKOFF": "5s",
    "HEALTHHUB_WEBHOOKS_TIMEOUT": "10s",
    "HEALTHHUB_WEBHOOKS_MAX_ATTEMPTS": "4",
    "HEALTHHUB_WEBHOOKS_DISABLE_AFTER": "6",
}


class Receiver:
    """A `http.server` on loopback answering `status`, verifying and recording every request."""

    def __init__(self, status: int = 200):
        self.status = status
        self.secret: str | None = None
        self.lock = threading.Lock()
        self.received: list[tuple[str, int, float]] = []  # (webhook-id, seq, arrival)
        self.failures: list[str] = []
        self.stall_next = threading.Event()
        self.stalled = threading.Event()
        self.release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                headers = {k.lower(): v for k, v in self.headers.items()}
                try:
                    event = Webhook(receiver.secret).verify(body, headers)
                    seq = event["data"]["seq"]
                    with receiver.lock:
                        receiver.received.append((headers["webhook-id"], seq, time.monotonic()))
                except Exception as error:  # noqa: BLE001
                    with receiver.lock:
                        receiver.failures.append(f"{headers.get('webhook-id')}: {error!r}")
                if receiver.stall_next.is_set():
                    receiver.stall_next.clear()
                    receiver.stalled.set()
                    receiver.release.wait(60)
                try:
                    self.send_response(receiver.status)
                    self.send_header("content-length", "2")
                    self.end_headers()
                    self.wfile.write(b"no" if receiver.status >= 300 else b"ok")
                except OSError:
                    pass  # the server was killed while this request was held

            def log_message(self, *args) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.http.daemon_threads = True
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http.server_address[1]}/hook"

    def snapshot(self) -> list[tuple[str, int, float]]:
        with self.lock:
            return list(self.received)


def check(client: Client, method: str, path: str, body=None, expect: int = 200):
    status, _, data = client.request(method, path, body)
    if status != expect:
        raise AssertionError(f"{method} {path}: {status} (expected {expect}): {data}")
    return data


class Writes:
    """Writes through the API, cycling through every kind of change the log records."""

    def __init__(self, client: Client):
        self.c = client
        self.n = 0
        self.categories: list[int] = []
        self.articles: list[str] = []

    def one(self) -> None:
        self.n += 1
        n = self.n
        kind = n % 6
        if kind == 1 or not self.categories:
            self.categories.append(check(self.c, "POST", "/api/v1/categories", {"name": f"Topic {n}"}, 201)["id"])
        elif kind == 2:
            article = check(
                self.c, "POST", "/api/v1/articles", {"title": f"Article {n}", "category_id": self.categories[0]}, 201
            )
            self.articles.append(article["slug"])
        elif kind == 3 and self.articles:
            check(self.c, "POST", f"/api/v1/articles/{self.articles[-1]}/publish", {})
        elif kind == 4 and self.articles:
            check(self.c, "PATCH", f"/api/v1/articles/{self.articles[-1]}", {"subtitle": f"Edit {n}"})
        elif kind == 5 and self.articles:
            slug = self.articles.pop(0)
            check(self.c, "DELETE", f"/api/v1/articles/{slug}", expect=204)
        else:
            check(self.c, "PATCH", f"/api/v1/categories/{self.categories[-1]}", {"description": f"Edit {n}"})


def wait_for(what: str, done, seconds: float = WAIT) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def changes(client: Client, after: int) -> list[dict]:
    entries = []
    while True:
        page = check(client, "GET", f"/api/v1/changes?after={after}&limit=1000")
        entries.extend(page["data"])
        if not page["meta"]["has_more"]:
            return entries
        after = page["meta"]["next"]


def matches(event: str) -> bool:
    return any(p == "*" or event == p or (p.endswith(".*") and event.startswith(p[:-1])) for p in PATTERNS)


def main() -> int:
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="healthhub-webhooks."))
    server = Server(work, demo=False, extra_env=SETTINGS)
    server.start()
    manager = Client(server.base, server.token("webhooks:manage", "ci-webhooks"))
    editor_token = server.token(ALL_SCOPES, "ci-editor")
    editor = Client(server.base, editor_token)

    # 1. A verifying receiver and its webhook; the first writes.
    good = Receiver()
    start_seq = check(editor, "GET", "/api/v1/changes?limit=1")["meta"]["last_seq"]
    hook = check(manager, "POST", "/api/v1/webhooks", {"url": good.url, "events": PATTERNS}, 201)
    good.secret = hook["secret"]
    writes = Writes(editor)
    for _ in range(WRITES // 2):
        writes.one()
    wait_for("the first deliveries", lambda: len(good.snapshot()) >= 5)

    # 2. Stall the receiver on one delivery, kill the server while it is in flight, restart.
    good.stall_next.set()
    writes.one()
    wait_for("a delivery in flight", good.stalled.is_set)
    in_flight = good.snapshot()[-1]
    server.kill()
    good.release.set()
    log(f"killed the server (SIGKILL) while delivering {in_flight[0]}")
    server.start()
    manager = Client(server.base, manager.token)
    editor = Client(server.base, editor_token)
    writes.c = editor
    for _ in range(WRITES - WRITES // 2):
        writes.one()

    # 3. Everything matching was delivered, verified, in order.
    expected = [e for e in changes(editor, start_seq) if matches(e["event"])]
    expected_seqs = {e["seq"] for e in expected}
    wait_for(
        "every matching entry to be delivered",
        lambda: expected_seqs <= {seq for _, seq, _ in good.snapshot()},
    )
    received = good.snapshot()
    seqs = [seq for _, seq, _ in received]
    problems = list(good.failures)
    for (hook_id, seq, _) in received:
        if hook_id != f"msg_{hook['id']}_{seq}":
            problems.append(f"webhook-id {hook_id} does not name seq {seq}")
    for before, after in zip(seqs, seqs[1:]):
        if after < before:
            problems.append(f"seq {after} arrived after seq {before}")
    unexpected = set(seqs) - expected_seqs
    if unexpected:
        problems.append(f"entries not matching the patterns were sent: {sorted(unexpected)}")
    repeats = len(seqs) - len(set(seqs))
    log(f"the delivery in flight at the kill (seq {in_flight[1]}) was received {seqs.count(in_flight[1])} times")

    # 4. A failing receiver: retries with growing gaps, then the webhook is disabled.
    failing = Receiver(status=500)
    bad = check(manager, "POST", "/api/v1/webhooks", {"url": failing.url, "events": ["*"]}, 201)
    failing.secret = bad["secret"]
    writes.one()
    writes.one()
    wait_for(
        "the failing webhook to be disabled",
        lambda: not check(manager, "GET", f"/api/v1/webhooks/{bad['id']}")["enabled"],
    )
    shown = check(manager, "GET", f"/api/v1/webhooks/{bad['id']}")
    if "500" not in (shown["disabled_reason"] or "") or not shown["disabled_at"]:
        problems.append(f"the disabled webhook does not say why: {shown}")
    attempts = failing.snapshot()
    first_id = attempts[0][0]
    times = [at for hook_id, _, at in attempts if hook_id == first_id]
    gaps = [b - a for a, b in zip(times, times[1:])]
    if len(times) != 4:
        problems.append(f"the first failing delivery was attempted {len(times)} times, not 4")
    if any(later <= earlier for earlier, later in zip(gaps, gaps[1:])):
        problems.append(f"the gaps between attempts do not grow: {gaps}")
    deliveries = check(manager, "GET", f"/api/v1/webhooks/{bad['id']}/deliveries")["data"]
    oldest = deliveries[-1]
    if (oldest["status"], oldest["attempts"], oldest["last_status_code"]) != ("failed", 4, 500):
        problems.append(f"the first failing delivery reads {oldest}")
    problems.extend(f"server log: {line}" for line in server.log_errors())
    server.stop()

    log(
        f"webhooks: {len(expected_seqs)} matching entries, {len(received)} deliveries received "
        f"and verified with standardwebhooks ({repeats} repeats after the kill), in order; "
        f"failing receiver: {len(attempts)} attempts, gaps {', '.join(f'{g:.2f}' for g in gaps)} s, "
        f"then disabled ({shown['consecutive_failures']} failures in a row); "
        f"{time.monotonic() - started:.0f} s"
    )
    for problem in problems:
        log(f"FAIL: {problem}")
    if problems:
        log(f"  (database and server log kept in {work})")
        return 1
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
