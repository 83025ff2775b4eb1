"""Proof 4, crash durability: the server is killed with SIGKILL under write load, again and again.

Each round restarts the server on the same SQLite file (it must answer /readyz within
CRASH_READY_SECONDS, default 30, and log no panic), checks that every write acknowledged so far
(2xx) is there and intact, then lets CRASH_WRITERS writer threads (default 16) run for a random
0.5-4 s and kills the server (SIGKILL, no warning) at that moment. CRASH_KILLS rounds (default 6).
After the last kill: a final restart and check, a graceful stop, and PRAGMA integrity_check (and
foreign_key_check) on the file with Python's sqlite3. With HEALTHHUB_PROOF_PG_URL set the server
runs over a fresh PostgreSQL database instead, checked with harness.db_checks_pg.

A write that was in flight when the server died got no answer: either outcome is fine for it, so
its article is checked loosely (present, positions 1..n, view count within bounds) from then on.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

from harness import PG_URL, Client, Server, db_checks, log
from workload import Writer, make_hot, verify

KILLS = int(os.environ.get("CRASH_KILLS", "6"))
WRITERS = int(os.environ.get("CRASH_WRITERS", "16"))
READY = float(os.environ.get("CRASH_READY_SECONDS", "30"))
SEED = int(os.environ.get("CRASH_SEED", str(random.randrange(1 << 30))))


def main() -> int:
    log(f"crash: {KILLS} kills, {WRITERS} writers, seed {SEED}")
    rng = random.Random(SEED)
    work = Path(tempfile.mkdtemp(prefix="healthhub-crash."))
    server = Server(work)
    ready = server.start(READY)
    token = server.token()
    setup = Client(server.base, token)
    _, _, cats = setup.request("GET", "/api/v1/categories")
    category_ids = [c["id"] for c in cats["data"]]
    hot = make_hot(setup, rng, category_ids[0], 3)

    problems: list = []
    lock = threading.Lock()
    writers = [
        Writer(Client(server.base, token), random.Random(rng.random()), category_ids, hot, problems, lock)
        for _ in range(WRITERS)
    ]
    kills = 0
    start_times = [ready]
    exact = loose = 0

    def check_log(label: str, since: int) -> None:
        errors = server.log_errors(since)
        if errors:
            problems.append(f"{label}: the server logged {len(errors)} errors, first: {errors[0][:300]}")

    log_mark = 0
    for round_no in range(1, KILLS + 1):
        # Everything acknowledged so far must be there after the restarts before this round.
        exact, loose, found = verify(Client(server.base, token), [w.state for w in writers], hot)
        problems.extend(f"before kill {round_no}: {p}" for p in found)

        stop = threading.Event()
        for w in writers:
            w.c.close()
            w.c = Client(server.base, token, timeout=10)

        def loop(w: Writer) -> None:
            try:
                while not stop.is_set():
                    w.step()
            except OSError:
                return  # the server is gone: this writer's round is over
            except Exception as error:  # noqa: BLE001
                with lock:
                    problems.append(f"writer stopped: {type(error).__name__}: {error}")

        threads = [threading.Thread(target=loop, args=(w,), daemon=True) for w in writers]
        for t in threads:
            t.start()
        time.sleep(rng.uniform(0.5, 4.0))
        acked_before = sum(w.state.acked for w in writers)
        server.kill(signal.SIGKILL)
        kills += 1
        stop.set()
        for t in threads:
            t.join(timeout=60)
        log(f"kill {kills}: SIGKILL after {acked_before} acknowledged writes in all, "
            f"{sum(w.state.unanswered for w in writers)} unanswered so far")

        check_log(f"until kill {kills}", log_mark)
        log_mark = len(server.log_text())
        try:
            took = server.start(READY)
        except RuntimeError as error:
            problems.append(f"restart after kill {kills} failed: {error}")
            break
        start_times.append(took)

    if server.alive():
        exact, loose, found = verify(Client(server.base, token), [w.state for w in writers], hot)
        problems.extend(f"after the last restart: {p}" for p in found)
        server.stop()
        check_log("after the last restart", log_mark)
    db_problems = db_checks(server.db)
    problems.extend(db_problems)
    acked = sum(w.state.acked for w in writers)
    unanswered = sum(w.state.unanswered for w in writers)
    log(f"kills survived {kills}; restarts ready in {min(start_times):.2f}-{max(start_times):.2f} s")
    log(f"writes acknowledged {acked}, all verified after every restart: {exact} articles exact, "
        f"{loose} with a write in flight at a kill checked loosely; {unanswered} requests unanswered")
    if not db_problems:
        log("no invalid index, search table in sync (PostgreSQL)" if PG_URL else
            "PRAGMA integrity_check ok, foreign_key_check clean, search index in sync")
    if problems:
        log(f"FAIL: {len(problems)} problems:")
        for p in problems[:40]:
            log(f"  - {p}")
        log(f"  (database and server log kept in {work})")
        return 1
    log("crash durability proof passed")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
