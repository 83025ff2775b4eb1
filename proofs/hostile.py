"""Proof 5, hostile input: SQL metacharacters, unicode edge cases and malformed bodies against
every operation of openapi/openapi.json, on a live server.

- every path, query and header parameter of every operation gets each hostile value in turn (the
  other parameters valid), plus hostile parameter names;
- every operation with a JSON body gets deeply nested JSON (10 000 levels), bodies beyond the
  size limit (declared and chunked), invalid and overlong UTF-8, lone surrogates, duplicate keys,
  numbers beyond i64/i32, 1e400, NaN, trailing garbage, wrong top-level types and content types;
- malformed HTTP: invalid bytes and NUL in the request target, oversized headers.

Each answer must be below 500 and, when 4xx, an application/problem+json body whose `status` is
the HTTP status. A refused write must change nothing: the content tables are compared before and
after with sqlite3 (psql on PostgreSQL, with HEALTHHUB_PROOF_PG_URL: see harness.py). Where the
input is legitimately acceptable (a weird but valid title) a 2xx is
fine, and then what was stored must be exactly what was sent. The server must stay up and log no
panic.
"""

from __future__ import annotations

import collections
import binascii
import json
import re
import shutil
import socket
import sys
import tempfile
import urllib.parse
import zlib
from pathlib import Path

from harness import ROOT, Client, Server, log, table_digest

SPEC = json.loads((ROOT / "openapi" / "openapi.json").read_text())
q = urllib.parse.quote

# (label, value as it goes into a URL: already percent-encoded where needed)
def png(width: int, height: int, data: bytes | None = None) -> bytes:
    """A grey `width`×`height` PNG (8-bit RGB), or one whose image data is `data` instead."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return len(body).to_bytes(4, "big") + kind + body + binascii.crc32(kind + body).to_bytes(4, "big")
    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    if data is None:
        data = (b"\x00" + b"\x80" * (3 * width)) * height
    idat = zlib.compress(data)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


# The media fixture. The server runs with no variant widths (`HEALTHHUB_MEDIA_WIDTHS` empty): a
# variant made in the background is a new version of its medium, and the demo pictures' would
# change the compared tables at moments no request chose. `media_variants` stays out of them.
FIXTURE_IMAGE = png(8, 8)
IMAGE_CT = {"Content-Type": "image/png"}

URL_VALUES = [
    ("sql-or", q("' OR 1=1 --", safe="")),
    ("sql-drop", q('"; DROP TABLE articles; --', safe="")),
    ("sql-union", q("1 UNION SELECT sql FROM sqlite_master", safe="")),
    ("percent", "%25"),
    ("bare-percent", "%"),
    ("broken-escape", "%G1%"),
    ("underscore", "_"),
    ("like-all", "%25_%25"),
    ("backslash", "%5C"),
    ("nul", "%00"),
    ("nul-suffix", "health%00.json"),
    ("rtl-override", q("\u202eevil\u202c", safe="")),
    ("emoji", q("\U0001F9E0\U0001F600\U0001F44D\U0001F3FD", safe="")),
    ("combining", q("e\u0301\u0301\u0301a\u0308", safe="")),
    ("zero-width", q("he\u200balth\ufeff", safe="")),
    ("lone-surrogate", "%ED%A0%80"),
    ("overlong-slash", "%C0%AF"),
    ("overlong-nul", "%C0%80"),
    ("invalid-utf8", "%FF%FE%FD"),
    ("truncated-utf8", "%E2%82"),
    ("long", "a" * 8000),
    ("traversal", "..%2F..%2Fetc%2Fpasswd"),
    ("dotdot", ".."),
    ("i64-overflow", "9223372036854775808"),
    ("huge-int", "1" + "0" * 40),
    ("negative", "-1"),
    ("zero", "0"),
    ("float", "1e400"),
    ("nan", "NaN"),
    ("hex", "0x10"),
    ("json", q('{"$ne":null}', safe="")),
    ("html", q("<script>alert(1)</script>", safe="")),
    ("crlf", "%0D%0ASet-Cookie:%20x=1"),
    ("fts-syntax", q('NEAR( "x" * OR -', safe="")),
    ("empty", ""),
    ("spaces", "%20%20"),
]

# Hostile values for header parameters (sent as raw latin-1/UTF-8 bytes; no CR, LF or NUL,
# which the HTTP layer itself refuses to send).
HEADER_VALUES = [
    ("sql-or", "' OR 1=1 --"),
    ("quote-soup", '"""W/"'),
    ("long", "x" * 4000),
    ("utf8", "\u202eevil\U0001F600"),
    ("star", "*"),
    ("comma-list", '"1", "2", W/"3"'),
    ("huge-version", '"99999999999999999999999"'),
    ("negative-version", '"-1"'),
    ("date-garbage", "Mon, 99 Foo 99999 99:99:99 GMT"),
]

