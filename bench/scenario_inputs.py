#!/usr/bin/env python3
"""Inputs of bench/scenarios.sh, gathered from a running server once before the measurements.

Writes the slug list and the search-word list the wrk script draws from, and prints
`key=value` lines: the visible (published) article count, the mean size of a single-article
response, the category with the most articles and a deep cursor into its list, and the status of
one trial creation and one trial view (so a wrong body or token shows before wrk runs).

    python3 bench/scenario_inputs.py BASE_URL OUT_PREFIX --dataset FILE [--slugs 10000]
        [--depth 1000] [--token T]
"""
import argparse
import json
import random
import re
import statistics
import sys
import urllib.error
import urllib.parse
import urllib.request

# Content words of the generator's vocabulary (gen_dataset.py WORDS and TOPICS): frequent words,
# not function words. Each is looked up in the data-set file (not through the API: a search can
# take seconds); a word absent from its first 20 MB is dropped.
SEARCH_WORDS = """
sleep stress anxiety fatigue energy research study doctor symptoms health emotional hormones
cortisol heart blood pressure habits routine diet exercise water therapy treatment empathy
crying tears mood depression nervous immune inflammation microbiome nutrients vitamins minerals
protein fiber sugar caffeine alcohol smoking walking breathing relaxation mindfulness chronic
insomnia headaches burnout migraines posture motivation caffeine hydration
""".split()


def get(url):
    """(status, body bytes) of a GET."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def post(url, body, token=None):
    """(status, body bytes) of a POST with an optional JSON body."""
    headers = {}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data if data is not None else b"", headers=headers,
                                     method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def get_json(url):
    status, body = get(url)
    if status != 200:
        sys.exit(f"GET {url}: {status} {body[:300]!r}")
    return json.loads(body)


def all_slugs(base):
    """Every article an anonymous reader sees, by walking the cursor list."""
    slugs = []
    after = None
    while True:
        url = f"{base}/api/v1/articles?fields=slug&include=&limit=100"
        if after:
            url += "&after=" + urllib.parse.quote(after)
        page = get_json(url)
        slugs.extend(item["slug"] for item in page["data"])
        after = page["meta"]["next_cursor"]
        if not after:
            return slugs


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("base")
    ap.add_argument("out_prefix")
    ap.add_argument("--slugs", type=int, default=10000)
    ap.add_argument("--depth", type=int, default=1000)
    ap.add_argument("--dataset", required=True)
    ap.add_argument("--token")
    ap.add_argument("--read-only", action="store_true",
                    help="no trial view or creation: the database is the data set itself")
    ap.add_argument("--seed", type=int, default=5)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    out = {}

    slugs = all_slugs(a.base)
    out["published"] = len(slugs)
    chosen = rng.sample(slugs, min(a.slugs, len(slugs)))
    slugs_file = f"{a.out_prefix}slugs.txt"
    with open(slugs_file, "w") as f:
        f.write("\n".join(urllib.parse.quote(s) for s in chosen) + "\n")
    out["slugs_file"] = slugs_file
    out["slug_count"] = len(chosen)

    # Scenario 1: the default single-article response must carry sections and category.
    sizes = []
    suffix = ""
    for slug in chosen[:20]:
        status, body = get(f"{a.base}/api/v1/articles/{slug}{suffix}")
        if status != 200:
            sys.exit(f"GET article {slug}: {status} {body[:300]!r}")
        doc = json.loads(body)
        if not suffix and not (doc.get("sections") and doc.get("category")):
            suffix = "?include=category,breadcrumbs,sections"
            status, body = get(f"{a.base}/api/v1/articles/{slug}{suffix}")
            doc = json.loads(body)
        sizes.append(len(body))
        out["s1_sections"] = len(doc.get("sections") or [])
    out["s1_suffix"] = suffix
    out["s1_bytes"] = round(statistics.mean(sizes))
    out["s1_bytes_min"] = min(sizes)
    out["s1_bytes_max"] = max(sizes)

    # Scenario 2: the category with the most (directly filed) articles, and a deep cursor.
    best = None
    for category in get_json(f"{a.base}/api/v1/categories")["data"]:
        page = get_json(f"{a.base}/api/v1/articles?category={category['slug']}"
                        "&limit=1&count=true&fields=id&include=")
        total = page["meta"]["total"]
        if best is None or total > best[2]:
            best = (category["slug"], category["id"], total)
    out["category_slug"], out["category_id"], out["category_total"] = best
    list_url = f"{a.base}/api/v1/articles?category={best[0]}&limit=20"
    cursor, depth = "", 1
    while depth < a.depth:
        page = get_json(list_url + (f"&after={urllib.parse.quote(cursor)}" if cursor else ""))
        following = page["meta"]["next_cursor"]
        if not following:
            break
        cursor, depth = following, depth + 1
    out["deep_cursor"] = urllib.parse.quote(cursor)
    out["deep_depth"] = depth

    # Scenario 3: words present in the data set.
    with open(a.dataset, encoding="utf-8", errors="replace") as f:
        present = set(re.findall(r"\w+", f.read(20_000_000).lower()))
    words = [word for word in dict.fromkeys(SEARCH_WORDS) if word in present]
    words_file = f"{a.out_prefix}words.txt"
    with open(words_file, "w") as f:
        f.write("\n".join(words) + "\n")
    out["words_file"] = words_file
    out["word_count"] = len(words)

    # Scenarios 4 and 5: one trial view and one trial creation.
    if a.read_only:
        out["trial_view"] = "skipped (read-only)"
        for key, value in out.items():
            print(f"{key}={value}")
        return
    status, body = post(f"{a.base}/api/v1/articles/{chosen[0]}/views", None)
    out["trial_view"] = status
    if status != 200:
        print(f"trial view: {status} {body[:500]!r}", file=sys.stderr)
    if a.token:
        article = {
            "title": "Benchmark trial article",
            "slug": f"bench-trial-{rng.randrange(10**9)}",
            "subtitle": "Written by the benchmark.",
            "category_id": best[1],
            "sections": [{"heading": f"Section {i}", "body": "Some words. " * 100}
                         for i in range(1, 6)],
        }
        status, body = post(f"{a.base}/api/v1/articles", article, a.token)
        out["trial_create"] = status
        if status != 201:
            print(f"trial creation: {status} {body[:500]!r}", file=sys.stderr)
        else:
            out["trial_create_sections"] = len(json.loads(body).get("sections") or [])

    for key, value in out.items():
        print(f"{key}={value}")


if __name__ == "__main__":
    main()
