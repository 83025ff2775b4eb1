"""Proof 3, concurrency: many writers and readers at once against one SQLite file (or one
PostgreSQL database, with HEALTHHUB_PROOF_PG_URL set: see harness.py).

CONC_WRITERS writer threads (default 32) create articles with 3-5 sections, add, move, edit and
delete sections, replace section lists, patch and delete articles, count views, and contend on a
few shared articles; CONC_READERS reader threads (default 32) list, read, search and walk the
category tree. They run for CONC_SECONDS (default 30). Then:

- no response was a 5xx, none said "database is locked", no valid request was refused;
- every read of an article or its sections saw positions 1..n (each read is one snapshot);
- every acknowledged write is readable with the exact content sent, positions are 1..n, and each
  view_count equals the views acknowledged;
- PRAGMA integrity_check of the file is ok (on PostgreSQL: harness.db_checks_pg).

Standard library only; each thread keeps one keep-alive connection.
"""

from __future__ import annotations

import collections
import json
import os
import random
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

from harness import PG_URL, Client, Server, db_checks, log
from workload import Unexpected, Writer, check_positions, make_hot, verify

WRITERS = int(os.environ.get("CONC_WRITERS", "32"))
READERS = int(os.environ.get("CONC_READERS", "32"))
SECONDS = float(os.environ.get("CONC_SECONDS", "30"))
SEED = int(os.environ.get("CONC_SEED", str(random.randrange(1 << 30))))


def main() -> int:
    log(f"concurrency: {WRITERS} writers, {READERS} readers, {SECONDS:g} s, seed {SEED}")
    rng = random.Random(SEED)
    work = Path(tempfile.mkdtemp(prefix="healthhub-concurrency."))
    server = Server(work)
    server.start()
    token = server.token()
    setup = Client(server.base, token)
    status, _, cats = setup.request("GET", "/api/v1/categories")
    category_ids = [c["id"] for c in cats["data"]]
    hot = make_hot(setup, rng, category_ids[0], 4)

    problems: list = []
    lock = threading.Lock()
    stop = threading.Event()
    writers = [
        Writer(Client(server.base, token), random.Random(rng.random()), category_ids, hot, problems, lock)
        for _ in range(WRITERS)
    ]
    reads = collections.Counter()
    read_statuses = collections.Counter()

    def writer_loop(w: Writer) -> None:
        try:
            while not stop.is_set():
                w.step()
        except Exception as error:  # noqa: BLE001 - any crash of the workload is a finding
            with lock:
                problems.append(f"writer stopped: {type(error).__name__}: {error}")

    def reader_loop(index: int) -> None:
        r = random.Random(rng.random() + index)
        # Half the readers are anonymous (public cacheable reads), half carry the token.
        c = Client(server.base, token if index % 2 else None)
        known = [a.id for a in hot]
        n = 0
        try:
            while not stop.is_set():
                w = writers[r.randrange(len(writers))]
                if w.state.owned:
                    known.append(w.state.owned[-1].id)
                aid = r.choice(known[-200:])
                kind = r.choice(["list", "article", "sections", "search", "tree", "list_sections"])
                path = {
                    "list": f"/api/v1/articles?per_page={r.randint(1, 50)}&page={r.randint(1, 5)}",
                    "list_sections": "/api/v1/articles?limit=20&include=sections&format=markdown",
                    "article": f"/api/v1/articles/{aid}",
                    "sections": f"/api/v1/articles/{aid}/sections?format=markdown",
                    "search": f"/api/v1/search?q={r.choice(['hot', 'long', 'heading', 'sleep', 'RTL'])}",
                    "tree": "/api/v1/categories/tree?counts=true",
                }[kind]
                status, _, raw = c.raw("GET", path)
                n += 1
                text = raw.decode("utf-8", "replace")
                with lock:
                    read_statuses[status] += 1
                if status >= 500 or "database is locked" in text.lower():
                    with lock:
                        problems.append(Unexpected("GET", path, "", status, text))
                    continue
                # Drafts are 404 to anonymous readers; deleted articles are 404 to everyone.
                if status == 404 and kind in ("article", "sections"):
                    continue
                if status != 200:
                    with lock:
                        problems.append(Unexpected("GET", path, "", status, text))
                    continue
                body = json.loads(raw)
                lists = []
                if kind == "article":
                    lists.append(body.get("sections", []))
                elif kind == "sections":
                    lists.append(body["data"])
                elif kind == "list_sections":
                    lists.extend(item.get("sections", []) for item in body["data"])
                for sections in lists:
                    bad = check_positions(sections)
                    if bad:
                        with lock:
                            problems.append(f"a read saw an inconsistent snapshot: GET {path}: {bad}")
        except Exception as error:  # noqa: BLE001
            with lock:
                problems.append(f"reader stopped: {type(error).__name__}: {error}")
        finally:
            with lock:
                reads["done"] += n

    threads = [threading.Thread(target=writer_loop, args=(w,), daemon=True) for w in writers]
    threads += [threading.Thread(target=reader_loop, args=(i,), daemon=True) for i in range(READERS)]
    began = time.monotonic()
    for t in threads:
        t.start()
    time.sleep(SECONDS)
    stop.set()
    for t in threads:
        t.join(timeout=120)
    elapsed = time.monotonic() - began
    if any(t.is_alive() for t in threads):
        problems.append("some threads did not finish within 120 s of the stop")

    states = [w.state for w in writers]
    exact, loose, verify_problems = verify(Client(server.base, token), states, hot)
    problems.extend(verify_problems)
    server.stop()
    if not server.alive() and server.proc and server.proc.returncode not in (0, -15, 143):
        problems.append(f"the server exited with {server.proc.returncode}")

    problems.extend(db_checks(server.db))
    problems.extend(f"server log: {line}" for line in server.log_errors()[:20])

    writes = sum(s.writes for s in states)
    acked = sum(s.acked for s in states)
    views = sum(sum(s.views.values()) for s in states)
    articles = sum(len(s.owned) for s in states)
    log(
        f"writes sent {writes}, acknowledged {acked} ({acked / elapsed:.0f}/s) in {elapsed:.1f} s; "
        f"articles created {articles}, views acknowledged {views}"
    )
    log(f"reads done {reads['done']} ({reads['done'] / elapsed:.0f}/s); read statuses {dict(read_statuses)}")
    log(f"verified afterwards: {exact} articles with every acknowledged write exact "
        f"(titles, sections in order, positions 1..n, view counts); "
        + ("no invalid index, search table in sync (PostgreSQL)" if PG_URL else
           "integrity_check ok, foreign keys clean, search index in sync")
        if not problems else f"verified {exact} articles")
    ids = collections.Counter(a.id for st in states for a in st.owned)
    reused = sum(n - 1 for n in ids.values() if n > 1)
    if reused:
        log(f"note: {reused} article ids were given to a new article after the article holding "
            f"them was deleted (SQLite rowid reuse without AUTOINCREMENT)")
    if problems:
        grouped = collections.Counter(str(p) if not isinstance(p, Unexpected) else
                                      f"{p.method} {p.status}" for p in problems)
        log(f"FAIL: {len(problems)} problems ({len(grouped)} kinds):")
        for p in problems[:40]:
            log(f"  - {p}")
        log(f"  by kind: {dict(grouped.most_common(10))}")
        log(f"  (database and server log kept in {work})")
        return 1
    log("concurrency proof passed")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
