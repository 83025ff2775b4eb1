"""Proof 8, several nodes: three servers on one PostgreSQL database behind nginx.

Needs a PostgreSQL server (HEALTHHUB_PROOF_PG_URL, else HEALTHHUB_PG_URL: .ci/pg.sh) and nginx
(Debian's nginx-light; NGINX_BIN to name it). A fresh database is created (dropped at exit); nodes
A, B and C (HEALTHHUB_BIN) start together on it with the same JWT_SECRET and
HEALTHHUB_TRUST_PROXY=true, on ports from free-port probes, and nginx on loopback balances them
(the README's configuration, plus `add_header X-Upstream $upstream_addr`). Checks, each failing
the proof with its own message:

1. Round robin: requests through nginx reach the three nodes.
2. Freshness: MN_FRESH_TRIALS (50) times, an article read twice on B (the second from B's
   response cache), its title patched on A, B polled every 2 ms: the new title within 100 ms
   every time (p50/p99/max printed); a conditional GET on B with the old ETag is then a 200.
3. If-Match race: MN_RACE_TRIALS (20) times, two PATCHes with the same If-Match through two nodes
   at once: exactly one 200 and one 412. Two nodes creating the same title at once: two slugs.
4. No lost or doubled writes: MN_WRITERS (8) threads x MN_CREATES (40) creates with sections
   through nginx, each with an Idempotency-Key; 5% retried with the same key on another node
   directly: a replay (same id); every acknowledged id read back on each node; no title twice.
5. Views (HEALTHHUB_VIEW_WINDOW_SECONDS=60, HEALTHHUB_VIEW_FLUSH_MS=0): 9 clients (distinct
   X-Forwarded-For, straight to the nodes, each client's 3 calls on 3 different nodes): exactly
   9 views counted. Needs the cluster-wide view window.
6. Quota (the nodes restarted with HEALTHHUB_RATE_LIMIT_READS=30): 120 reads of one client over
   the three nodes: at most 31 allowed. Needs cluster-wide rate limits.
7. Node failure: under write load through nginx (a failed POST retried with its key), B is
   killed (SIGKILL): every acknowledged write present once afterwards; B restarted: /readyz 200
   and it serves a write made on A.
8. Scheduled publication: an article created `published` ~2 s in the future and a webhook to a
   receiver here: exactly one `article.published` entry for it in /api/v1/changes and exactly
   one delivery of that entry (counted by `webhook-id`), though three schedulers and three
   webhook workers run.

Standard library only (Python 3.11).
"""

from __future__ import annotations

import atexit
import collections
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import harness
from harness import ALL_SCOPES, Client, Server, free_port, log, psql

FRESH_TRIALS = int(os.environ.get("MN_FRESH_TRIALS", "50"))
FRESH_LIMIT_MS = float(os.environ.get("MN_FRESH_LIMIT_MS", "100"))
RACE_TRIALS = int(os.environ.get("MN_RACE_TRIALS", "20"))
WRITERS = int(os.environ.get("MN_WRITERS", "8"))
CREATES = int(os.environ.get("MN_CREATES", "40"))
SEED = int(os.environ.get("MN_SEED", str(random.randrange(1 << 30))))

NODE_ENV = {
    "HEALTHHUB_TRUST_PROXY": "true",
    "HEALTHHUB_RATE_LIMIT_READS": "0",
    "HEALTHHUB_RATE_LIMIT_WRITES": "0",
    "HEALTHHUB_VIEW_WINDOW_SECONDS": "60",
    "HEALTHHUB_VIEW_FLUSH_MS": "0",
    "HEALTHHUB_WEBHOOKS_ALLOW_PRIVATE": "true",
    "HEALTHHUB_WEBHOOKS_POLL_MS": "100",
    "HEALTHHUB_WEBHOOKS_TIMEOUT": "5s",
    "HEALTHHUB_SCHEDULER_MS": "250",
}


class Failed(Exception):
    pass


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise Failed(message)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


# --- nginx -------------------------------------------------------------------------------------


