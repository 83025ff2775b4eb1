"""Shared pieces of the CI proofs: a HealthHub server on a free port over its own database, tokens,
and a small keep-alive HTTP client. Standard library only (Python 3.11).

The server is the binary named by HEALTHHUB_BIN (default target/debug/healthhub). Every server is
started in its own process group and killed when the script exits, whatever happens.

With HEALTHHUB_PROOF_PG_URL set (a PostgreSQL server URL such as .ci/pg.sh's HEALTHHUB_PG_URL),
each server runs over a fresh PostgreSQL database instead of a SQLite file: `CREATE DATABASE` with
`psql` (from $HEALTHHUB_PG_BIN, else PATH), dropped when the script exits; the checks that read
the database (`db_checks`, `table_digest`) read it with `psql -At`. Unset, nothing changes.
"""

from __future__ import annotations

import atexit
import hashlib
import http.client
import json
import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(os.environ.get("HEALTHHUB_BIN", ROOT / "target" / "debug" / "healthhub"))
ALL_SCOPES = "content:read,content:write,content:publish"
PG_URL = os.environ.get("HEALTHHUB_PROOF_PG_URL", "").strip()

# Abuse limits would turn a load test into a test of the limiter: switch them off where the
# server knows these variables (it ignores unknown ones).
# HEALTHHUB_VIEW_WINDOW_SECONDS=0 counts every view call and HEALTHHUB_VIEW_FLUSH_MS=0 writes each
# one before answering, so view counts can be checked exactly, even across a SIGKILL (by default
# views are written in batches and a crash loses the last interval's: see README).
QUIET_LIMITS = {
    "HEALTHHUB_RATE_LIMIT_READS": "0",
    "HEALTHHUB_RATE_LIMIT_WRITES": "0",
    "HEALTHHUB_VIEW_WINDOW_SECONDS": "0",
    "HEALTHHUB_VIEW_FLUSH_MS": "0",
}

_live: list["Server"] = []


_databases: list[str] = []


def _kill_all() -> None:
    for server in list(_live):
        server.stop()
    # The databases go after their servers (DROP … WITH (FORCE) ends any straggling session).
    for url in list(_databases):
        drop_pg_database(url)


atexit.register(_kill_all)
for _sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(_sig, lambda signum, frame: sys.exit(128 + signum))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log(message: str) -> None:
    print(message, flush=True)


# --- PostgreSQL ----------------------------------------------------------------------------


def is_pg(db) -> bool:
    """Whether `db` (a Server's `db`) names a PostgreSQL database rather than a SQLite file."""
    return isinstance(db, str) and db.startswith(("postgres://", "postgresql://"))


def psql_bin() -> str:
    pg_bin = os.environ.get("HEALTHHUB_PG_BIN", "")
    candidate = Path(pg_bin) / "psql" if pg_bin else None
    return str(candidate) if candidate and candidate.is_file() else "psql"


