#!/usr/bin/env bash
# The load scenarios of issue 5 on one server over an imported data set (ARTICLES=100000 by
# default), each for BENCH_SECONDS (10) at BENCH_CONNECTIONS (16), wrk with 2 threads:
#   ceiling    bare actix-web (examples/ceiling.rs) serving a body the size of a scenario-1 response
#   1          GET /api/v1/articles/{slug}, random published slugs (server RSS recorded right after)
#   2a         GET /api/v1/articles?category=<largest>&per_page=20 (page mode: counts the total)
#   2a-cursor  GET /api/v1/articles?category=<largest>&limit=20 (cursor mode, page 1)
#   2b         the same cursor list DEPTH (1000) pages deep, or its last page if it has fewer
#   2c         GET /api/v1/articles?filter[title][contains]=<random word of scenario 3>&per_page=20
#              (page mode: counts the total)
#   3          GET /api/v1/search?q=<random common word> at SEARCH_CONNECTIONS (16)
#   4          POST /api/v1/articles/{slug}/views, random slugs
#   4+1        scenarios 4 and 1 at once (two wrk processes)
#   5          POST /api/v1/articles with five sections, at 1 and at 16 connections
#   6          90 % scenario-1 reads, 10 % scenario-5 creations (WRITE_PERCENT)
#   7          writes after a read-heavy period: scenario 4+1, then STALL_SECONDS (60) of
#              sequential scenario-5 creations, each timed (bench/creation_latency.py: p50, p99,
#              p99.9, max, creations over 100 ms), then scenario 5 at 16 connections
#   8          the same timed sequential creations from the server's start, nothing before (run it
#              alone: SCENARIOS=8)
# Pick some with SCENARIOS, e.g.  SCENARIOS="ceiling 1" bash bench/scenarios.sh
# Every run works on a scratch copy of the imported database (deleted at the end unless
# KEEP_DB=1), so writes never reach the data set of the next run; within a run the writing
# scenarios come last, and scenario 5 creates drafts, which anonymous reads never see.
# IN_PLACE=1 serves the imported database itself, for the read scenarios only (ceiling 1 1again
# 2a 2a-cursor 2b 3), when a copy does not fit on the disk (the 1 000 000-article run).
# 1again runs scenario 1 a second time on the same server: with the response cache, a warm one.
# The ceiling is measured with the same wrk script and paths as scenario 1 (it answers any
# path), so the client's own work is the same on both sides of the ratio.
# Results also go to target/bench/scenarios-<articles>-<time>.tsv (BENCH_DIR).
# BENCH_PG_URL=postgres://… runs them on PostgreSQL (bench/common.sh): the same scenarios over a
# copy of the data set imported there; BENCH_NODES=3 with it serves through nginx from three nodes.
# Each line also gives the CPU the servers, PostgreSQL and nginx used during it, in cores.
#
# Response cache: once the server has one, run scenario 1 both with it and without it
#   SCENARIOS=1 bash bench/scenarios.sh && RESPONSE_CACHE_BYTES=0 SCENARIOS=1 bash bench/scenarios.sh
# RESPONSE_CACHE_BYTES is passed to the server as HEALTHHUB_RESPONSE_CACHE_BYTES only when set.
#
# Compressed answers: BENCH_ENCODING=br (or gzip) sends `Accept-Encoding: <it>` with every
# request, and the ceiling then serves, as stored bytes, the compressed body of one scenario-1
# article fetched from the API:
#   BENCH_ENCODING=br RESPONSE_CACHE_BYTES=268435456 SCENARIOS="ceiling 1 1again" bash bench/scenarios.sh
source "$(dirname "$0")/common.sh"
articles=${ARTICLES:-100000}
seconds=${BENCH_SECONDS:-10}
connections=${BENCH_CONNECTIONS:-16}
search_connections=${SEARCH_CONNECTIONS:-16}
write_percent=${WRITE_PERCENT:-10}
depth=${DEPTH:-1000}
scenarios=" ${SCENARIOS:-ceiling 1 1again 2a 2a-cursor 2b 2c 3 4 4+1 5 7 6} "
lua=$root/bench/scenarios.lua
ceiling_bin=${CEILING_BIN:-$root/target/release/examples/ceiling}
ceiling_port=${CEILING_PORT:-$((port + 1))}
secret=bench-secret-bench-secret-bench-secret
if [ -n "${RESPONSE_CACHE_BYTES+set}" ]; then
    export HEALTHHUB_RESPONSE_CACHE_BYTES=$RESPONSE_CACHE_BYTES