class Nginx:
    """nginx in the foreground (`daemon off`), its configuration, pid, logs and temp paths in
    `folder`, balancing `ports` on 127.0.0.1."""

    def __init__(self, folder: Path, ports: list[int]):
        self.dir = folder
        self.dir.mkdir(parents=True, exist_ok=True)
        for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.dir / sub).mkdir(exist_ok=True)
        self.port = free_port()
        self.binary = os.environ.get("NGINX_BIN") or shutil.which("nginx") or "/usr/sbin/nginx"
        servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=2s;" for p in ports)
        d = self.dir
        # As root, nginx would switch its workers to `nobody`, who cannot use the temp folders.
        user = "user root;" if os.geteuid() == 0 else ""
        (d / "nginx.conf").write_text(
            f"""{user}
worker_processes 1;
daemon off;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {d}/client_body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    upstream healthhub {{
{servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{self.port};
        location / {{
            proxy_pass http://healthhub;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_next_upstream error timeout;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""
        )
        self.proc: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        out = open(self.dir / "stdout.log", "ab")
        self.proc = subprocess.Popen(
            [self.binary, "-p", str(self.dir), "-e", str(self.dir / "error.log"), "-c", str(self.dir / "nginx.conf")],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        out.close()
        atexit.register(self.stop)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"nginx exited with {self.proc.returncode}: {self.log_tail()}")
            try:
                status, _, _ = Client(self.base, timeout=2).request("GET", "/readyz")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"nginx did not answer within 15 s: {self.log_tail()}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGQUIT)
                self.proc.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(timeout=10)

    def log_tail(self) -> str:
        text = ""
        for name in ("stdout.log", "error.log"):
            try:
                text += (self.dir / name).read_text(errors="replace")[-2000:]
            except OSError:
                pass
        return text


# --- a webhook receiver ------------------------------------------------------------------------


class Receiver:
    """Counts every POST it receives by its `webhook-id` header; answers 200."""

    def __init__(self):
        self.lock = threading.Lock()
        self.ids: collections.Counter[str] = collections.Counter()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                self.rfile.read(int(self.headers.get("content-length", "0")))
                with receiver.lock:
                    receiver.ids[self.headers.get("webhook-id", "?")] += 1
                self.send_response(200)
                self.send_header("content-length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.http.daemon_threads = True
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http.server_address[1]}/hook"

    def count(self, webhook_id: str) -> int:
        with self.lock:
            return self.ids[webhook_id]


# --- the proof ---------------------------------------------------------------------------------


def replica_database(replica_server: str, database_url: str) -> str:
    """`database_url`'s database on the streaming replica `replica_server`, once the replica has
    replayed its creation."""
    name = database_url.rsplit("/", 1)[1]
    url = replica_server.rsplit("/", 1)[0] + "/" + name
    deadline = time.monotonic() + 30
    while True:
        try:
            harness.psql(url, "SELECT 1")
            return url
        except Exception:  # noqa: BLE001 - not replayed yet
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


class Proof:
    def __init__(self, work: Path, database_url: str, replica_url: str | None = None):
        self.work = work
        self.db = database_url
        self.replica = replica_url
        self.secret = secrets.token_hex(32)
        self.rng = random.Random(SEED)
        env = dict(NODE_ENV)
        if replica_url:
            env["HEALTHHUB_REPLICA_URL"] = replica_url
        # One media directory for the three nodes, as they would share one S3 bucket.
        env["HEALTHHUB_MEDIA_DIR"] = str(work / "media")
        self.nodes = [
            Server(work / f"node-{name}", demo=False, extra_env=env, database_url=database_url,
                   jwt_secret=self.secret)
            for name in "ABC"
        ]
        self.names = {}
        self.nginx: Nginx | None = None
        self.token = ""
        self.category = 0
        self.results: list[tuple[str, bool, str]] = []

    # helpers

    @property
    def a(self) -> Server:
        return self.nodes[0]

    @property
    def b(self) -> Server:
        return self.nodes[1]

    def client(self, node: Server | None = None, token: str | None = "default", timeout: float = 30) -> Client:
        base = node.base if node is not None else self.nginx.base
        return Client(base, self.token if token == "default" else token, timeout=timeout)

    def start_nodes(self, ports: list[int] | None = None) -> list[float]:
        """Starts the nodes together (they migrate once, under the advisory lock)."""
        took: list[float] = [0.0] * len(self.nodes)
        errors: list[str] = []

        def one(i: int) -> None:
            try:
                took[i] = self.nodes[i].start(60, port=ports[i] if ports else None)
            except Exception as error:  # noqa: BLE001
                errors.append(f"node {'ABC'[i]}: {error}")

        threads = [threading.Thread(target=one, args=(i,)) for i in range(len(self.nodes))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise RuntimeError("; ".join(errors))
        self.names = {f"127.0.0.1:{n.port}": "ABC"[i] for i, n in enumerate(self.nodes)}
        return took

    def create_article(self, client: Client, title: str, **extra) -> dict:
        body = {"title": title, "category_id": self.category, "status": "published"}
        body.update(extra)
        status, _, data = client.request("POST", "/api/v1/articles", body)
        expect(status == 201, f"creating {title!r}: {status} {data}")
        return data

    def run(self, name: str, check) -> None:
        started = time.monotonic()
        log(f"-- check {name}")
        try:
            detail = check() or ""
            ok = True
        except Failed as error:
            ok, detail = False, str(error)
        except Exception as error:  # noqa: BLE001 - a crash of the check is its failure
            ok, detail = False, f"{type(error).__name__}: {error}"
        took = time.monotonic() - started
        self.results.append((name, ok, detail))
        log(f"   {'ok' if ok else 'FAIL'} ({took:.1f} s): {detail}")

    # 9

    def replica_reads(self) -> str:
        """Every node answers anonymous reads from the replica (healthhub_replica_reads_total)
        once it has replayed the writes (the other checks, freshness included, ran with the
        replica in place). The throwaway cluster commits asynchronously, so under write load the
        replica trails by up to the WAL writer's delay and reads go to the primary; here the
        writes have stopped: uncached list pages on every node."""
        time.sleep(1.0)
        for index, node in enumerate(self.nodes):
            reader = self.client(node, token=None)
            for page in range(1, 21):
                # A client of its own per read: the read quota of check 6 is still in force.
                client = {"X-Forwarded-For": f"198.51.{100 + index}.{page}"}
                status, _, _ = reader.request(
                    "GET", f"/api/v1/articles?per_page=5&page={page}&sort=-id", headers=client
                )
                if status != 200:
                    raise Failed(f"GET page {page}: {status}")
        counts = {}
        for name, node in zip("ABC", self.nodes):
            status, _, data = self.client(node, token=None).raw("GET", "/metrics", None, {})
            if status != 200:
                raise Failed(f"GET /metrics on {name}: {status}")
            samples = {
                line.split(" ")[0]: float(line.split(" ")[1])
                for line in data.decode().splitlines()
                if line.startswith("healthhub_replica_")
            }
            counts[name] = (
                int(samples.get("healthhub_replica_reads_total", 0)),
                int(samples.get("healthhub_replica_fallbacks_total", 0)),
            )
        if not all(served > 0 for served, _ in counts.values()):
            raise Failed(f"a node never read the replica: (served, fell back) {counts}")
        return f"(served by the replica, sent to the primary) per node: {counts}"

    # 1

    def round_robin(self) -> str:
        seen = collections.Counter()
        c = self.client(None, token=None)
        for _ in range(12):
            status, headers, _ = c.request("GET", "/api/v1/categories")
            expect(status == 200, f"GET /api/v1/categories through nginx: {status}")
            seen[self.names.get(headers.get("x-upstream", "?"), headers.get("x-upstream", "?"))] += 1
        expect(len([n for n in seen if n in "ABC"]) == 3, f"12 requests reached only {dict(seen)}")
        return f"12 requests through nginx reached {dict(sorted(seen.items()))}"

    # 2

    def freshness(self) -> str:
        writer = self.client(self.a)
        reader = self.client(self.b, token=None, timeout=5)
        article = self.create_article(writer, f"Freshness {SEED}")
        path = f"/api/v1/articles/{article['id']}"
        latencies: list[float] = []
        late: list[str] = []
        stale_304 = 0
        for trial in range(FRESH_TRIALS):
            status1, _, first = reader.request("GET", path)
            status2, headers, second = reader.request("GET", path)
            expect(status1 == status2 == 200, f"trial {trial}: GET {path} on B: {status1}, {status2}")
            old_etag = headers.get("etag")
            expect(first["title"] == second["title"], f"trial {trial}: B's two reads differ")
            new_title = f"Freshness {SEED} trial {trial} {secrets.token_hex(3)}"
            status, _, data = writer.request("PATCH", path, {"title": new_title})
            expect(status == 200, f"trial {trial}: PATCH on A: {status} {data}")
            acked = time.monotonic()
            seen_at = None
            while time.monotonic() - acked < 2.0:
                status, _, body = reader.request("GET", path)
                if status == 200 and body["title"] == new_title:
                    seen_at = time.monotonic()
                    break
                time.sleep(0.002)
            if seen_at is None:
                late.append(f"trial {trial}: B still served the old title 2 s after A's write")
                continue
            ms = (seen_at - acked) * 1000
            latencies.append(ms)
            if ms > FRESH_LIMIT_MS:
                late.append(f"trial {trial}: {ms:.1f} ms")
            if old_etag:
                status, _, _ = reader.request("GET", path, headers={"If-None-Match": old_etag})
                if status != 200:
                    stale_304 += 1
        figures = (
            f"{len(latencies)}/{FRESH_TRIALS} trials seen on B; latency after A's 200: "
            f"p50 {percentile(latencies, 50):.1f} ms, p99 {percentile(latencies, 99):.1f} ms, "
            f"max {max(latencies):.1f} ms" if latencies else "no trial saw the new title"
        )
        log(f"   freshness: {figures}")
        expect(not late, f"{len(late)} trials over {FRESH_LIMIT_MS:g} ms ({figures}): {late[:5]}")
        expect(stale_304 == 0, f"{stale_304} conditional GETs on B with the old ETag were not 200")
        return f"{figures}; conditional GET with the old ETag: 200 in all {FRESH_TRIALS} trials"

    # 3

    def if_match_race(self) -> str:
        setup = self.client(self.a)
        article = self.create_article(setup, f"Race {SEED}")
        path = f"/api/v1/articles/{article['id']}"
        clients = [self.client(self.a), self.client(self.b)]
        bad: list[str] = []
        for trial in range(RACE_TRIALS):
            status, headers, _ = setup.request("GET", path)
            expect(status == 200, f"GET {path}: {status}")
            etag = headers["etag"]
            barrier = threading.Barrier(2)
            statuses: list = [None, None]

            def patch(i: int) -> None:
                barrier.wait()
                statuses[i] = clients[i].request(
                    "PATCH", path, {"subtitle": f"trial {trial} by {'AB'[i]}"}, headers={"If-Match": etag}
                )[0]

            threads = [threading.Thread(target=patch, args=(i,)) for i in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            if sorted(statuses) != [200, 412]:
                bad.append(f"trial {trial}: {statuses}")
        expect(not bad, f"If-Match race: not one 200 and one 412: {bad[:10]}")

        slugs_bad: list[str] = []
        pairs = []
        creators = [self.client(self.b), self.client(self.nodes[2])]
        for trial in range(5):
            title = f"Same title {SEED} {trial}"
            barrier = threading.Barrier(2)
            answers: list = [None, None]

            def create(i: int) -> None:
                barrier.wait()
                answers[i] = creators[i].request(
                    "POST", "/api/v1/articles", {"title": title, "category_id": self.category}
                )

            threads = [threading.Thread(target=create, args=(i,)) for i in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            statuses = [a[0] for a in answers]
            if statuses != [201, 201]:
                slugs_bad.append(f"{title!r}: {statuses} {[a[2] for a in answers if a[0] != 201]}")
                continue
            slugs = [a[2]["slug"] for a in answers]
            pairs.append(slugs)
            if slugs[0] == slugs[1]:
                slugs_bad.append(f"{title!r}: both got slug {slugs[0]}")
        expect(not slugs_bad, f"same-title creates on B and C: {slugs_bad}")
        return (f"{RACE_TRIALS} trials: one 200 and one 412 each; 5 same-title pairs on B and C: "
                f"distinct slugs, e.g. {pairs[0]}")

    # 4

    def no_lost_writes(self) -> str:
        lock = threading.Lock()
        acked: dict[str, int] = {}  # title -> id
        problems: list[str] = []
        replays = collections.Counter()
        via = collections.Counter()
        prefix = f"mn4-{SEED}"

        def writer(w: int) -> None:
            rng = random.Random(SEED + w)
            through = self.client(None)
            directs = {n.port: self.client(n) for n in self.nodes}
            for i in range(CREATES):
                title = f"{prefix} w{w} n{i}"
                body = {
                    "title": title,
                    "category_id": self.category,
                    "sections": [{"heading": f"H{k}", "body": f"Body {k} of {title}"} for k in range(2)],
                }
                key = str(uuid.uuid4())
                try:
                    status, headers, data = through.request("POST", "/api/v1/articles", body,
                                                            headers={"Idempotency-Key": key})
                except OSError as error:
                    with lock:
                        problems.append(f"{title}: no answer through nginx: {error}")
                    continue
                if status != 201:
                    with lock:
                        problems.append(f"{title}: {status} {data}")
                    continue
                upstream = headers.get("x-upstream", "?")
                with lock:
                    acked[title] = data["id"]
                    via[self.names.get(upstream, upstream)] += 1
                if rng.random() < 0.05:
                    others = [n for n in self.nodes if f"127.0.0.1:{n.port}" != upstream]
                    node = rng.choice(others)
                    status2, headers2, data2 = directs[node.port].request(
                        "POST", "/api/v1/articles", body, headers={"Idempotency-Key": key}
                    )
                    with lock:
                        replays["sent"] += 1
                        if (status2, (data2 or {}).get("id")) == (201, data["id"]) and \
                                headers2.get("idempotent-replayed") == "true":
                            replays["replayed"] += 1
                        else:
                            problems.append(
                                f"{title}: the retry with the same key on node {'ABC'[self.nodes.index(node)]} "
                                f"answered {status2} id {(data2 or {}).get('id')} "
                                f"Idempotent-Replayed {headers2.get('idempotent-replayed')}, first id {data['id']}"
                            )

        began = time.monotonic()
        threads = [threading.Thread(target=writer, args=(w,)) for w in range(WRITERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        took = time.monotonic() - began
        missing = collections.Counter()
        for i, node in enumerate(self.nodes):
            c = self.client(node)
            for title, aid in acked.items():
                status, _, data = c.request("GET", f"/api/v1/articles/{aid}")
                if status != 200 or data["title"] != title or len(data.get("sections", [])) != 2:
                    missing["ABC"[i]] += 1
                    if missing["ABC"[i]] <= 3:
                        problems.append(f"node {'ABC'[i]}: GET /api/v1/articles/{aid} ({title}): {status}")
        rows = psql(self.db, f"SELECT title, count(*) FROM articles WHERE title LIKE '{prefix} %' GROUP BY 1")
        counts = {title: int(n) for title, n in rows}
        doubled = {t: n for t, n in counts.items() if n > 1}
        unacked = sorted(set(counts) - set(acked))
        expect(not doubled, f"titles stored more than once: {list(doubled.items())[:10]}")
        expect(not problems, f"{len(problems)} problems: {problems[:8]}")
        expect(len(acked) == WRITERS * CREATES, f"only {len(acked)} of {WRITERS * CREATES} creates acknowledged")
        return (f"{len(acked)} creates acknowledged in {took:.1f} s (through nginx to {dict(sorted(via.items()))}), "
                f"{replays['replayed']}/{replays['sent']} retries on another node replayed with the same id, "
                f"every id read back on A, B and C, none stored twice ({len(unacked)} stored unacknowledged)")

    # 5

    def views(self) -> str:
        article = self.create_article(self.client(self.a), f"Views {SEED}")
        path = f"/api/v1/articles/{article['slug']}/views"
        clients = [self.client(n, token=None) for n in self.nodes]
        statuses = collections.Counter()
        for k in range(9):
            address = f"198.51.100.{10 + k}"
            for j in range(3):
                node = (k + j) % 3
                status, _, _ = clients[node].request("POST", path, headers={"X-Forwarded-For": address})
                statuses[status] += 1
        _, _, data = self.client(self.a).request("GET", f"/api/v1/articles/{article['id']}")
        counted = data["view_count"]
        figures = f"27 calls from 9 clients over 3 nodes: statuses {dict(sorted(statuses.items()))}, view_count {counted}"
        log(f"   views: {figures}")
        expect(counted == 9 and statuses[200] == 9,
               f"{figures}; expected exactly 9 (one per client per window, cluster-wide)")
        return figures

    # 6

    def quota(self) -> str:
        for node in self.nodes:
            node.stop()
        ports = [n.port for n in self.nodes]
        for node in self.nodes:
            node.env["HEALTHHUB_RATE_LIMIT_READS"] = "30"
        self.start_nodes(ports)
        clients = [self.client(n, token=None) for n in self.nodes]
        statuses = collections.Counter()
        per_node = collections.Counter()
        for i in range(120):
            status, _, _ = clients[i % 3].request(
                "GET", "/api/v1/categories", headers={"X-Forwarded-For": "203.0.113.77"}
            )
            statuses[status] += 1
            if status == 200:
                per_node["ABC"[i % 3]] += 1
        allowed = statuses[200]
        figures = (f"120 reads of one client over 3 nodes (HEALTHHUB_RATE_LIMIT_READS=30): {allowed} allowed "
                   f"({dict(sorted(per_node.items()))}), statuses {dict(sorted(statuses.items()))}")
        log(f"   quota: {figures}")
        expect(allowed <= 31, f"{figures}; expected at most 31 (one quota for the cluster)")
        return figures

    # 7

    def node_failure(self) -> str:
        lock = threading.Lock()
        stop = threading.Event()
        acked: dict[str, int] = {}
        unresolved: list[str] = []
        problems: list[str] = []
        tally = collections.Counter()
        prefix = f"mn7-{SEED}"

        def writer(w: int) -> None:
            c = self.client(None, timeout=10)
            i = 0
            while not stop.is_set():
                i += 1
                title = f"{prefix} w{w} n{i}"
                body = {"title": title, "category_id": self.category,
                        "sections": [{"heading": "H", "body": f"Body of {title}"}]}
                key = str(uuid.uuid4())
                deadline = time.monotonic() + 5
                while True:
                    try:
                        status, _, data = c.request("POST", "/api/v1/articles", body,
                                                    headers={"Idempotency-Key": key})
                    except OSError:
                        status, data = 0, None
                    with lock:
                        tally[status] += 1
                    if status == 201:
                        with lock:
                            acked[title] = data["id"]
                        break
                    # 502/504 from nginx, no answer, or 409 (the key still in use): retry.
                    if status in (0, 409, 502, 503, 504) and time.monotonic() < deadline:
                        time.sleep(0.1)
                        continue
                    with lock:
                        if status in (0, 409, 502, 503, 504):
                            unresolved.append(f"{title}: {status}")
                        else:
                            problems.append(f"{title}: {status} {data}")
                    break

        threads = [threading.Thread(target=writer, args=(w,)) for w in range(6)]
        for t in threads:
            t.start()
        time.sleep(1.5)
        before = len(acked)
        self.b.kill(signal.SIGKILL)
        time.sleep(3.0)
        stop.set()
        for t in threads:
            t.join(timeout=60)
        after_kill = len(acked) - before
        rows = psql(self.db, f"SELECT title, id, count(*) OVER (PARTITION BY title) FROM articles "
                             f"WHERE title LIKE '{prefix} %'")
        stored: dict[str, list[int]] = collections.defaultdict(list)
        for title, aid, _ in rows:
            stored[title].append(int(aid))
        lost = [t for t, aid in acked.items() if stored.get(t) != [aid]]
        given_up = {line.split(":")[0] for line in unresolved}
        given_up_stored = sorted(t for t in given_up if t in stored)
        doubled = {t: ids for t, ids in stored.items() if len(ids) > 1}
        expect(not doubled, f"titles stored more than once: {list(doubled.items())[:10]}")
        expect(not lost, f"acknowledged writes missing or changed: {lost[:10]}")
        expect(not problems, f"unexpected answers: {problems[:8]}")

        # B comes back on its port: ready, and serving what A writes.
        took = self.b.start(60, port=self.b.port)
        status, _, _ = self.client(self.b, token=None).request("GET", "/readyz")
        expect(status == 200, f"B's /readyz after the restart: {status}")
        reader = self.client(self.b, token=None, timeout=5)
        writer_a = self.client(self.a)
        aid = next(iter(acked.values()))
        path = f"/api/v1/articles/{aid}"
        status, _, _ = writer_a.request("PATCH", path, {"status": "published"})
        expect(status == 200, f"publishing {path} on A: {status}")
        reader.request("GET", path)
        reader.request("GET", path)
        new_title = f"{prefix} after the restart"
        status, _, _ = writer_a.request("PATCH", path, {"title": new_title})
        expect(status == 200, f"PATCH {path} on A: {status}")
        acked_at = time.monotonic()
        seen = None
        while time.monotonic() - acked_at < 2:
            status, _, body = reader.request("GET", path)
            if status == 200 and body["title"] == new_title:
                seen = (time.monotonic() - acked_at) * 1000
                break
            time.sleep(0.002)
        expect(seen is not None, "B, restarted, still serves the old title 2 s after A's write")
        expect(seen <= FRESH_LIMIT_MS, f"B, restarted, saw A's write after {seen:.1f} ms")
        return (f"{len(acked)} creates acknowledged ({after_kill} after B's SIGKILL), answers "
                f"{dict(sorted(tally.items()))}, {len(unresolved)} given up after 5 s of retries "
                f"({len(given_up_stored)} of them stored: {unresolved[:3]}); every acknowledged write "
                f"stored exactly once; B ready {took:.2f} s after its restart and saw A's write in {seen:.1f} ms")

    # 8

    def scheduled(self) -> str:
        receiver = Receiver()
        manager = self.client(None, token=self.a.token("webhooks:manage", "ci-multinode-hooks"))
        reader = self.client(None, token=self.a.token("content:read", "ci-multinode-reader"))
        status, _, hook = manager.request("POST", "/api/v1/webhooks",
                                          {"url": receiver.url, "events": ["article.published"]})
        expect(status == 201, f"creating the webhook: {status} {hook}")
        status, _, page = reader.request("GET", "/api/v1/changes?limit=1")
        expect(status == 200, f"GET /api/v1/changes: {status} {page}")
        after = page["meta"]["last_seq"]
        when = datetime.now(timezone.utc) + timedelta(seconds=2)
        published_at = when.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        article = self.create_article(self.client(self.nodes[2]), f"Scheduled {SEED}", published_at=published_at)
        expect(article.get("status") == "scheduled", f"the article reads status {article.get('status')!r}")

        def entries() -> list[dict]:
            status, _, page = reader.request("GET", f"/api/v1/changes?after={after}&limit=1000")
            expect(status == 200, f"GET /api/v1/changes: {status}")
            return [e for e in page["data"] if e["event"] == "article.published" and e["id"] == article["id"]]

        deadline = time.monotonic() + 20
        found: list[dict] = []
        while time.monotonic() < deadline:
            found = entries()
            if found and receiver.count(f"msg_{hook['id']}_{found[0]['seq']}"):
                break
            time.sleep(0.1)
        expect(found, "no article.published entry 20 s after the scheduled time was set")
        # Let the three schedulers and webhook workers run a while longer: a duplicate would show.
        time.sleep(3)
        found = entries()
        expect(len(found) == 1, f"{len(found)} article.published entries for the article: {found}")
        webhook_id = f"msg_{hook['id']}_{found[0]['seq']}"
        delivered = receiver.count(webhook_id)
        lateness = (datetime.fromisoformat(found[0]["at"].replace("Z", "+00:00")) - when).total_seconds()
        expect(delivered == 1, f"entry seq {found[0]['seq']} delivered {delivered} times (webhook-id {webhook_id})")
        return (f"one article.published entry (seq {found[0]['seq']}, written {lateness:.2f} s after the "
                f"scheduled time) and one delivery of it ({webhook_id}) from three nodes")

    def log_errors(self) -> str:
        errors = []
        for i, node in enumerate(self.nodes):
            errors.extend(f"node {'ABC'[i]}: {line[:300]}" for line in node.log_errors())
        expect(not errors, f"{len(errors)} errors or panics logged: {errors[:8]}")
        return "no node logged an error or a panic"


def main() -> int:
    started = time.monotonic()
    server_url = harness.PG_URL or os.environ.get("HEALTHHUB_PG_URL", "")
    if not server_url:
        log("FAIL: set HEALTHHUB_PROOF_PG_URL (or HEALTHHUB_PG_URL: source .ci/pg.sh)")
        return 1
    harness.PG_URL = server_url
    work = Path(tempfile.mkdtemp(prefix="healthhub-multinode."))
    database_url = harness.create_pg_database("healthhub_multinode")
    replica_server = os.environ.get("HEALTHHUB_PROOF_PG_REPLICA_URL", "")
    replica_url = replica_database(replica_server, database_url) if replica_server else None
    log(f"multinode: 3 nodes on {database_url}, replica {replica_url or 'none'}, seed {SEED}")
    proof = Proof(work, database_url, replica_url)
    took = proof.start_nodes()
    proof.nginx = Nginx(work / "nginx", [n.port for n in proof.nodes])
    proof.nginx.start()
    log(f"nodes A, B, C on ports {[n.port for n in proof.nodes]} ready in "
        f"{', '.join(f'{t:.2f}' for t in took)} s (started together: one migration); nginx on {proof.nginx.port}")
    proof.token = proof.a.token(ALL_SCOPES, "ci-multinode")
    status, _, category = proof.client(proof.a).request("POST", "/api/v1/categories", {"name": f"Multinode {SEED}"})
    if status != 201:
        log(f"FAIL: creating a category: {status} {category}")
        return 1
    proof.category = category["id"]

    proof.run("1 round robin", proof.round_robin)
    proof.run("2 freshness across nodes", proof.freshness)
    proof.run("3 If-Match and slug races across nodes", proof.if_match_race)
    proof.run("4 no lost or doubled writes, idempotent retries on another node", proof.no_lost_writes)
    proof.run("5 one view per client per window, cluster-wide", proof.views)
    proof.run("8 scheduled publication: one entry, one delivery", proof.scheduled)
    proof.run("7 node failure under write load", proof.node_failure)
    proof.run("6 read quota, cluster-wide", proof.quota)
    if replica_url:
        proof.run("9 anonymous reads from the replica", proof.replica_reads)
    proof.run("server logs", proof.log_errors)
    proof.nginx.stop()
    for node in proof.nodes:
        node.stop()

    failed = [(name, detail) for name, ok, detail in proof.results if not ok]
    log(f"multinode: {len(proof.results) - len(failed)}/{len(proof.results)} checks passed "
        f"in {time.monotonic() - started:.0f} s")
    if failed:
        for name, detail in failed:
            log(f"FAIL: check {name}: {detail}")
        log(f"  (node logs and nginx configuration kept in {work})")
        return 1
    log("multinode proof passed")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
