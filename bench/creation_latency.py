#!/usr/bin/env python3
"""Sequential creations on one keep-alive connection, each one timed: the latency distribution of
writes (issue 16: "creation p99 under 20 ms and max under 100 ms under sustained writes").

wrk's percentiles at one connection are not used for this: they did not agree with its own
request counts. This client times every request itself (time.perf_counter around a whole
request and its answer) and prints every figure it reports from those timings.

Usage:
  creation_latency.py BASE_URL TOKEN CATEGORY_ID SECONDS RUN_ID [LABEL]

Each creation is `POST /api/v1/articles` with the body of scenario 5 in bench/scenarios.lua
(five sections of 190 words, a unique slug `bench-<RUN_ID>-<n>`). Prints one line:
  LABEL: N creations in S s (R/s); p50 … p99 … p99.9 … max … ms; over 100 ms: K; per 10 s: max …
and exits 1 if any creation did not answer 201.

Standard library only.
"""

from __future__ import annotations

import http.client
import json
import sys
import time
from urllib.parse import urlsplit

WORDS = [
    "sleep", "stress", "research", "people", "often", "body", "brain", "doctor", "symptoms",
    "health", "feel", "hormones", "heart", "blood", "pressure", "common", "habits", "routine",
    "diet", "exercise", "water", "rest", "weeks", "months", "support", "therapy", "treatment",
    "mood", "anxiety", "fatigue", "energy", "gut", "vitamins", "fiber", "walking", "breathing",
    "the", "a", "of", "and", "to", "in", "is", "that", "with", "may", "can", "your",
]
HEADINGS = ["What is going on?", "Common causes", "What the research says",
            "When to see a doctor", "The takeaway"]


def sections() -> list[dict[str, str]]:
    """The five sections of scenario 5 (the same words, in the same order, as scenarios.lua)."""
    out = []
    for s in range(1, 6):
        body = " ".join(WORDS[(s * 7 + w * 13) % len(WORDS)] for w in range(1, 191))
        out.append({"heading": HEADINGS[s - 1], "body": body + "."})
    return out


def percentile(ordered: list[float], p: float) -> float:
    """The nearest-rank percentile `p` (0-100) of an ascending list."""
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def main() -> int:
    if len(sys.argv) not in (6, 7):
        print(__doc__, file=sys.stderr)
        return 2
    base, token, category, seconds, run = sys.argv[1:6]
    label = sys.argv[6] if len(sys.argv) == 7 else "creations"
    url = urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=30)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    parts = sections()
    timings: list[tuple[float, float]] = []
    failures: list[str] = []
    failed = 0
    started = time.perf_counter()
    deadline = started + float(seconds)
    n = 0
    while time.perf_counter() < deadline:
        n += 1
        body = json.dumps({
            "title": f"Benchmark article {run}-{n}",
            "slug": f"bench-{run}-{n}",
            "subtitle": "Written by the benchmark.",
            "category_id": int(category),
            "sections": parts,
        })
        before = time.perf_counter()
        conn.request("POST", "/api/v1/articles", body, headers)
        response = conn.getresponse()
        answer = response.read()
        after = time.perf_counter()
        timings.append((before - started, after - before))
        if response.status != 201:
            failed += 1
            if len(failures) < 5:
                failures.append(f"{response.status} {answer[:300]!r}")
    elapsed = time.perf_counter() - started
    ordered = sorted(ms * 1000 for _, ms in timings)
    windows: dict[int, float] = {}
    for at, took in timings:
        window = int(at // 10)
        windows[window] = max(windows.get(window, 0.0), took * 1000)
    print(
        f"{label}: {len(ordered)} creations in {elapsed:.1f} s ({len(ordered) / elapsed:.0f}/s); "
        f"p50 {percentile(ordered, 50):.2f} p99 {percentile(ordered, 99):.2f} "
        f"p99.9 {percentile(ordered, 99.9):.2f} max {ordered[-1]:.2f} ms; "
        f"over 100 ms: {sum(1 for t in ordered if t > 100)}; "
        f"per 10 s: max {' '.join(f'{windows[w]:.0f}' for w in sorted(windows))} ms"
    )
    if failed:
        print(f"{label}: FAIL: {failed} creations did not answer 201; the first: {failures}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
