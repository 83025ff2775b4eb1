#!/usr/bin/env bash
# Every list shape the query language allows, one after the other, in page mode with totals
# (issue 16): each sort field in both directions, a deep page, cursor pages, every filterable
# field with a typical operator, `contains`/`starts_with` and combinations of filters, sorts and
# a category. Serves a scratch copy of the imported data set (ARTICLES=100000 by default; the
# binary migrates it), anonymous reads, the response cache off, wrk -t2 -c16 for BENCH_SECONDS
# (5) per shape. The values come from the data set itself: the category and title of its
# newest article.
#   bash bench/list_shapes.sh
#   BENCH_BIN=<binary> ARTICLES=10000 bash bench/list_shapes.sh
# SHAPES_MATCHING=<extended regex> runs only the shapes it matches, e.g. 'category|view_count'.
# BENCH_PG_URL=postgres://… runs them on PostgreSQL (bench/common.sh).
source "$(dirname "$0")/common.sh"
articles=${ARTICLES:-100000}
export BENCH_SECONDS=${BENCH_SECONDS:-5}
export HEALTHHUB_RESPONSE_CACHE_BYTES=0
need_wrk
build_release
db=$(database "$articles")
if [ -n "$pg_url" ]; then
    pg "DROP DATABASE IF EXISTS bench_shapes WITH (FORCE)"
    pg "CREATE DATABASE bench_shapes TEMPLATE bench_$articles"
    run_db=$(pg_database bench_shapes)
    trap 'stop_servers; pg "DROP DATABASE IF EXISTS bench_shapes WITH (FORCE)" || true' EXIT
else
    run_db=$work/shapes-$articles.db
    rm -f "$run_db" "$run_db-wal" "$run_db-shm"
    cp "$db" "$run_db"
    [ ! -e "$db-wal" ] || cp "$db-wal" "$run_db-wal"
    sync
    trap 'stop_servers; rm -f "$run_db" "$run_db-wal" "$run_db-shm"' EXIT
fi
start_server "$run_db"

newest=$(curl -sf "$base/api/v1/articles?per_page=1")
category=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["data"][0]["category"]["slug"])' <<<"$newest")
title=$(python3 -c 'import json,sys,urllib.parse; print(urllib.parse.quote(json.load(sys.stdin)["data"][0]["title"]))' <<<"$newest")
first_word=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["data"][0]["title"].split()[0])' <<<"$newest")

shapes=(
    ""
    "sort=published_at"
    "sort=-updated_at" "sort=updated_at"
    "sort=title" "sort=-title"
    "sort=slug" "sort=-slug"
    "sort=-view_count" "sort=view_count"
    "sort=id" "sort=-id"
    "sort=-view_count,title"
    "page=50"
    "sort=title&page=50"
    "category=$category"
    "category=$category&sort=title"
    "category=$category&sort=-view_count"
    "filter[category][ne]=$category"
    "filter[published_at][gte]=2025-01-01"
    "filter[published_at][gte]=2025-01-01&category=$category"
    "filter[published_at][gte]=2025-01-01&sort=title"
    "filter[updated_at][lt]=2000-01-01"
    "filter[view_count][gt]=5000"
    "filter[view_count][gt]=5000&sort=-view_count"
    "filter[view_count][in]=1,2,3"
    "filter[title][eq]=$title"
    "filter[title][ne]=x"
    "filter[title][contains]=sleep"
    "filter[title][starts_with]=$first_word"
    "filter[slug][contains]=stress"
    "filter[slug][starts_with]=how"
    "filter[status][eq]=published"
    "filter[title][contains]=sleep&category=$category"
    "filter[title][contains]=sleep&sort=title"
    "filter[title][contains]=sleep&sort=-view_count"
    "filter[title][contains]=sleep&filter[published_at][gte]=2025-01-01"
)
echo "articles: $articles; machine: $(nproc) cores; wrk -t2 -c16 -d${BENCH_SECONDS}s; GET /api/v1/articles?per_page=20&…"
matching=${SHAPES_MATCHING:-}
for shape in "${shapes[@]}"; do
    [[ -z $matching || $shape =~ $matching ]] || continue
    # wrk's URL parser takes no brackets: percent-encoded, as clients send them.
    encoded=${shape//\[/%5B}
    encoded=${encoded//\]/%5D}
    url="$base/api/v1/articles?per_page=20${encoded:+&$encoded}"
    total=$(curl -sf "$url" | python3 -c 'import json,sys; print(json.load(sys.stdin)["meta"]["total"])')
    run_wrk "${shape:-(newest first)} [total $total]" "$url"
done
for sort in title -view_count -updated_at; do
    [[ -z $matching || "limit=20&sort=$sort" =~ $matching ]] || continue
    run_wrk "limit=20&sort=$sort (cursor, no total)" "$base/api/v1/articles?limit=20&sort=$sort"
done
