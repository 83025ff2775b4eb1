"""The write workload shared by the concurrency and crash proofs: random but valid content, and a
client-side model of every acknowledged write that the server's final state is checked against.

Each writer owns the articles it creates, so the expected content of those is exact: the model
is updated only from 2xx answers, in the order the writer got them. All writers also share a few
"hot" articles: they move sections of them and add and delete sections of their own in them, so
positions are contended; there the check is the set of sections and positions 1..n.
"""

from __future__ import annotations

import http.client
import json
import random
import threading
from dataclasses import dataclass, field

from harness import Client

# Text with the characters that trip storage and escaping: quotes, SQL and LIKE metacharacters,
# Markdown, HTML, combining marks, RTL, emoji (outside the BMP), CJK.
ALPHABET = (
    "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 "
    "'\"%_\\;-*#<>&`[]()!?.,:/"
    "éüßøñçÅ e\u0301 a\u0308 \u202eRTL\u202c \u05e9\u05dc\u05d5\u05dd "
    "\U0001F600\U0001F9E0\U0001F44D\U0001F3FD 健康 睡眠 \u00a0"
)


def text(rng: random.Random, low: int, high: int) -> str:
    """A random single line of low..high characters that does not start or end with a blank."""
    n = rng.randint(low, high)
    s = "".join(rng.choice(ALPHABET) for _ in range(n))
    s = s.strip() or "x"
    return s


def body_text(rng: random.Random) -> str:
    """A random Markdown body, sometimes a few KB, with several lines."""
    lines = [text(rng, 5, 80) for _ in range(rng.randint(1, 6))]
    if rng.random() < 0.1:
        lines.append("long " * rng.randint(200, 1500))
    return "\n\n".join(lines)


@dataclass
class Section:
    id: int
    heading: str
    body: str


@dataclass
class Article:
    id: int
    title: str
    subtitle: str
    sections: list[Section]
    deleted: bool = False
    # A write to it got no answer (the server was killed meanwhile): "edit" when its content may
    # be either, "delete" when it may be gone.
    uncertain: str = ""


@dataclass
class Unexpected:
    """A response the proof did not expect: kept with what was sent."""

    method: str
    path: str
    sent: str
    status: int
    body: str

    def __str__(self) -> str:
        return f"{self.method} {self.path} sent={self.sent[:300]!r} -> {self.status} {self.body[:400]!r}"


@dataclass
class WriterState:
    """What one writer thread knows was acknowledged."""

    owned: list[Article] = field(default_factory=list)
    # views acknowledged, by article (keyed by the model object: ids can be reused, see verify)
    views: dict[int, int] = field(default_factory=dict)
    # (hot article id) -> sections this writer added there and has not deleted
    hot_added: dict[int, list[Section]] = field(default_factory=dict)
    # sections of hot articles whose add or delete got no answer: they may or may not exist
    hot_maybe: dict[int, list[Section]] = field(default_factory=dict)
    # views that got no answer: each may or may not have been counted
    views_unknown: dict[int, int] = field(default_factory=dict)
    unanswered: int = 0
    acked: int = 0
    writes: int = 0


def check_positions(sections: list[dict]) -> str | None:
    positions = [s["position"] for s in sections]
    if positions != list(range(1, len(positions) + 1)):
        return f"positions are {positions}, not 1..{len(positions)}"
    return None


