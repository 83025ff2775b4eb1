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

# BENCH_NODES=N (N > 1, PostgreSQL only): N servers on the ports after BENCH_PORT+10, behind nginx
# (Debian's nginx-light, installed when missing) on BENCH_PORT, as README's balancer example.
nodes=${BENCH_NODES:-1}
server_pids=()
nginx_dir=""

# start_node DB PORT: one server on 127.0.0.1:PORT in the background
start_node() {
    # Load comes from one address: the per-client limits would turn it into 429s.
    DATABASE_URL="$1" HEALTHHUB_ADDR="127.0.0.1:$2" JWT_SECRET=bench-secret-bench-secret-bench-secret \
        HEALTHHUB_RATE_LIMIT_READS=0 HEALTHHUB_RATE_LIMIT_WRITES=0 HEALTHHUB_VIEW_WINDOW_SECONDS=0 \
        RUST_LOG=${BENCH_RUST_LOG:-warn,healthhub::cli::serve=info} "$bin" --no-demo serve &
    server_pids+=($!)
}

# start_nginx PORTS…: nginx on BENCH_PORT balancing the servers on PORTS (round robin, keep-alive)
start_nginx() {
    command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || {
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null
    }
    nginx_dir=$(mktemp -d)
    local upstreams="" p
    for p in "$@"; do upstreams+="        server 127.0.0.1:$p;"$'\n'; done
    cat >"$nginx_dir/nginx.conf" <<CONF
$( [ "$(id -u)" != 0 ] || echo "user root;" )
worker_processes auto;
pid $nginx_dir/nginx.pid;
error_log $nginx_dir/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $nginx_dir/client_body;
    proxy_temp_path $nginx_dir/proxy;
    upstream healthhub {
$upstreams        keepalive 64;
    }
    server {
        listen 127.0.0.1:$port;
        location / {
            proxy_pass http://healthhub;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
        }
    }
}
CONF
    "$(command -v nginx || echo /usr/sbin/nginx)" -p "$nginx_dir" -c "$nginx_dir/nginx.conf"
}

# stop_servers: stops the servers and nginx that start_server started
stop_servers() {
    [ ${#server_pids[@]} -eq 0 ] || kill "${server_pids[@]}" 2>/dev/null || true
    for pid in "${server_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    server_pids=()
    if [ -n "$nginx_dir" ]; then
        kill "$(cat "$nginx_dir/nginx.pid")" 2>/dev/null || true
        rm -rf "$nginx_dir"
        nginx_dir=""
    fi
}

# start_server DB: serves DB on BENCH_PORT in the background until the script exits (or
# stop_servers): one server, or BENCH_NODES servers behind nginx
start_server() {
    if [ "$nodes" -le 1 ]; then
        start_node "$1" "$port"
    else
        [[ $1 == postgres* ]] || { echo "BENCH_NODES needs BENCH_PG_URL" >&2; return 1; }
        local ports=() i
        for i in $(seq 1 "$nodes"); do
            ports+=($((port + 10 + i)))
            start_node "$1" $((port + 10 + i))
        done
        start_nginx "${ports[@]}"
    fi
    server_pid=${server_pids[0]}
    trap stop_servers EXIT
    for _ in $(seq 1 100); do
        curl -sf "$base/readyz" >/dev/null && return 0
        sleep 0.1
    done
    echo "the server did not start" >&2
    return 1
}

# ticks PID: CPU time of process PID so far, user and system, with its reaped children, in clock
# ticks (0 when it has gone)
ticks() {
    awk '{sub(/^.*\) /, ""); print $12 + $13 + $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0
}

# cpu_now: "SERVERS POSTGRES NGINX NANOSECONDS": CPU ticks used so far by the servers, by every
# process named postgres on the machine and by nginx, and the time
cpu_now() {
    local servers=0 postgres=0 balancer=0 pid
    for pid in "${server_pids[@]}"; do servers=$((servers + $(ticks "$pid"))); done
    for pid in $(pgrep -x postgres); do postgres=$((postgres + $(ticks "$pid"))); done
    for pid in $(pgrep -x nginx); do balancer=$((balancer + $(ticks "$pid"))); done
    echo "$servers $postgres $balancer $(date +%s%N)"
}

# cpu_since SNAPSHOT: "SERVERS POSTGRES NGINX" cores used on average since cpu_now gave SNAPSHOT
cpu_since() {
    local hz
    hz=$(getconf CLK_TCK)
    awk -v a="$1" -v b="$(cpu_now)" -v hz="$hz" 'BEGIN {
        split(a, x, " "); split(b, y, " "); wall = (y[4] - x[4]) / 1e9
        printf "%.2f %.2f %.2f", (y[1] - x[1]) / hz / wall, (y[2] - x[2]) / hz / wall, (y[3] - x[3]) / hz / wall }'
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