fi

wants() { [[ $scenarios == *" $1 "* ]]; }

need_wrk
build_release
if wants ceiling && [ -z "${CEILING_BIN:-}" ]; then
    (cd "$root" && cargo build --release --quiet --example ceiling)
fi
db=$(database "$articles")

if [ -n "${IN_PLACE:-}" ]; then
    for scenario in $scenarios; do
        case $scenario in
            ceiling | 1 | 1again | 2a | 2a-cursor | 2b | 2c | 3) ;;
            *) echo "IN_PLACE=1 runs read scenarios only, not $scenario" >&2; exit 2 ;;
        esac
    done
    run_db=$db token="" read_only=(--read-only)
elif [ -n "$pg_url" ]; then
    # A scratch copy per run (PostgreSQL: a database made from the imported one as a template).
    pg "DROP DATABASE IF EXISTS bench_scratch WITH (FORCE)"
    pg "CREATE DATABASE bench_scratch TEMPLATE bench_$articles"
    run_db=$(pg_database bench_scratch)
    token=$(DATABASE_URL="$run_db" JWT_SECRET=$secret "$bin" --no-demo token create \
        --subject bench --scopes content:write --ttl 1d)
    read_only=()
else
    # A scratch copy per run: the writes of this run never reach the imported data set.
    run_db=$work/scenarios-$articles.db
    rm -rf "$run_db" "$run_db-wal" "$run_db-shm" "$run_db.search"
    cp "$db" "$run_db"
    [ ! -e "$db-wal" ] || cp "$db-wal" "$run_db-wal"
    # The ranked-search index built beside the imported set (by the first run), if any.
    [ ! -d "$db.search" ] || cp -r "$db.search" "$run_db.search"
    token=$(DATABASE_URL="$run_db" JWT_SECRET=$secret "$bin" --no-demo token create \
        --subject bench --scopes content:write --ttl 1d)
    read_only=()
fi

ceiling_pid=""
cleanup() {
    stop_servers
    [ -z "$ceiling_pid" ] || kill "$ceiling_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    if [ -n "$pg_url" ]; then
        [ -n "${KEEP_DB:-}" ] || pg "DROP DATABASE IF EXISTS bench_scratch WITH (FORCE)" || true
    else
        [ -n "${KEEP_DB:-}" ] || [ -n "${IN_PLACE:-}" ] || rm -rf "$run_db" "$run_db-wal" "$run_db-shm" "$run_db.search"
    fi
}
serve() {
    local built
    built=$(grep -c 'ranked-search index is up to date' "$server_log" 2>/dev/null || true)
    start_server "$run_db" 2>>"$server_log"
    trap cleanup EXIT
    wait_for_search_index "${built:-0}"
}
# wait_for_search_index N: waits (up to 30 min) until the server log says the ranked-search index
# is up to date for the (N+1)th time, so that no scenario measures searches ranked by SQL while it
# is built; the first build of a SQLite set is kept beside it for the next runs.
wait_for_search_index() {
    [ "${HEALTHHUB_SEARCH_INDEX:-}" != off ] || return 0
    local started=$SECONDS
    local now
    while now=$(grep -c 'ranked-search index is up to date' "$server_log" 2>/dev/null || true)
          [ "${now:-0}" -le "$1" ]; do
        if [ $((SECONDS - started)) -ge 1800 ] || grep -q 'ranked-search index could not' "$server_log"; then
            echo "the ranked-search index was not built" >&2
            return 1
        fi
        sleep 0.5
    done
    echo "ranked-search index up to date after $((SECONDS - started)) s"
    if [ -z "$pg_url" ] && [ -n "${run_db:-}" ] && [ "$run_db" != "$db" ] && [ ! -d "$db.search" ]; then
        cp -r "$run_db.search" "$db.search"
    fi
}
stop_server() {
    stop_servers
}

