#!/usr/bin/env python3
"""Differential check of list answers: sends the same random list queries to two servers (say,
two binaries each serving a copy of one data set) and reports every answer that differs in
status or body. Random sorts of up to three keys, up to two filters (view_count, updated_at,
published_at, category, title, slug), page or cursor paging, and up to two further cursor pages.
The filter values suit the generated data sets (bench/common.sh).

    python3 bench/compare_lists.py http://127.0.0.1:18191 http://127.0.0.1:18192 [SEED] [QUERIES]

Exit status 1 when any answer differs."""
import json
import random
import sys
import urllib.error
import urllib.request

FIELDS = ["published_at", "updated_at", "title", "slug", "view_count", "id"]
FILTERS = {
    "view_count_gt": lambda: f"filter[view_count][gt]={random.choice([0, 10, 100, 1000, 3000, 5000, 8000, 20000])}",
    "view_count_lt": lambda: f"filter[view_count][lt]={random.choice([1, 5, 50, 500, 5000])}",
    "view_count_in": lambda: f"filter[view_count][in]={random.randint(0, 200)},{random.randint(0, 200)}",
    "view_count_eq": lambda: f"filter[view_count][eq]={random.randint(0, 300)}",
    "updated_at_gt": lambda: f"filter[updated_at][gt]={random.choice(['2026-12-07', '2020-01-01', '2026-12-08'])}",
    "updated_at_lt": lambda: f"filter[updated_at][lt]={random.choice(['2026-12-07T07:23:05Z', '2020-01-01', '2026-12-08'])}",
    "published_at_gte": lambda: f"filter[published_at][gte]={random.choice(['2025-01-01', '2024-06-01', '2026-01-01'])}",
    "published_at_lt": lambda: f"filter[published_at][lt]={random.choice(['2020-01-01', '2023-01-01'])}",
    "category": lambda: f"category={random.choice(['aging-well', 'pregnancy', 'sleep'])}",
    "category_ne": lambda: "filter[category][ne]=aging-well",
    "title_contains": lambda: f"filter[title][contains]={random.choice(['sleep', 'stress', 'Is', 'a'])}",
    "title_starts_with": lambda: f"filter[title][starts_with]={random.choice(['Is', 'How', 'Why'])}",
    "slug_contains": lambda: f"filter[slug][contains]={random.choice(['stress', 'sleep-1'])}",
}


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def random_query():
    params = []
    keys = random.sample(FIELDS, random.choice([0, 1, 1, 2, 3]))
    if keys:
        params.append("sort=" + ",".join(("-" if random.random() < 0.5 else "") + k for k in keys))
    for _ in range(random.choice([0, 1, 1, 2])):
        param = random.choice(list(FILTERS.values()))()
        if param.split("=")[0] not in [p.split("=")[0] for p in params]:
            params.append(param)
    if random.random() < 0.5:
        params.append(f"per_page={random.choice([1, 5, 20, 100])}&page={random.choice([1, 2, 7, 50])}")
    else:
        params.append(f"limit={random.choice([1, 20, 100])}")
    return "&".join(params)


def main():
    first, second = sys.argv[1], sys.argv[2]
    random.seed(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    queries = int(sys.argv[4]) if len(sys.argv) > 4 else 150
    sent = with_rows = differing = 0
    for _ in range(queries):
        query = random_query()
        for _ in range(3):
            status_a, body_a = get(f"{first}/api/v1/articles?{query}")
            status_b, body_b = get(f"{second}/api/v1/articles?{query}")
            sent += 1
            with_rows += bool(status_a == 200 and body_a.get("data"))
            if (status_a, body_a) != (status_b, body_b):
                differing += 1
                print("DIFFERS", status_a, status_b, query)
                break
            cursor = body_a.get("meta", {}).get("next_cursor")
            if not cursor:
                break
            query = query.split("&after=")[0] + "&after=" + cursor
    print(f"{sent} queries, {with_rows} with rows, {differing} differing")
    sys.exit(1 if differing else 0)


if __name__ == "__main__":
    main()
