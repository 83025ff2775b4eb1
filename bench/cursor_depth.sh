#!/usr/bin/env bash
# Is a deep page as cheap as the first? Serves a 100 000-article archive (override with
# ARTICLES) and measures, with wrk, page 1 of the list, the page at cursor depth 1 000 (reached
# by following meta.next_cursor), and — for contrast — the same depth by OFFSET (page=1000).
#   bash bench/cursor_depth.sh
source "$(dirname "$0")/common.sh"
articles=${ARTICLES:-100000}
need_wrk
build_release
db=$(database "$articles")
start_server "$db"

list="$base/api/v1/articles?limit=20&include="
after=""
for _ in $(seq 1 999); do
    after=$(curl -sf "$list${after:+&after=$after}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["meta"]["next_cursor"])')
done
depth_url="$list&after=$after"
echo "articles: $articles; machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; wrk -t2 -c${BENCH_CONNECTIONS:-16} -d${BENCH_SECONDS:-10}s"
run_wrk "cursor page 1 (limit=20)" "$list"
run_wrk "cursor page 1000 (after=…)" "$depth_url"
run_wrk "offset page 1 (page=1&per_page=20)" "$base/api/v1/articles?page=1&per_page=20&include="
run_wrk "offset page 1000 (page=1000&per_page=20)" "$base/api/v1/articles?page=1000&per_page=20&include="