def psql(url: str, sql: str, timeout: float = 120) -> list[list[str]]:
    """Runs `sql` with `psql -At` on `url`; returns the rows (fields split on the unit separator).
    Raises RuntimeError with psql's message when it fails."""
    out = subprocess.run(
        [psql_bin(), "-X", "-q", "-At", "-F", "\x1f", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if out.returncode != 0:
        raise RuntimeError(f"psql failed ({out.returncode}): {out.stderr.strip()[:500]}")
    return [line.split("\x1f") for line in out.stdout.splitlines() if line != ""]


def _with_database(url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def create_pg_database(prefix: str = "healthhub_proof") -> str:
    """Creates a fresh database on the server of HEALTHHUB_PROOF_PG_URL; returns its URL. It is
    dropped when the script exits."""
    if not PG_URL:
        raise RuntimeError("HEALTHHUB_PROOF_PG_URL is not set")
    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"
    psql(PG_URL, f'CREATE DATABASE "{name}"')
    url = _with_database(PG_URL, name)
    _databases.append(url)
    return url


def drop_pg_database(url: str) -> None:
    name = urllib.parse.urlsplit(url).path.lstrip("/")
    try:
        psql(PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', timeout=60)
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as error:
        print(f"note: could not drop database {name}: {error}", file=sys.stderr, flush=True)
    if url in _databases:
        _databases.remove(url)


def table_digest(db, tables: tuple[str, ...]) -> str:
    """A digest of every row of `tables` (SQLite file or PostgreSQL URL), for "nothing changed"."""
    digest = hashlib.sha256()
    if is_pg(db):
        # One round trip: each table's rows as text, sorted, hashed by PostgreSQL.
        sql = " UNION ALL ".join(
            f"SELECT '{t}', md5(coalesce(string_agg(r::text, E'\\n' ORDER BY r::text), '')) FROM {t} r"
            for t in tables
        )
        for row in psql(db, sql):
            digest.update("|".join(row).encode())
        return digest.hexdigest()
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        for table in tables:
            for row in conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2"):
                digest.update(repr(row).encode())
            digest.update(b"|")
        return digest.hexdigest()
    finally:
        conn.close()


class Server:
    """A `healthhub serve` process over `db`; `start()` may be called again after a kill."""

    def __init__(
        self,
        workdir: Path,
        *,
        demo: bool = True,
        extra_env: dict[str, str] | None = None,
        database_url: str | None = None,
        jwt_secret: str | None = None,
    ):
        """`database_url` and `jwt_secret` let several servers share one database (and tokens);
        by default each server gets its own: a SQLite file in `workdir`, or a fresh PostgreSQL
        database when HEALTHHUB_PROOF_PG_URL is set."""
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        if database_url is not None:
            self.db = database_url if is_pg(database_url) else Path(database_url)
        elif PG_URL:
            self.db = create_pg_database()
        else:
            self.db = self.workdir / "healthhub.db"
        self.demo = demo
        self.env = dict(os.environ)
        self.env.update(QUIET_LIMITS)
        self.env.update(
            {
                "DATABASE_URL": str(self.db),
                "JWT_SECRET": jwt_secret or secrets.token_hex(32),
                "RUST_LOG": os.environ.get("CI_SERVER_LOG", "warn"),
                "HEALTHHUB_DEMO": "true" if demo else "false",
            }
        )
        self.env.update(extra_env or {})
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.starts = 0
        self.log_path = self.workdir / "server.log"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, ready_within: float = 30.0, port: int | None = None) -> float:
        """Starts the server on `port` (default: a new free port); returns the seconds it took
        to be ready."""
        self.port = port or free_port()
        self.env["HEALTHHUB_ADDR"] = f"127.0.0.1:{self.port}"
        self.starts += 1
        logfile = open(self.log_path, "ab")
        logfile.write(f"\n===== start {self.starts} on port {self.port}\n".encode())
        logfile.flush()
        began = time.monotonic()
        self.proc = subprocess.Popen(
            [str(BIN), "serve"],
            env=self.env,
            cwd=self.workdir,
            stdout=logfile,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        logfile.close()
        _live.append(self)
        while time.monotonic() - began < ready_within:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"the server exited with {self.proc.returncode} during start-up; log:\n"
                    + self.log_tail()
                )
            try:
                status, _, _ = Client(self.base, timeout=2).request("GET", "/readyz")
                if status == 200:
                    return time.monotonic() - began
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"the server was not ready within {ready_within} s; log:\n" + self.log_tail())

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Sends `sig` to the server and waits for it to be gone."""
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=30)
        if self in _live:
            _live.remove(self)

    def stop(self) -> None:
        """Stops the server gracefully (SIGTERM), then hard if it lingers."""
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                self.kill()
        if self in _live:
            _live.remove(self)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def token(self, scopes: str = ALL_SCOPES, subject: str = "ci-proof") -> str:
        """Mints a token with the CLI (same database and secret as the server)."""
        out = subprocess.run(
            [str(BIN), "token", "create", "--subject", subject, "--scopes", scopes, "--ttl", "1d"],
            env=self.env,
            cwd=self.workdir,
            check=True,
            capture_output=True,
            text=True,
        )
        return out.stdout.strip().splitlines()[-1]

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def log_errors(self, since: int = 0) -> list[str]:
        """Panics and ERROR lines the server logged after character `since` of its log; actix's
        HTTP/1 parser logging a malformed request it refused itself is the client's doing."""
        lines = self.log_text()[since:].splitlines()
        return [
            line.strip()
            for line in lines
            if ("panicked" in line or "ERROR" in line) and "actix_http::h1::dispatcher" not in line
        ]


class Client:
    """One keep-alive HTTP/1.1 connection (per thread); reconnects after a network error."""

    def __init__(self, base: str, token: str | None = None, timeout: float = 30.0):
        parsed = urllib.parse.urlsplit(base)
        self.host = parsed.hostname or "127.0.0.1"
        self.port = parsed.port or 80
        self.token = token
        self.timeout = timeout
        self.conn: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def raw(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        """Sends bytes as they are; returns (status, lower-cased headers, body bytes)."""
        hdrs = {}
        if self.token:
            hdrs["Authorization"] = f"Bearer {self.token}"
        hdrs.update(headers or {})
        reused = self.conn is not None
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            try:
                self.conn.request(method, path, body=body, headers=hdrs)
            except BrokenPipeError:
                # The server closed an idle keep-alive connection (its keep-alive timeout) before
                # this request reached it: nothing was delivered, so send it once more on a new one.
                if not reused:
                    raise
                self.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
                self.conn.request(method, path, body=body, headers=hdrs)
            resp = self.conn.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        out_headers = {k.lower(): v for k, v in resp.getheaders()}
        if resp.will_close:
            self.close()
        return resp.status, out_headers, data

    def request(self, method: str, path: str, json_body=None, headers: dict[str, str] | None = None):
        """Sends `json_body` as JSON (when given); returns (status, headers, parsed JSON or None)."""
        hdrs = dict(headers or {})
        body = None
        if json_body is not None:
            body = json.dumps(json_body).encode()
            hdrs.setdefault("Content-Type", "application/json")
        status, out_headers, data = self.raw(method, path, body, hdrs)
        parsed = None
        if data:
            try:
                parsed = json.loads(data)
            except ValueError:
                parsed = None
        return status, out_headers, parsed if data else None


def db_checks(db) -> list[str]:
    """Checks the database of a stopped server: `db_checks_pg` for a PostgreSQL URL, else the
    SQLite checks below."""
    if is_pg(db):
        return db_checks_pg(db)
    return db_checks_sqlite(db)


def db_checks_pg(url: str) -> list[str]:
    """PostgreSQL's counterpart of the SQLite checks: foreign keys are enforced by PostgreSQL
    itself; what is checked is that no index is left invalid and that the search table
    `article_search` has exactly one row per article, no orphan row, and holds exactly what
    `article_search_refresh` writes from `article_search_source` (rebuilt in a rolled-back
    transaction and compared, tsvector `document` included). Returns the problems found."""
    problems = []
    try:
        invalid = psql(url, "SELECT indexrelid::regclass FROM pg_index WHERE NOT indisvalid OR NOT indisready")
        if invalid:
            problems.append(f"invalid indexes: {invalid[:10]}")
        missing = psql(
            url,
            "SELECT a.id FROM articles a WHERE (SELECT count(*) FROM article_search s "
            "WHERE s.article_id = a.id) <> 1 ORDER BY 1 LIMIT 20",
        )
        orphans = psql(
            url,
            "SELECT s.article_id FROM article_search s WHERE NOT EXISTS "
            "(SELECT 1 FROM articles a WHERE a.id = s.article_id) ORDER BY 1 LIMIT 20",
        )
        stale = psql(
            url,
            "BEGIN; "
            "CREATE TEMP TABLE indexed ON COMMIT DROP AS SELECT * FROM article_search; "
            "DO $$ BEGIN PERFORM article_search_refresh(id) FROM articles; END $$; "
            "SELECT coalesce(n.article_id, o.article_id) FROM article_search n "
            "FULL JOIN indexed o ON o.article_id = n.article_id "
            "WHERE (n.title, n.subtitle, n.excerpt, n.headings, n.bodies, n.document) "
            "IS DISTINCT FROM (o.title, o.subtitle, o.excerpt, o.headings, o.bodies, o.document) "
            "ORDER BY 1 LIMIT 20; ROLLBACK",
        )
        if missing or orphans or stale:
            problems.append(
                "search table out of sync: articles without exactly one row "
                f"{[r[0] for r in missing]}, orphan rows {[r[0] for r in orphans]}, rows differing "
                f"from a rebuild {[r[0] for r in stale]}"
            )
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as error:
        problems.append(f"checking the PostgreSQL database failed: {error}")
    return problems


def db_checks_sqlite(db: Path) -> list[str]:
    """Checks a (closed) database file with Python's sqlite3: PRAGMA integrity_check and
    foreign_key_check, and that the full-text index holds exactly each article's current title,
    subtitle, excerpt and section headings and bodies in position order (FTS5's own
    integrity-check too). Returns the problems found."""
    problems = []
    conn = sqlite3.connect(db)
    try:
        integrity = conn.execute("PRAGMA integrity_check").fetchall()
        if integrity != [("ok",)]:
            problems.append(f"PRAGMA integrity_check: {integrity[:10]}")
        foreign = conn.execute("PRAGMA foreign_key_check").fetchall()
        if foreign:
            problems.append(f"PRAGMA foreign_key_check: {foreign[:10]}")
        has_fts = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'article_search'"
        ).fetchone()
        if has_fts:
            try:
                conn.execute("INSERT INTO article_search(article_search) VALUES ('integrity-check')")
            except sqlite3.DatabaseError as error:
                problems.append(f"FTS5 integrity-check: {error}")
            expected = {
                row[0]: row[1:]
                for row in conn.execute(
                    # The index's own definition of each article's text (the Markdown bodies
                    # rendered to what a reader sees; see the search_text migration).
                    "SELECT id, title, subtitle, excerpt, headings, bodies FROM article_search_source"
                )
            }
            indexed = {
                row[0]: row[1:]
                for row in conn.execute(
                    "SELECT rowid, title, subtitle, excerpt, headings, bodies FROM article_search"
                )
            }
            stale = sorted(i for i in expected if indexed.get(i) != expected[i])
            orphans = sorted(set(indexed) - set(expected))
            if stale or orphans:
                problems.append(
                    f"search index out of sync: articles {stale[:20]} differ, "
                    f"{orphans[:20]} indexed but gone"
                )
        conn.rollback()
    except sqlite3.DatabaseError as error:
        problems.append(f"checking the database failed: {error}")
    finally:
        conn.close()
    return problems


def fail(message: str) -> None:
    print(f"FAIL: {message}", flush=True)
    sys.exit(1)