PARAM_NAMES = [
    "filter[' OR 1=1 --][eq]",
    "filter[title][' OR 1=1 --]",
    "filter[title][eq][eq]",
    "filter" + "[" * 200,
    "filter[title]",
    "%00",
    "fields[]",
    "sort[]",
    "\u202e",
]

LEGIT_TEXT = [
    "' OR 1=1 --",
    '"; DROP TABLE articles; --',
    "100% _real_ \\ path",
    "\u202eevil\u202c title",
    "\U0001F9E0 brain \U0001F600\U0001F44D\U0001F3FD",
    "e\u0301\u0301\u0301 combining a\u0308",
    "<script>alert(1)</script>",
    "\u5065\u5eb7 \u0645\u0631\u062d\u0628\u0627",
]


class Proof:
    def __init__(self, server: Server, token: str):
        self.server = server
        self.token = token
        self.client = Client(server.base, token, timeout=60)
        self.anon = Client(server.base, None, timeout=60)
        self.requests = 0
        self.statuses: collections.Counter[int] = collections.Counter()
        self.failures: list[str] = []
        self.notes: collections.Counter[str] = collections.Counter()
        self.accepted_writes = 0
        self.refused_writes = 0

    # --- the database --------------------------------------------------------------------

    def snapshot(self) -> str:
        # The SQLite file read-only, or the PostgreSQL database with psql (HEALTHHUB_PROOF_PG_URL).
        return table_digest(self.server.db, (
            "categories", "articles", "sections", "slug_redirects", "people", "article_authors",
            "article_reviews", "article_references", "tags", "article_tags", "article_seo", "media",
            "article_feature_images",
        ))

    # --- sending and judging -------------------------------------------------------------

    def send(self, method, path, body=None, headers=None, client=None):
        c = client or self.client
        self.requests += 1
        try:
            status, hdrs, raw = c.raw(method, path, body, headers or {})
        except OSError as error:
            self.failures.append(f"{method} {path[:200]}: no answer ({error})")
            c.close()
            return None, {}, b""
        self.statuses[status] += 1
        return status, hdrs, raw

    def judge(self, label, method, path, status, hdrs, raw, *, write, before=None, sent_text=None,
              field=None, allow_2xx=True):
        """Applies the rules to one answer; returns True when a write was accepted."""
        where = f"[{label}] {method} {path[:160]}"
        if status is None:
            return False
        text = raw.decode("utf-8", "replace")
        if status >= 500:
            self.failures.append(f"{where} -> {status} {text[:300]}")
            return False
        if "database is locked" in text.lower():
            self.failures.append(f"{where} -> 'database is locked' surfaced: {text[:200]}")
        if status >= 400:
            ctype = hdrs.get("content-type", "")
            if not ctype.startswith("application/problem+json"):
                self.failures.append(f"{where} -> {status} with Content-Type {ctype!r}, not problem+json: {text[:200]}")
            else:
                try:
                    problem = json.loads(raw)
                    if problem.get("status") != status or not problem.get("title") or not problem.get("type"):
                        self.failures.append(f"{where} -> {status} problem body lacks type/title/status: {text[:200]}")
                except ValueError:
                    self.failures.append(f"{where} -> {status} problem body is not JSON: {text[:200]}")
            if write:
                self.refused_writes += 1
                if before is not None and self.snapshot() != before:
                    self.failures.append(f"{where} -> {status} but the database changed: a refused write wrote")
            return False
        if not write and not allow_2xx and status < 400:
            self.failures.append(f"{where} -> {status}: accepted, expected a 4xx: {text[:200]}")
            return False
        if write and 200 <= status < 300:
            if not allow_2xx:
                self.failures.append(f"{where} -> {status}: accepted, expected a 4xx: {text[:300]}")
                return True
            self.accepted_writes += 1
            if sent_text is not None and field is not None and raw:
                got = json.loads(raw)
                if "data" in got and isinstance(got["data"], list) and got["data"]:
                    got = got["data"][0]
                if got.get(field) != sent_text:
                    self.failures.append(f"{where} -> {status} stored {field}={got.get(field)!r}, sent {sent_text!r}")
                slug = got.get("slug")
                if slug is not None and (not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug) or slug.isdigit()):
                    self.failures.append(f"{where} -> generated slug {slug!r} is not lower-case ASCII words")
            return True
        return False

    # --- the operations ------------------------------------------------------------------

    def fixtures(self):
        """A category, a person, a tag, an article with sections, references, a byline and the
        tag, its section ids, a preview link of it, made through the API."""
        status, _, cats = self.client.request("GET", "/api/v1/categories")
        cat = cats["data"][0]
        status, _, person = self.client.request("POST", "/api/v1/people", {"name": "Hostile Person"})
        assert status == 201, person
        status, _, tag = self.client.request("POST", "/api/v1/tags", {"name": "Hostile Tag"})
        assert status == 201, tag
        status, _, art = self.client.request("POST", "/api/v1/articles", {
            "title": "Hostile target", "category_id": cat["id"], "status": "published",
            "sections": [{"heading": f"H{i}", "body": "b"} for i in range(1, 4)],
            "references": [{"title": "A study", "url": "https://example.org/s", "publisher": "J"}],
            "authors": [person["id"]],
            "tags": [tag["id"]],
        })
        assert status == 201, art
        # The same bytes are the same item: 201 the first time, 200 after (unless it was deleted).
        status, _, raw = self.client.raw("POST", "/api/v1/media", FIXTURE_IMAGE, IMAGE_CT)
        assert status in (200, 201), raw
        self.medium = json.loads(raw)
        self.cat, self.art, self.person, self.tag = cat, art, person, tag
        self.section_id = art["sections"][0]["id"]
        status, _, preview = self.client.request("POST", f"/api/v1/articles/{art['id']}/preview", {})
        assert status == 201, preview
        self.valid = {
            "id_or_slug": str(art["id"]), "id": str(self.section_id), "version": str(art["version"]),
            "delivery_id": "1", "token_id": preview["id"],
            "file": self.medium["url"].rsplit("/", 1)[1],
        }

    def operations(self):
        for path, item in SPEC["paths"].items():
            for method, op in item.items():
                if method in ("parameters", "summary", "description"):
                    continue
                yield method.upper(), path, op

    def valid_path(self, path, override=None):
        def sub(m):
            name = m.group(1)
            if override and name == override[0]:
                return override[1]
            if name == "id_or_slug" and path.startswith("/api/v1/categories"):
                return str(self.cat["id"])
            if name == "id_or_slug" and path.startswith("/api/v1/people"):
                return str(self.person["id"])
            if name == "id_or_slug" and path.startswith("/api/v1/tags"):
                return str(self.tag["id"])
            if name == "id" and path.startswith("/api/v1/media"):
                return str(self.medium["id"])
            return self.valid[name]
        return re.sub(r"\{([^}]+)\}", sub, path)

    def valid_body(self, method, path, text="Hostile", number=None):
        """A valid body for the operation, with `text` in its main text field and `number` (if
        given) in its main integer field; (json bytes, main text field name)."""
        n = number
        if path == "/api/v1/articles" and method == "POST":
            d = {"title": text, "category_id": self.cat["id"] if n is None else n}
            return d, "title"
        if path == "/api/v1/articles/{id_or_slug}" and method == "PATCH":
            d = {"subtitle": text}
            if n is not None:
                d["category_id"] = n
            return d, "subtitle"
        if path.endswith("/sections") and method == "POST":
            d = {"heading": text, "body": "b"}
            if n is not None:
                d["position"] = n
            return d, "heading"
        if path.endswith("/sections") and method == "PUT":
            return {"sections": [{"id": self.section_id if n is None else n, "heading": text, "body": "b"}]}, "heading"
        if path == "/api/v1/sections/{id}" and method == "PATCH":
            d = {"heading": text}
            if n is not None:
                d["position"] = n
            return d, "heading"
        if path == "/api/v1/categories" and method == "POST":
            d = {"name": text}
            if n is not None:
                d["position"] = n
            return d, "name"
        if path == "/api/v1/categories/{id_or_slug}" and method == "PATCH":
            d = {"description": text}
            if n is not None:
                d["position"] = n
            return d, "description"
        if path.endswith("/references") and method == "PUT":
            reference = {"title": text, "url": "https://example.org/r", "publisher": "J"}
            if n is not None:
                reference["year"] = n
            return {"references": [reference]}, None
        # People have no number field: a number goes where the document wants a URL.
        if path == "/api/v1/people" and method == "POST":
            d = {"name": text}
            if n is not None:
                d["links"] = [n]
            return d, "name"
        if path == "/api/v1/people/{id_or_slug}" and method == "PATCH":
            d = {"credentials": text}
            if n is not None:
                d["links"] = [n]
            return d, "credentials"
        # Tags have no number field either: a number goes where the document wants a slug (which
        # no number, nor any all-digit string, is).
        if path == "/api/v1/tags" and method == "POST":
            d = {"name": text}
            if n is not None:
                d["slug"] = n
            return d, "name"
        if path == "/api/v1/tags/{id_or_slug}" and method == "PATCH":
            d = {"description": text}
            if n is not None:
                d["slug"] = n
            return d, "description"
        # Media texts have no number field: a number goes where the document wants a credit (a
        # JSON number is refused there; a number in a string is a valid credit).
        if path == "/api/v1/media/{id}" and method == "PATCH":
            d = {"alt": text}
            if n is not None:
                d["credit"] = n
            return d, "alt"
        if path.endswith("/publish"):
            return {"published_at": n}, None
        if path == "/api/v1/webhooks" and method == "POST":
            return {"url": "https://hooks.example.invalid/x", "events": ["*"], "description": text}, "description"
        if path == "/api/v1/webhooks/{id}" and method == "PATCH":
            return {"description": text}, "description"
        return None, None

    def has_body(self, op):
        return "requestBody" in op

    # --- 1. parameters -------------------------------------------------------------------

    def hostile_parameters(self):
        for method, path, op in self.operations():
            params = op.get("parameters", [])
            write = method not in ("GET", "HEAD")
            body_obj, _ = self.valid_body(method, path) if self.has_body(op) else (None, None)
            body = json.dumps(body_obj).encode() if body_obj is not None else None
            headers = {"Content-Type": "application/json"} if body is not None else {}
            if path == "/api/v1/media" and method == "POST":
                body, headers = FIXTURE_IMAGE, IMAGE_CT
            base_query = "q=sleep" if path == "/api/v1/search" else ""
            for p in params:
                if p["in"] == "path":
                    for label, value in URL_VALUES:
                        url = self.valid_path(path, (p["name"], value))
                        self.one(f"path {p['name']}={label}", method, url, body, headers, write,
                                 allow_2xx=not write or label in ("empty",))
                elif p["in"] == "query":
                    for label, value in URL_VALUES:
                        query = "&".join(x for x in (base_query if p["name"] != "q" else "",
                                                     f"{q(p['name'], safe='')}={value}") if x)
                        url = self.valid_path(path) + "?" + query
                        self.one(f"query {p['name']}={label}", method, url, body, headers, write)
                elif p["in"] == "header":
                    for label, value in HEADER_VALUES:
                        h = dict(headers)
                        h[p["name"]] = value.encode("utf-8")
                        self.one(f"header {p['name']}={label}", method, self.valid_path(path), body, h, write,
                                 allow_2xx=True)
            # hostile parameter names: the API refuses unknown query parameters (README), so each
            # must be a 400 under /api/v1 (the probes may ignore them)
            for name in PARAM_NAMES:
                url = self.valid_path(path) + "?" + "&".join(
                    x for x in (base_query, f"{q(name, safe='[]')}=x") if x)
                self.one(f"param name {name[:20]!r}", method, url, body, headers, write,
                         allow_2xx=not path.startswith("/api/"))
            # the same parameter twice
            if any(p["in"] == "query" for p in params):
                name = next(p["name"] for p in params if p["in"] == "query")
                url = self.valid_path(path) + f"?{base_query + '&' if base_query else ''}{q(name, safe='')}=1&{q(name, safe='')}=2"
                self.one("duplicate query parameter", method, url, body, headers, write)

    def one(self, label, method, url, body, headers, write, allow_2xx=True):
        before = self.snapshot() if write else None
        status, hdrs, raw = self.send(method, url, body, headers)
        accepted = self.judge(label, method, url, status, hdrs, raw, write=write, before=before,
                              allow_2xx=allow_2xx)
        if accepted and allow_2xx:
            self.notes[f"accepted write: {label} on {method}"] += 1
        if accepted and method == "DELETE":
            self.fixtures()  # the target is gone: make a new one for the next attacks

    # --- 2. bodies -----------------------------------------------------------------------

    def hostile_images(self):
        """Uploads that are not what they claim, too big, bombs or broken: each a 4xx."""
        url = "/api/v1/media"
        truncated = png(64, 64)
        cases = [
            ("empty", b"", IMAGE_CT),
            ("JSON declared as PNG", b'{"alt": "x"}', IMAGE_CT),
            ("SVG declared as PNG", b"<svg xmlns='http://www.w3.org/2000/svg'/>", IMAGE_CT),
            ("HTML declared as JPEG", b"<html><script>alert(1)</script></html>", {"Content-Type": "image/jpeg"}),
            ("PNG signature only", b"\x89PNG\r\n\x1a\n", IMAGE_CT),
            ("truncated PNG", truncated[: len(truncated) // 2], IMAGE_CT),
            ("PNG short of its pixels", png(64, 64, b"\x00" * 10), IMAGE_CT),
            ("PNG bomb 100000x100000", png(100_000, 100_000, b"\x00" * 100_000), IMAGE_CT),
            ("PNG of width 0", png(0, 8, b""), IMAGE_CT),
            ("JPEG markers only", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32 + b"\xff\xd9", {"Content-Type": "image/jpeg"}),
            ("GIF header only", b"GIF89a\xff\xff\xff\xff\x00\x00\x00", {"Content-Type": "image/gif"}),
            ("WebP header only", b"RIFF\x10\x00\x00\x00WEBPVP8 \x00\x00\x00\x00", {"Content-Type": "image/webp"}),
            ("AVIF", b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf" + b"\x00" * 64, {"Content-Type": "image/avif"}),
            ("over the size limit", b"\x89PNG\r\n\x1a\n" + b"\x00" * (10 * 1024 * 1024 + 1), IMAGE_CT),
        ]
        for label, body, headers in cases:
            before = self.snapshot()
            status, hdrs, raw = self.send("POST", url, body, headers)
            self.judge(f"image {label}", "POST", url, status, hdrs, raw, write=True, before=before,
                       allow_2xx=False)

    def hostile_bodies(self):
        json_ct = {"Content-Type": "application/json"}
        limit = 1024 * 1024
        self.hostile_images()
        for method, path, op in self.operations():
            # The upload's body is an image, not JSON: `hostile_images` attacks it.
            if not self.has_body(op) or (method, path) == ("POST", "/api/v1/media"):
                continue
            url = self.valid_path(path)
            valid, field = self.valid_body(method, path)
            valid_bytes = json.dumps(valid).encode()
            text_key = field or "published_at"

            def with_raw_text(raw_text: bytes) -> bytes:
                # the body with the main text field's value replaced by raw JSON bytes
                return json.dumps(dict(valid, **{text_key: "@@"})).encode().replace(b'"@@"', raw_text)

            def with_number(raw_number: bytes) -> bytes:
                obj, _ = self.valid_body(method, path, number=424242)
                return json.dumps(obj).encode().replace(b"424242", raw_number)

            cases = [
                ("nested arrays x10000", b"[" * 10000 + b"]" * 10000, json_ct),
                ("nested objects x10000", b'{"a":' * 10000 + b"1" + b"}" * 10000, json_ct),
                ("nested in a field x10000", with_raw_text(b"[" * 10000 + b"]" * 10000), json_ct),
                ("over the size limit", with_raw_text(b'"' + b"a" * (limit + 1024) + b'"'), json_ct),
                ("10 MiB", with_raw_text(b'"' + b"a" * (10 * limit) + b'"'), json_ct),
                ("invalid UTF-8", with_raw_text(b'"\xff\xfe\xfd"'), json_ct),
                ("overlong UTF-8", with_raw_text(b'"\xc0\xaf\xc0\x80"'), json_ct),
                ("CESU surrogate bytes", with_raw_text(b'"\xed\xa0\x80"'), json_ct),
                ("lone surrogate escape", with_raw_text(b'"\\ud800"'), json_ct),
                ("lone low surrogate escape", with_raw_text(b'"a\\udc00b"'), json_ct),
                ("reversed surrogate pair", with_raw_text(b'"\\udc00\\ud800"'), json_ct),
                ("duplicate keys", valid_bytes[:-1] + b", " + valid_bytes[1:], json_ct),
                ("duplicate key, other value", valid_bytes[:-1] + b', "' + text_key.encode() + b'": "other"}', json_ct),
                ("trailing garbage", valid_bytes + b" xyz", json_ct),
                ("two documents", valid_bytes + valid_bytes, json_ct),
                ("BOM", b"\xef\xbb\xbf" + valid_bytes, json_ct),
                ("null", b"null", json_ct),
                ("array", b"[]", json_ct),
                ("string", b'"x"', json_ct),
                ("number", b"1e400", json_ct),
                ("truncated", valid_bytes[:-2], json_ct),
                ("single quotes", valid_bytes.replace(b'"', b"'"), json_ct),
                ("comments", b"/* x */" + valid_bytes, json_ct),
                ("NaN literal", with_raw_text(b"NaN"), json_ct),
                ("text/plain", valid_bytes, {"Content-Type": "text/plain"}),
                ("no content type", valid_bytes, {}),
                ("form", b"title=x", {"Content-Type": "application/x-www-form-urlencoded"}),
                ("UTF-16 body", valid_bytes.decode().encode("utf-16"), {"Content-Type": "application/json; charset=utf-16"}),
                ("unknown field", valid_bytes[:-1] + b', "is_admin": true}', json_ct),
                ("SQL in a field name", valid_bytes[:-1] + b', "title\\"; DROP TABLE articles; --": 1}', json_ct),
            ]
            if method == "POST" and path.endswith("/publish"):
                # The publish body is optional, and the document allows it to be `null`: no body.
                cases = [case for case in cases if case[0] != "null"]
            if method != "POST" or not path.endswith("/publish"):
                cases += [
                    ("number beyond u64", with_number(b"99999999999999999999999"), json_ct),
                    ("i64 max + 1", with_number(b"9223372036854775808"), json_ct),
                    ("i64 min - 1", with_number(b"-9223372036854775809"), json_ct),
                    ("i32 max + 1", with_number(b"2147483648"), json_ct),
                    ("1e400", with_number(b"1e400"), json_ct),
                    ("-1e400", with_number(b"-1e400"), json_ct),
                    ("1.5", with_number(b"1.5"), json_ct),
                    ("-0.0", with_number(b"-0.0"), json_ct),
                    ("number as string", with_number(b'"1"'), json_ct),
                    ("Infinity literal", with_number(b"Infinity"), json_ct),
                ]
            else:
                cases += [
                    ("date 1e400", with_number(b"1e400"), json_ct),
                    ("date garbage", with_number(b'"\' OR 1=1 --"'), json_ct),
                    ("date year 99999", with_number(b'"99999-01-01T00:00:00Z"'), json_ct),
                    ("date overflow", with_number(b'"2026-13-45T25:61:61Z"'), json_ct),
                ]
            # Numbers that some operations accept as valid: only these may be 2xx.
            maybe_ok = {"-0.0", "i32 max + 1", "BOM", "1.5", "date year 99999"}
            if path == "/api/v1/media/{id}":
                maybe_ok.add("number as string")  # "1" is a credit like any other
            for label, body, headers in cases:
                before = self.snapshot()
                status, hdrs, raw = self.send(method, url, body, headers)
                accepted = self.judge(f"body {label}", method, url, status, hdrs, raw, write=True,
                                      before=before, allow_2xx=label in maybe_ok)
                if accepted:
                    self.notes[f"accepted: body {label} on {method} {path}"] += 1
            # chunked upload over the limit, no Content-Length
            before = self.snapshot()
            status, hdrs, raw = self.chunked(method, url, with_raw_text(b'"' + b"a" * (limit + 1024) + b'"'))
            self.judge("body chunked over the size limit", method, url, status, hdrs, raw, write=True,
                       before=before, allow_2xx=False)
            if status is not None and status != 413:
                self.failures.append(f"[chunked over limit] {method} {url} -> {status}, expected 413")
            # legitimately weird but valid text: stored exactly, or refused cleanly
            if field is not None:
                for text in LEGIT_TEXT + ["a\u0000b", "tab\tinside"]:
                    obj, _ = self.valid_body(method, path, text=text)
                    before = self.snapshot()
                    status, hdrs, raw = self.send(method, url, json.dumps(obj).encode(), json_ct)
                    self.judge(f"valid weird text {text[:12]!r}", method, url, status, hdrs, raw, write=True,
                               before=before, sent_text=text, field=field)
                    if status == 201 and method == "POST" and path == "/api/v1/categories":
                        # keep the category list short: remove what was created
                        self.send("DELETE", f"/api/v1/categories/{json.loads(raw)['id']}")

    def chunked(self, method, url, body):
        """Sends `body` with Transfer-Encoding: chunked (no Content-Length)."""
        self.requests += 1
        sock = socket.create_connection(("127.0.0.1", self.server.port), timeout=60)
        try:
            head = (f"{method} {url} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {self.token}\r\n"
                    f"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
            sock.sendall(head.encode())
            try:
                for i in range(0, len(body), 65536):
                    chunk = body[i:i + 65536]
                    sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                sock.sendall(b"0\r\n\r\n")
            except OSError:
                pass  # the server may answer and close before the whole body is sent
            return self.read_response(sock)
        finally:
            sock.close()

    # --- 3. malformed HTTP -------------------------------------------------------------------

    def read_response(self, sock):
        data = b""
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
                if b"\r\n\r\n" in data:
                    head, _, rest = data.partition(b"\r\n\r\n")
                    m = re.search(rb"content-length:\s*(\d+)", head, re.I)
                    if m and len(rest) >= int(m.group(1)):
                        break
        except OSError:
            pass
        if not data:
            return None, {}, b""
        head, _, rest = data.partition(b"\r\n\r\n")
        m = re.search(rb"content-length:\s*(\d+)", head, re.I)
        if m:
            rest = rest[: int(m.group(1))]  # a second answer may follow on the same connection
        lines = head.split(b"\r\n")
        try:
            status = int(lines[0].split()[1])
        except (IndexError, ValueError):
            return None, {}, b""
        hdrs = {}
        for line in lines[1:]:
            k, _, v = line.partition(b":")
            hdrs[k.decode("latin-1").strip().lower()] = v.decode("latin-1").strip()
        self.statuses[status] += 1
        return status, hdrs, rest

    def raw_request(self, request: bytes):
        self.requests += 1
        sock = socket.create_connection(("127.0.0.1", self.server.port), timeout=30)
        try:
            sock.sendall(request)
            return self.read_response(sock)
        finally:
            sock.close()

    def malformed_http(self):
        auth = f"Authorization: Bearer {self.token}\r\n".encode()
        cases = [
            ("invalid UTF-8 in the path", b"GET /api/v1/articles/\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n", False),
            ("NUL in the path", b"GET /api/v1/articles/a\x00b HTTP/1.1\r\nHost: x\r\n\r\n", False),
            ("raw space in the path", b"GET /api/v1/articles/a b HTTP/1.1\r\nHost: x\r\n\r\n", False),
            ("invalid UTF-8 in the query", b"GET /api/v1/articles?q=\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n", False),
            ("invalid UTF-8 in the token", b"GET /api/v1/articles HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \xff\xfe\r\n\r\n", False),
            ("SQL in the token", b"GET /api/v1/articles HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ' OR 1=1 --\r\n\r\n", False),
            ("SQL in the token, write", b"POST /api/v1/categories HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ' OR 1=1 --\r\n"
             b"Content-Type: application/json\r\nContent-Length: 12\r\n\r\n{\"name\":\"x\"}", True),
            ("64 KiB header", b"GET /api/v1/articles HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 65536 + b"\r\n\r\n", False),
            ("100 KiB URL", b"GET /api/v1/articles?q=" + b"a" * 102400 + b" HTTP/1.1\r\nHost: x\r\n\r\n", False),
            ("Content-Length lies (short)", b"POST /api/v1/categories HTTP/1.1\r\nHost: x\r\n" + auth +
             b"Content-Type: application/json\r\nContent-Length: 5\r\n\r\n{\"name\":\"lie\"}", True),
            ("negative Content-Length", b"POST /api/v1/categories HTTP/1.1\r\nHost: x\r\n" + auth +
             b"Content-Type: application/json\r\nContent-Length: -1\r\n\r\n{}", True),
            ("Content-Length and chunked", b"POST /api/v1/categories HTTP/1.1\r\nHost: x\r\n" + auth +
             b"Content-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
             b"c\r\n{\"name\":\"x\"}\r\n0\r\n\r\n", True),
            ("huge Content-Length", b"POST /api/v1/categories HTTP/1.1\r\nHost: x\r\n" + auth +
             b"Content-Type: application/json\r\nContent-Length: 99999999999999999999\r\n\r\n{}", True),
        ]
        for label, request, write in cases:
            before = self.snapshot() if write else None
            status, hdrs, raw = self.raw_request(request)
            if status is None:
                # The HTTP layer may close the connection on a request it cannot parse at all.
                self.notes[f"connection closed without an answer: {label}"] += 1
                if write and self.snapshot() != before:
                    self.failures.append(f"[{label}] no answer, but the database changed")
                continue
            if status < 400 and label.startswith(("invalid", "NUL", "raw space", "SQL in the token")):
                self.failures.append(f"[{label}] -> {status}, expected a 4xx")
            ctype = hdrs.get("content-type", "")
            if status >= 400 and not ctype.startswith("application/problem+json"):
                # actix-web's HTTP/1 parser answers what it cannot parse itself, before any
                # application code runs: such an answer cannot be problem+json.
                self.notes[f"{status} from the HTTP layer without problem+json: {label}"] += 1
                if status >= 500:
                    self.failures.append(f"[{label}] -> {status}")
                if write and self.snapshot() != before:
                    self.failures.append(f"[{label}] -> {status} but the database changed")
                continue
            must_refuse = write or label.startswith(("invalid", "NUL", "raw space", "SQL in the token"))
            self.judge(label, "RAW", label, status, hdrs, raw, write=write, before=before,
                       allow_2xx=not must_refuse)


def group_key(failure: str) -> str:
    """What a failure is about, without the particular value: for grouping the report."""
    m = re.match(r"\[(.*?)\] (\S+) (\S+) -> (\d+)?(.*)", failure, re.S)
    if not m:
        return failure[:120]
    label, method, url, status, rest = m.groups()
    if label.startswith("param name"):
        kind = "unknown query parameter name"
    elif "=" in label:
        kind = label.split("=")[0] + "=<hostile>"
    else:
        kind = label
    path = re.sub(r"/\d+", "/{id}", url.split("?")[0])
    verdict = re.sub(r"[:{].*", "", rest, flags=re.S).strip()[:60]
    return f"{kind}: {method} {path} -> {status or ''} {verdict}"


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="healthhub-hostile."))
    server = Server(work, extra_env={"HEALTHHUB_MEDIA_WIDTHS": ""})
    server.start()
    token = server.token()
    proof = Proof(server, token)
    proof.fixtures()
    proof.hostile_parameters()
    after_params = proof.requests
    proof.hostile_bodies()
    after_bodies = proof.requests
    proof.malformed_http()
    if not server.alive():
        proof.failures.append("the server died")
    else:
        status, _, _ = Client(server.base).request("GET", "/readyz")
        if status != 200:
            proof.failures.append(f"/readyz answers {status} after the attack")
    server.stop()
    proof.failures.extend(f"server log: {line[:300]}" for line in server.log_errors()[:20])

    log(f"hostile requests sent {proof.requests}: {after_params} parameter attacks, "
        f"{after_bodies - after_params} body attacks, {proof.requests - after_bodies} malformed HTTP")
    log("  statuses: " + ", ".join(f"{k}: {v}" for k, v in sorted(proof.statuses.items())))
    log(f"  writes refused {proof.refused_writes} (database unchanged after each), "
        f"weird-but-valid writes accepted and stored exactly {proof.accepted_writes}")
    for note, n in sorted(proof.notes.items()):
        log(f"  note: {note} ({n}x)")
    if proof.failures:
        groups: dict[str, list[str]] = {}
        for f in proof.failures:
            groups.setdefault(group_key(f), []).append(f)
        log(f"FAIL: {len(proof.failures)} failures in {len(groups)} groups:")
        for key, items in groups.items():
            log(f"  - {key}  ({len(items)}x), e.g.:")
            log(f"      {items[0][:600]}")
        log(f"  (database and server log kept in {work})")
        return 1
    log("hostile input proof passed")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