class Writer:
    """Performs random valid writes and records what was acknowledged."""

    def __init__(self, client: Client, rng: random.Random, category_ids: list[int], hot: list[Article],
                 problems: list, problems_lock: threading.Lock):
        self.c = client
        self.rng = rng
        self.categories = category_ids
        self.hot = hot
        self.state = WriterState()
        self.problems = problems
        self.lock = problems_lock
        self.touch: tuple | None = None

    def problem(self, item) -> None:
        with self.lock:
            self.problems.append(item)

    def send(self, method: str, path: str, payload=None, ok=(200, 201, 204), tolerated=()):
        """Returns the parsed body of a 2xx answer in `ok`, None for a tolerated status; records
        anything else. Raises OSError when the connection failed (no answer: outcome unknown)."""
        self.state.writes += 1
        status, headers, raw = self.c.raw(
            method, path,
            None if payload is None else json.dumps(payload).encode(),
            {"Content-Type": "application/json"} if payload is not None else {},
        )
        text_body = raw.decode("utf-8", "replace")
        if "database is locked" in text_body.lower():
            self.problem(Unexpected(method, path, repr(payload), status, "DATABASE IS LOCKED: " + text_body))
        if status in ok:
            self.state.acked += 1
            return json.loads(raw) if raw else {}
        if status in tolerated or status == 429:
            return None
        self.problem(Unexpected(method, path, repr(payload), status, text_body))
        return None

    # --- the operations -------------------------------------------------------------------

    def create_article(self) -> None:
        rng = self.rng
        sections = [{"heading": text(rng, 1, 60), "body": body_text(rng)} for _ in range(rng.randint(3, 5))]
        payload = {
            "title": text(rng, 1, 120),
            "subtitle": text(rng, 0, 100) if rng.random() < 0.8 else "",
            "category_id": rng.choice(self.categories),
            "status": rng.choice(["draft", "published"]),
            "sections": sections,
        }
        if payload["subtitle"] == "x":
            payload["subtitle"] = ""
        body = self.send("POST", "/api/v1/articles", payload, ok=(201,))
        if body is None:
            return
        got = [(s["heading"], s["body"]) for s in body.get("sections", [])]
        want = [(s["heading"], s["body"]) for s in sections]
        if got != want or body.get("title") != payload["title"]:
            self.problem(f"POST /api/v1/articles answered content that differs from what was sent: "
                         f"sent {payload['title']!r} {want!r}, got {body.get('title')!r} {got!r}")
        self.state.owned.append(Article(
            id=body["id"], title=payload["title"], subtitle=payload["subtitle"],
            sections=[Section(s["id"], s["heading"], s["body"]) for s in body["sections"]],
        ))

    def _owned(self) -> Article | None:
        live = [a for a in self.state.owned if not a.deleted and not a.uncertain]
        if not live:
            return None
        a = self.rng.choice(live)
        self.touch = ("edit", a)
        return a

    def add_section(self) -> None:
        a = self._owned()
        if a is None:
            return
        heading, body = text(self.rng, 1, 60), body_text(self.rng)
        payload = {"heading": heading, "body": body}
        position = None
        if self.rng.random() < 0.6:
            position = self.rng.randint(1, len(a.sections) + 1)
            payload["position"] = position
        got = self.send("POST", f"/api/v1/articles/{a.id}/sections", payload, ok=(201,))
        if got is None:
            return
        s = Section(got["id"], heading, body)
        index = (position or len(a.sections) + 1) - 1
        a.sections.insert(index, s)
        if got.get("position") != index + 1:
            self.problem(f"section added at {position} answered position {got.get('position')}")

    def move_section(self) -> None:
        a = self._owned()
        if a is None or not a.sections:
            return
        s = self.rng.choice(a.sections)
        target = self.rng.randint(1, len(a.sections))
        got = self.send("PATCH", f"/api/v1/sections/{s.id}", {"position": target})
        if got is None:
            return
        a.sections.remove(s)
        a.sections.insert(target - 1, s)

    def edit_section(self) -> None:
        a = self._owned()
        if a is None or not a.sections:
            return
        s = self.rng.choice(a.sections)
        payload = {"heading": text(self.rng, 1, 60)}
        if self.rng.random() < 0.5:
            payload["body"] = body_text(self.rng)
        got = self.send("PATCH", f"/api/v1/sections/{s.id}", payload)
        if got is None:
            return
        s.heading = payload["heading"]
        s.body = payload.get("body", s.body)

    def delete_section(self) -> None:
        a = self._owned()
        if a is None or len(a.sections) <= 1:
            return
        s = self.rng.choice(a.sections)
        if self.send("DELETE", f"/api/v1/sections/{s.id}", ok=(204,)) is None:
            return
        a.sections.remove(s)

    def replace_sections(self) -> None:
        a = self._owned()
        if a is None:
            return
        keep = [s for s in a.sections if self.rng.random() < 0.7]
        self.rng.shuffle(keep)
        entries = [{"id": s.id, "heading": s.heading, "body": s.body} for s in keep]
        for _ in range(self.rng.randint(0, 2)):
            entries.insert(self.rng.randint(0, len(entries)),
                           {"heading": text(self.rng, 1, 60), "body": body_text(self.rng)})
        if not entries:
            entries = [{"heading": text(self.rng, 1, 60), "body": body_text(self.rng)}]
        got = self.send("PUT", f"/api/v1/articles/{a.id}/sections", {"sections": entries})
        if got is None:
            return
        data = got["data"]
        if [(d["heading"], d["body"]) for d in data] != [(e["heading"], e["body"]) for e in entries]:
            self.problem(f"PUT sections of {a.id} answered content that differs from what was sent")
        a.sections = [Section(d["id"], e["heading"], e["body"]) for d, e in zip(data, entries)]

    def patch_article(self) -> None:
        a = self._owned()
        if a is None:
            return
        payload = {"title": text(self.rng, 1, 120)}
        if self.rng.random() < 0.5:
            payload["subtitle"] = text(self.rng, 1, 100)
        got = self.send("PATCH", f"/api/v1/articles/{a.id}", payload)
        if got is None:
            return
        a.title = payload["title"]
        a.subtitle = payload.get("subtitle", a.subtitle)

    def delete_article(self) -> None:
        live = [a for a in self.state.owned if not a.deleted and not a.uncertain]
        if len(live) < 3:
            return
        a = self.rng.choice(live)
        self.touch = ("delete", a)
        if self.send("DELETE", f"/api/v1/articles/{a.id}", ok=(204,)) is None:
            return
        a.deleted = True

    def view(self) -> None:
        pool = self.hot + [a for a in self.state.owned if not a.deleted and not a.uncertain]
        if not pool:
            return
        a = self.rng.choice(pool)
        self.touch = ("view", id(a))
        got = self.send("POST", f"/api/v1/articles/{a.id}/views", ok=(200,))
        if got is None:
            return
        self.state.views[id(a)] = self.state.views.get(id(a), 0) + 1

    def hot_move(self) -> None:
        if not self.hot:
            return
        a = self.rng.choice(self.hot)
        candidates = a.sections + self.state.hot_added.get(a.id, [])
        s = self.rng.choice(candidates)
        # The article's length changes under other writers: a target past the end is a 422.
        target = self.rng.randint(1, len(a.sections))
        self.send("PATCH", f"/api/v1/sections/{s.id}", {"position": target}, tolerated=(422,))

    def hot_add(self) -> None:
        if not self.hot:
            return
        a = self.rng.choice(self.hot)
        heading, body = text(self.rng, 1, 60), body_text(self.rng)
        payload = {"heading": heading, "body": body}
        if self.rng.random() < 0.5:
            payload["position"] = self.rng.randint(1, len(a.sections))
        self.touch = ("hot_add", a.id, Section(0, heading, body))
        got = self.send("POST", f"/api/v1/articles/{a.id}/sections", payload, ok=(201,))
        if got is None:
            return
        self.state.hot_added.setdefault(a.id, []).append(Section(got["id"], heading, body))

    def hot_delete(self) -> None:
        mine = [(aid, s) for aid, ss in self.state.hot_added.items() for s in ss]
        if not mine:
            return
        aid, s = self.rng.choice(mine)
        self.touch = ("hot_delete", aid, s)
        if self.send("DELETE", f"/api/v1/sections/{s.id}", ok=(204,)) is None:
            return
        self.state.hot_added[aid].remove(s)

    OPERATIONS = [
        (create_article, 10),
        (add_section, 12),
        (move_section, 12),
        (edit_section, 8),
        (delete_section, 6),
        (replace_sections, 4),
        (patch_article, 8),
        (delete_article, 1),
        (view, 16),
        (hot_move, 8),
        (hot_add, 4),
        (hot_delete, 3),
    ]

    def step(self) -> None:
        """One random operation. A request that got no answer (the server died) raises OSError
        after noting which acknowledged state it may have changed."""
        ops, weights = zip(*self.OPERATIONS)
        self.touch = None
        try:
            if not [a for a in self.state.owned if not a.deleted and not a.uncertain]:
                self.create_article()
            else:
                self.rng.choices(ops, weights)[0](self)
        except (OSError, http.client.HTTPException) as error:
            self.state.unanswered += 1
            self._unanswered()
            if isinstance(error, OSError):
                raise
            raise ConnectionError(str(error)) from error

    def _unanswered(self) -> None:
        t = self.touch
        if t is None:
            return
        if t[0] in ("edit", "delete"):
            t[1].uncertain = t[0]
        elif t[0] == "view":
            self.state.views_unknown[t[1]] = self.state.views_unknown.get(t[1], 0) + 1
        elif t[0] == "hot_add":
            self.state.hot_maybe.setdefault(t[1], []).append(t[2])
        elif t[0] == "hot_delete":
            self.state.hot_added[t[1]].remove(t[2])
            self.state.hot_maybe.setdefault(t[1], []).append(t[2])