# The copy leaves gigabytes of dirty pages: written back now, not during the first scenario.
sync

stamp=$(date -u +%Y%m%dT%H%M%SZ)
run_id=$(date +%s)
server_log=$work/scenarios-$articles-$stamp.server.log
inputs=$work/scenarios-$articles-
results=$work/scenarios-$articles-$stamp.tsv
printf 'scenario\tconnections\tseconds\treq_per_s\tp50_ms\tp99_ms\trequests\tnon_2xx_3xx\tsocket_errors\tserver_cores\tpostgres_cores\tnginx_cores\n' >"$results"

# Inputs from the API itself, on a server that is then restarted (scenario 1 meets a fresh one).
serve
python3 "$root/bench/scenario_inputs.py" "$base" "$inputs" --dataset "$(dataset "$articles")" \
    --depth "$depth" ${token:+--token "$token"} "${read_only[@]}" \
    >"${inputs}inputs.txt" || { echo "gathering the inputs failed" >&2; exit 1; }
declare -A input
while IFS='=' read -r key value; do
    input[$key]=$value
done <"${inputs}inputs.txt"
encoding=${BENCH_ENCODING:-}
encoded_body=${inputs}s1-body.$encoding
if [ -n "$encoding" ]; then
    curl -sf -H "Accept-Encoding: $encoding" -o "$encoded_body" -D "$encoded_body.headers" \
        "$base/api/v1/articles/$(head -n 1 "${input[slugs_file]}")${input[s1_suffix]}"
    grep -qi "^content-encoding: $encoding" "$encoded_body.headers" ||
        { echo "the API did not answer in $encoding" >&2; exit 1; }
fi
stop_server

load() { awk '{print $1, $2, $3}' /proc/loadavg; }
commit=$(git -C "$root" rev-parse --short HEAD)
git -C "$root" diff --quiet HEAD -- src Cargo.toml Cargo.lock migrations || commit="$commit+changes"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM; load average $(load)"
echo "commit: $commit; binary: $bin"
if [ -n "$pg_url" ]; then
    echo "database: PostgreSQL $(pg "SHOW server_version"), shared_buffers $(pg "SHOW shared_buffers"), synchronous_commit $(pg "SHOW synchronous_commit"), fsync $(pg "SHOW fsync")"
else
    echo "database: SQLite"
fi
if [ "$nodes" -gt 1 ]; then
    echo "servers: $nodes nodes behind nginx (round robin, keep-alive); RSS figures are the first node's"
fi
echo "data set: $articles articles (${input[published]} visible to anonymous readers), database copy $run_db"
echo "wrk: 2 threads (1 at 1 connection), -c$connections -d${seconds}s --timeout ${WRK_TIMEOUT:-10s} --latency; search at -c$search_connections"
echo "response cache: HEALTHHUB_RESPONSE_CACHE_BYTES=${HEALTHHUB_RESPONSE_CACHE_BYTES-<server default>}"
[ -z "$encoding" ] || echo "every request: Accept-Encoding: $encoding (one scenario-1 body in it: $(stat -c %s "$encoded_body") B)"
echo "scenario 1: ${input[slug_count]} random slugs, default shape${input[s1_suffix]:+ plus ${input[s1_suffix]}} (${input[s1_sections]} sections and category in the response), mean body ${input[s1_bytes]} B (${input[s1_bytes_min]}–${input[s1_bytes_max]})"
echo "scenario 2: category '${input[category_slug]}' (${input[category_total]} articles); deep cursor at page ${input[deep_depth]}"
echo "scenario 3: ${input[word_count]} words ($(head -c 60 "${input[words_file]}" | tr '\n' ' ')…)"
echo "trial requests: view ${input[trial_view]}, creation ${input[trial_create]:-none} (${input[trial_create_sections]:-?} sections)"
echo "results: $results"
echo

