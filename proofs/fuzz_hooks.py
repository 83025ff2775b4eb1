"""Schemathesis hooks of the contract fuzzer (loaded by proofs/fuzz.sh through SCHEMATHESIS_HOOKS).

Each one supplies what a real client has and a generator cannot invent; none of them turns a
request the document calls invalid into a valid one or the other way round (schemathesis
re-checks a case after `before_call` changed it, so the check that judges it sees what was sent).

- `Idempotency-Key`: the fuzzer reuses the header's documented example and its boundary values
  across different requests, which the server rightly refuses (422 `idempotency_key_reused`: the
  key was already used for another request, a fact of the server's state, not of this request's
  data). A well-formed key is replaced by a fresh UUID; malformed ones are sent as generated.
  Replays with the same key are covered by tests/api/idempotency.rs.
- `after` on the lists: a cursor is opaque, only one the server made for the same `sort` is
  valid (anything else is a 400, as it should be). A well-formed one is replaced by a real
  `meta.next_cursor` for the request's sort (a person's page of articles: the article list's
  default sort, whose cursors it takes).
- Rules between fields of one body, which JSON Schema cannot state (they are in the
  descriptions, and tests/api/write_rules.rs and sections.rs check them): `unpublish_at` after
  `published_at` when both are sent (an inverted pair loses `unpublish_at`), a published status
  with a `published_at` (an explicit `null` beside `"status": "published"` is dropped), and a
  section id listed once in `PUT …/sections` (a repeated `id` is dropped: that entry is new),
  and alt text on the feature image of a body that publishes the article (a blank one gets a
  few words).
- The two paging modes exclude each other (`page`/`per_page` or `limit`/`after`), a rule between
  parameters that OpenAPI's independent parameters cannot state (it is in their descriptions and
  in tests/api/listing.rs): with `limit` or `after` present, `page` and `per_page` are dropped.
"""

from __future__ import annotations

import json
import os
import re
import threading
import urllib.parse
import urllib.request
import uuid
from datetime import datetime

import schemathesis

IDEMPOTENCY_KEY = re.compile(r"^[!-~]{1,255}$")
CURSOR = re.compile(r"^[A-Za-z0-9_-]+$")
# What Rust's str::trim removes (Unicode White_Space): a q of only these is no search.
BLANK = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
LISTS = ("/api/v1/articles", "/api/v1/search")
PERSON = "/api/v1/people/{id_or_slug}"
BASE = os.environ.get("FUZZ_BASE_URL", "")

_cursors: dict[str, str | None] = {}
_lock = threading.Lock()


def _real_cursor(sort: str) -> str | None:
    """`meta.next_cursor` of the first one-item page in this sort (None when there is none)."""
    key = sort
    with _lock:
        if key in _cursors:
            return _cursors[key]
    query = {"limit": "1", "sort": sort}
    url = f"{BASE}/api/v1/articles?{urllib.parse.urlencode(query)}"
    cursor = None
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            cursor = json.load(response)["meta"].get("next_cursor")
    except Exception:  # an invalid sort: the request goes out as generated, and is refused
        cursor = None
    with _lock:
        _cursors[key] = cursor
    return cursor


def _time(value: object) -> datetime | None:
    """An RFC 3339 time as the server reads it, or None."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("z", "Z").replace("Z", "+00:00").replace("t", "T"))
    except ValueError:
        return None


def _keep_body_rules(body: object) -> None:
    """Makes a generated body keep the rules between its own fields (see the module's doc)."""
    if not isinstance(body, dict):
        return
    start, end = _time(body.get("published_at")), _time(body.get("unpublish_at"))
    if start is not None and end is not None:
        try:
            if end <= start:
                body.pop("unpublish_at")
        except TypeError:  # one naive, one aware: the server reads both as UTC anyway
            pass
    if body.get("status") == "published" and "published_at" in body and body["published_at"] is None:
        body.pop("published_at")
    image = body.get("feature_image")
    if body.get("status") == "published" and isinstance(image, dict):
        alt = image.get("alt")
        if alt is None or (isinstance(alt, str) and alt.strip(BLANK) == ""):
            image["alt"] = "A feature image"
    sections = body.get("sections")
    if isinstance(sections, list):
        seen: set[object] = set()
        for section in sections:
            # Only well-formed ids can repeat: integers, also written as `5.0` (the server reads
            # an integral number as an integer); anything else is refused as generated.
            if not isinstance(section, dict):
                continue
            value = section.get("id")
            if type(value) is float and value.is_integer():
                value = int(value)
            if type(value) is int:
                if value in seen:
                    section.pop("id")
                else:
                    seen.add(value)


@schemathesis.hook
def map_body(context, body):
    """The body rules at generation, so every phase's cases keep them (see `before_call`)."""
    _keep_body_rules(body)
    return body


@schemathesis.hook
def before_call(context, case, kwargs):
    _keep_body_rules(case.body)
    # The request may already carry its own copy of the body: keep the rules there too.
    if isinstance(kwargs, dict):
        _keep_body_rules(kwargs.get("json"))
    headers = case.headers
    if headers:
        for name, value in list(headers.items()):
            if name.lower() == "idempotency-key" and isinstance(value, str):
                if IDEMPOTENCY_KEY.match(value):
                    headers[name] = str(uuid.uuid4())
    query = case.query
    if case.operation.path in LISTS and isinstance(query, dict) and query:
        if "limit" in query or "after" in query:
            query.pop("page", None)
            query.pop("per_page", None)
        after = query.get("after")
        if isinstance(after, str) and CURSOR.match(after):
            sort = query.get("sort")
            if not isinstance(sort, str):
                # The default: by relevance when searching, else newest first.
                q = query.get("q")
                searching = isinstance(q, str) and q.strip(BLANK) != ""
                sort = "rank" if searching else "-published_at"
            cursor = _real_cursor(sort)
            if cursor is not None:
                query["after"] = cursor
    if case.operation.path == PERSON and isinstance(query, dict):
        # A person's articles page through the article list's cursors, in its default order.
        after = query.get("after")
        if isinstance(after, str) and CURSOR.match(after):
            cursor = _real_cursor("-published_at")
            if cursor is not None:
                query["after"] = cursor
