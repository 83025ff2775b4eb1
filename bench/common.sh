#!/usr/bin/env bash
# Shared set-up for the benchmark scripts: wrk, a release build, a generated and imported data set,
# and a server on a free port. Source it; every variable can be overridden from the environment.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=${BENCH_DIR:-$root/target/bench}
mkdir -p "$work"
port=${BENCH_PORT:-18181}
base="http://127.0.0.1:$port"
bin=${BENCH_BIN:-$root/target/release/healthhub}
# BENCH_PG_URL (a PostgreSQL server URL, e.g. postgres://postgres@127.0.0.1:5432/postgres): the
# data set is imported into database bench_<articles> there instead of an SQLite file, and each
# run serves a copy of it (CREATE DATABASE … TEMPLATE).
pg_url=${BENCH_PG_URL:-}
psql_bin=${PSQL:-$(command -v psql || echo /usr/lib/postgresql/15/bin/psql)}

# pg_database NAME -> the URL of database NAME on the BENCH_PG_URL server
pg_database() {
    echo "${pg_url%/*}/$1"
}

# pg SQL: runs SQL on the BENCH_PG_URL server, quietly
pg() {
    "$psql_bin" -qAt -v ON_ERROR_STOP=1 -d "$pg_url" -c "$1"
}

need_wrk() {
    command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
}

# Builds the release binary unless BENCH_BIN names one already built.
build_release() {
    [ -n "${BENCH_BIN:-}" ] || (cd "$root" && cargo build --release --quiet)
}

# dataset ARTICLES -> path of an NDJSON data set with that many articles (5 sections each)
dataset() {
    local file="$work/dataset-$1.ndjson"
    if [ ! -s "$file" ]; then
        python3 "$root/../shared/tools/gen_dataset.py" --articles "$1" --sections-per-article 5 \
            --ndjson --out "$file" >&2
    fi
    echo "$file"
}

# database ARTICLES -> path (SQLite) or URL (BENCH_PG_URL) of a database holding that data set
# (imported once)
database() {
    if [ -n "$pg_url" ]; then
        local name="bench_$1"
        if [ -z "$(pg "SELECT 1 FROM pg_database WHERE datname = '$name'")" ]; then
            local file
            file=$(dataset "$1")
            pg "CREATE DATABASE $name"
            DATABASE_URL="$(pg_database "$name")" JWT_SECRET=bench-secret-bench-secret-bench-secret \
                /usr/bin/time -f "import: %e s wall, %M KB peak RSS" "$bin" --no-demo import "$file" >&2
        fi
        pg_database "$name"
        return
    fi
    local db="$work/bench-$1.db"
    if [ ! -s "$db" ]; then
        local file
        file=$(dataset "$1")
        DATABASE_URL="$db" JWT_SECRET=bench-secret-bench-secret-bench-secret \
            /usr/bin/time -f "import: %e s wall, %M KB peak RSS" "$bin" --no-demo import "$file" >&2
    fi
    echo "$db"
}

# start_server DB: serves DB in the background until the script exits
start_server() {
    # Load comes from one address: the per-client limits would turn it into 429s.
    DATABASE_URL="$1" HEALTHHUB_ADDR="127.0.0.1:$port" JWT_SECRET=bench-secret-bench-secret-bench-secret \
        HEALTHHUB_RATE_LIMIT_READS=0 HEALTHHUB_RATE_LIMIT_WRITES=0 HEALTHHUB_VIEW_WINDOW_SECONDS=0 \
        RUST_LOG=warn "$bin" --no-demo serve &
    server_pid=$!
    trap 'kill $server_pid 2>/dev/null || true' EXIT
    for _ in $(seq 1 100); do
        curl -sf "$base/readyz" >/dev/null && return 0
        sleep 0.1
    done
    echo "the server did not start" >&2
    return 1
}

# run_wrk NAME URL: 10 s, 2 threads, 16 connections; prints one summary line
run_wrk() {
    local name=$1 url=$2
    local out
    out=$(wrk -t2 -c"${BENCH_CONNECTIONS:-16}" -d"${BENCH_SECONDS:-10}"s --latency "$url")
    local rps p50 p99
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1=="50%" {print $2}' <<<"$out")
    p99=$(awk '$1=="99%" {print $2}' <<<"$out")
    printf '%-40s %10s req/s   p50 %8s   p99 %8s\n' "$name" "$rps" "$p50" "$p99"
}