# to_ms VALUE: wrk's 850.00us / 1.23ms / 2.01s / 1.00m in milliseconds
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
        f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : -1
        if (f < 0) print "?"; else printf "%.2f", n * f }'
}

# wrk_to FILE CONNECTIONS PATH [LUA ARGUMENTS…]: one wrk run, its report in FILE
wrk_to() {
    local file=$1 c=$2 path=$3
    shift 3
    local threads=$((c < 2 ? c : 2))
    local script=()
    [ $# -eq 0 ] || script=(-s "$lua")
    local header=()
    [ -z "$encoding" ] || header=(-H "Accept-Encoding: $encoding")
    wrk -t"$threads" -c"$c" -d"${seconds}s" --timeout "${WRK_TIMEOUT:-10s}" --latency "${header[@]}" "${script[@]}" "$base$path" \
        ${1:+--} "$@" >"$file" 2>&1
}

declare -A rps
# report NAME CONNECTIONS FILE [CPU]: one line (and one results row) from a wrk report; CPU is
# cpu_since's "SERVERS POSTGRES NGINX" cores over the run
report() {
    local name=$1 c=$2 out cpu
    read -r -a cpu <<<"${4:-- - -}"
    out=$(cat "$3")
    local r p50 p99 requests non2xx socket flag=""
    r=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p50=$(to_ms "$(awk '$1=="50%" {print $2}' <<<"$out")")
    p99=$(to_ms "$(awk '$1=="99%" {print $2}' <<<"$out")")
    requests=$(awk '/requests in/ {print $1}' <<<"$out")
    non2xx=$(awk '/Non-2xx or 3xx responses/ {print $NF}' <<<"$out")
    socket=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' <<<"$out")
    non2xx=${non2xx:-0} socket=${socket:-0}
    if [ -z "$r" ]; then
        flag="  !! wrk failed: $(tr '\n' ' ' <<<"$out")"
    elif [ "${requests:-0}" = 0 ]; then
        flag="  !! NO REQUEST COMPLETED"
    elif [ "$non2xx" != 0 ] || [ "$socket" != 0 ]; then
        flag="  !! ERRORS (rerun with STATUS_DETAIL=1 for a sample)"
    fi
    rps[$name]=${r:-0}
    printf '%-34s c=%-3s %9s req/s   p50 %8s ms   p99 %8s ms   non-2xx %s, socket errors %s   cores: server %s, postgres %s, nginx %s%s\n' \
        "$name" "$c" "${r:-?}" "$p50" "$p99" "$non2xx" "$socket" "${cpu[0]}" "${cpu[1]}" "${cpu[2]}" "$flag"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$c" "$seconds" "${r:-}" "$p50" "$p99" \
        "${requests:-}" "$non2xx" "$socket" "${cpu[0]}" "${cpu[1]}" "${cpu[2]}" >>"$results"
    # The slowest requests (scenarios run with the Lua script), for the writes' stall targets.
    grep -E '^latency tail:' <<<"$out" | sed "s/^/    $name c=$c: /" || true
    if [ -n "${STATUS_DETAIL:-}" ] && [ -n "$flag" ]; then
        grep -E '^(status counts|first error)' <<<"$out" | sed 's/^/    /' || true
    fi
}

# run NAME CONNECTIONS PATH [LUA ARGUMENTS…]
run() {
    local name=$1 c=$2
    local file before
    file=$(mktemp)
    before=$(cpu_now)
    wrk_to "$file" "$c" "${@:3}"
    report "$name" "$c" "$file" "$(cpu_since "$before")"
    rm -f "$file"
}

# timed_creations LABEL RUN [SECONDS]: sequential creations on one connection for SECONDS
# (default $seconds), every one timed by bench/creation_latency.py; prints its line and the CPU
# used
timed_creations() {
    local before
    before=$(cpu_now)
    python3 "$root/bench/creation_latency.py" "$base" "$token" "${input[category_id]}" \
        "${3:-$seconds}" "$2" "$1" || echo "$1: some creations failed" >&2
    echo "$1: cores used (server / postgres / nginx): $(cpu_since "$before")"
}

detail=${STATUS_DETAIL:+detail=1}
read_args=(mode=get "list=${input[slugs_file]}" prefix=/api/v1/articles/ "suffix=${input[s1_suffix]}" $detail)
view_args=(mode=post "list=${input[slugs_file]}" prefix=/api/v1/articles/ suffix=/views $detail)
create_args=(mode=create "token=$token" "category=${input[category_id]}" $detail)

if wants ceiling; then
    if [ -n "$encoding" ]; then
        ceiling_body=("@$encoded_body" "$encoding")
        ceiling_name="ceiling ($(stat -c %s "$encoded_body") B $encoding body)"
    else
        ceiling_body=("${input[s1_bytes]}")
        ceiling_name="ceiling (${input[s1_bytes]} B static body)"
    fi
    "$ceiling_bin" "127.0.0.1:$ceiling_port" "${ceiling_body[@]}" 2>/dev/null &
    ceiling_pid=$!
    for _ in $(seq 1 50); do
        curl -sf "http://127.0.0.1:$ceiling_port/" >/dev/null && break
        sleep 0.1
    done
    file=$(mktemp)
    base_saved=$base base="http://127.0.0.1:$ceiling_port"
    wrk_to "$file" "$connections" / "${read_args[@]}"
    base=$base_saved
    report "$ceiling_name" "$connections" "$file"
    rm -f "$file"
    kill "$ceiling_pid"
    wait "$ceiling_pid" 2>/dev/null || true
    ceiling_pid=""
fi

# drain: waits until a single-article read is quick again (requests wrk gave up on, e.g. slow
# searches, still hold the read connections for a while) and says how long that took.
drain() {
    local started=$SECONDS slug
    slug=$(head -n 1 "${input[slugs_file]}")
    # Few probes: each one the server cannot answer in time waits in its queue too.
    until curl -sf --max-time 2 -o /dev/null "$base/api/v1/articles/$slug"; do
        if ((SECONDS - started > ${DRAIN_SECONDS:-600})); then
            echo "!! the server is still busy after ${DRAIN_SECONDS:-600} s" >&2
            return 0
        fi
        sleep 10
    done
    # PostgreSQL runs what the server abandoned until it ends or meets the statement timeout.
    while [ -n "$pg_url" ] && [ "$(pg "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND backend_type = 'client backend' AND pid <> pg_backend_pid()")" != 0 ]; do
        if ((SECONDS - started > ${DRAIN_SECONDS:-600})); then
            echo "!! PostgreSQL is still busy after ${DRAIN_SECONDS:-600} s" >&2
            return 0
        fi
        sleep 1
    done
    ((SECONDS - started < 2)) || echo "(waited $((SECONDS - started)) s for the server to finish abandoned requests)"
}

serve
ran=""
rss() {
    awk -v after="$1" '/VmHWM|VmRSS/ {kb[$1] = $2}
        END {printf "server RSS after %s: peak %.1f MiB (VmHWM), now %.1f MiB (VmRSS)\n", after,
             kb["VmHWM:"] / 1024, kb["VmRSS:"] / 1024}' "/proc/$server_pid/status"
}
if wants 1; then
    run "1 article by slug" "$connections" / "${read_args[@]}"
    rss "scenario 1 alone on a fresh server"
    ran="1"
fi
if wants 1again; then
    run "1 article by slug, again" "$connections" / "${read_args[@]}"
    ran="$ran 1again"
fi
if wants 2a; then
    run "2a category page 1 (per_page=20)" "$connections" \
        "/api/v1/articles?category=${input[category_slug]}&per_page=20"
    ran="$ran 2a"
fi
if wants 2a-cursor; then
    run "2a' category cursor page 1" "$connections" \
        "/api/v1/articles?category=${input[category_slug]}&limit=20"
    ran="$ran 2a'"
fi
if wants 2b; then
    run "2b category cursor page ${input[deep_depth]}" "$connections" \
        "/api/v1/articles?category=${input[category_slug]}&limit=20&after=${input[deep_cursor]}"
    ran="$ran 2b"
fi
if wants 2c; then
    run "2c title contains <word>, page 1 with total" "$connections" / mode=get \
        "list=${input[words_file]}" "prefix=/api/v1/articles?filter[title][contains]=" \
        "suffix=&per_page=20" $detail
    ran="$ran 2c"
    drain
fi
if wants 3; then
    run "3 search q=<word>" "$search_connections" / mode=get "list=${input[words_file]}" \
        "prefix=/api/v1/search?q=" $detail
    ran="$ran 3"
    drain
fi
if wants 4; then
    run "4 view count" "$connections" / "${view_args[@]}"
    ran="$ran 4"
fi
if wants 4+1; then
    views=$(mktemp) reads=$(mktemp) before=$(cpu_now)
    wrk_to "$views" "$connections" / "${view_args[@]}" &
    views_pid=$!
    wrk_to "$reads" "$connections" / "${read_args[@]}"
    wait "$views_pid"
    both=$(cpu_since "$before")
    report "4+1 view count (with 1)" "$connections" "$views" "$both"
    report "4+1 article by slug (with 4)" "$connections" "$reads" "$both"
    rm -f "$views" "$reads"
    if [ -n "${rps[1 article by slug]:-}" ]; then
        awk -v both="${rps[4+1 article by slug (with 4)]}" -v solo="${rps[1 article by slug]}" \
            'BEGIN {printf "4+1: scenario 1 keeps %.2f of its solo throughput\n", both / solo}'
    fi
    ran="$ran 4+1"
fi
if wants 5; then
    run "5 create (5 sections)" 1 / "${create_args[@]}" "run=c1-$run_id"
    run "5 create (5 sections)" 16 / "${create_args[@]}" "run=c16-$run_id"
    ran="$ran 5"
fi
if wants 7; then
    # Writes after a read-heavy period: reads and views together (as 4+1), then sequential
    # creations for STALL_SECONDS, then 16 creators; the tails (p99.9, max) are the figures.
    wal_size() { [ -n "$pg_url" ] && echo "-" || stat -c %s "$run_db-wal" 2>/dev/null || echo 0; }
    views=$(mktemp) reads=$(mktemp)
    wrk_to "$views" "$connections" / "${view_args[@]}" &
    views_pid=$!
    wrk_to "$reads" "$connections" / "${read_args[@]}"
    wait "$views_pid"
    rm -f "$views" "$reads"
    echo "7: WAL after the read-heavy period: $(wal_size) bytes"
    seconds_saved=$seconds seconds=${STALL_SECONDS:-60}
    timed_creations "7 create after reads, sequential" "s1-$run_id"
    run "7 create after reads (5 sections)" 16 / "${create_args[@]}" "run=s16-$run_id"
    seconds=$seconds_saved
    echo "7: WAL at the end: $(wal_size) bytes"
    ran="$ran 7"
fi
if wants 8; then
    timed_creations "8 create from the start, sequential" "t1-$run_id" "${STALL_SECONDS:-60}"
    ran="$ran 8"
fi
if wants 6; then
    run "6 mix ${write_percent}% creations" "$connections" / mode=mix "list=${input[slugs_file]}" \
        prefix=/api/v1/articles/ "suffix=${input[s1_suffix]}" "token=$token" \
        "category=${input[category_id]}" "run=mix-$run_id" "writes=$write_percent" $detail
    ran="$ran 6"
fi
[ -z "$ran" ] || rss "scenarios ${ran# }"
echo "load average at the end: $(load)"
problems=$(grep -c -E ' (WARN|ERROR) ' "$server_log" || true)
echo "server log: $problems warnings and errors in $server_log"