def verify(client: Client, states: list[WriterState], hot: list[Article]) -> tuple[int, int, list[str]]:
    """Checks every acknowledged write against the server.

    Returns (articles checked exactly, articles whose last write got no answer and were checked
    loosely, problems). Exact: title, subtitle, every section (id, heading, body) in order,
    positions 1..n, view_count. Loose (a write in flight when the server died): the article is
    there (or gone, if the lost write was its deletion), positions are 1..n, the view count lies
    between the acknowledged views and those plus the unanswered ones.
    """
    problems: list[str] = []
    exact = loose = 0
    views: dict[int, int] = {}
    unknown: dict[int, int] = {}
    for st in states:
        for aid, n in st.views.items():
            views[aid] = views.get(aid, 0) + n
        for aid, n in st.views_unknown.items():
            unknown[aid] = unknown.get(aid, 0) + n

    def check_views(label: str, a: Article, got: int) -> None:
        low, high = views.get(id(a), 0), views.get(id(a), 0) + unknown.get(id(a), 0)
        if not low <= got <= high:
            problems.append(f"{label} {a.id}: view_count {got}, acknowledged views {low}"
                            + (f" (+{high - low} unanswered)" if high > low else ""))

    def fetch(aid: int):
        status, _, body = client.request("GET", f"/api/v1/articles/{aid}?format=markdown")
        return status, body

    # SQLite reuses the id of a deleted article when it was the highest one (no AUTOINCREMENT):
    # a later article may legitimately answer at a deleted one's id.
    live_ids = {a.id for st in states for a in st.owned if not a.deleted}
    for st in states:
        for a in st.owned:
            status, body = fetch(a.id)
            if a.deleted:
                if status != 404 and a.id not in live_ids:
                    problems.append(f"article {a.id} was deleted (204) but GET answers {status}")
                exact += 1
                continue
            if a.uncertain == "delete" and status == 404:
                loose += 1
                continue
            if status != 200:
                problems.append(f"article {a.id} was acknowledged (201) but GET answers {status}: {body}")
                continue
            bad = check_positions(body["sections"])
            if bad:
                problems.append(f"article {a.id}: {bad}")
            check_views("article", a, body["view_count"])
            if a.uncertain:
                loose += 1
                continue
            if body["title"] != a.title or body["subtitle"] != a.subtitle:
                problems.append(f"article {a.id}: title/subtitle {body['title']!r}/{body['subtitle']!r}, "
                                f"acknowledged {a.title!r}/{a.subtitle!r}")
            got = [(s["id"], s["heading"], s["body"]) for s in body["sections"]]
            want = [(s.id, s.heading, s.body) for s in a.sections]
            if got != want:
                problems.append(f"article {a.id}: sections differ from the acknowledged ones:\n"
                                f"    got  {[(i, h[:20]) for i, h, _ in got]}\n"
                                f"    want {[(i, h[:20]) for i, h, _ in want]}")
            exact += 1
    for a in hot:
        status, body = fetch(a.id)
        if status != 200:
            problems.append(f"hot article {a.id}: GET answers {status}")
            continue
        want = {(s.id, s.heading, s.body) for s in a.sections}
        maybe = set()
        for st in states:
            want |= {(s.id, s.heading, s.body) for s in st.hot_added.get(a.id, [])}
            maybe |= {(s.heading, s.body) for s in st.hot_maybe.get(a.id, [])}
        got = {(s["id"], s["heading"], s["body"]) for s in body["sections"]}
        missing = want - got
        extra = {g for g in got - want if (g[1], g[2]) not in maybe}
        if missing or extra:
            problems.append(f"hot article {a.id}: acknowledged sections missing {sorted(i for i, _, _ in missing)}, "
                            f"unacknowledged present {sorted(i for i, _, _ in extra)}")
        bad = check_positions(body["sections"])
        if bad:
            problems.append(f"hot article {a.id}: {bad}")
        check_views("hot article", a, body["view_count"])
        exact += 1
    return exact, loose, problems


def make_hot(client: Client, rng: random.Random, category_id: int, count: int) -> list[Article]:
    """Creates the shared articles, five sections each."""
    hot = []
    for i in range(count):
        sections = [{"heading": f"Hot {i}.{j}", "body": body_text(rng)} for j in range(1, 6)]
        status, _, body = client.request("POST", "/api/v1/articles", {
            "title": f"Hot article {i}", "category_id": category_id, "status": "published",
            "sections": sections,
        })
        if status != 201:
            raise RuntimeError(f"creating a hot article answered {status}: {body}")
        hot.append(Article(body["id"], body["title"], body["subtitle"],
                           [Section(s["id"], s["heading"], s["body"]) for s in body["sections"]]))
    return hot
