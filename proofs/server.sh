# Sourced by the shell proofs (fuzz.sh, clients.sh): a work folder that is removed when the
# proof passes, and the server under test on a free port over a fresh database in it.
#
# proof_work PREFIX KEEP   sets `work` to a new temporary folder and, on exit, stops the server
#                          and removes the folder unless the proof failed or KEEP is non-empty.
# start_server DEMO        starts "$bin serve" (DEMO: true or false) with a random JWT_SECRET,
#                          logging to $work/server.log; sets `base` and `server_pid`, and waits
#                          for /readyz. Settings exported before the call reach the server.
# mint_token SUBJECT [SCOPES] prints a one-day token with SCOPES (default: every content scope).
#
# With HEALTHHUB_PROOF_PG_URL set (a PostgreSQL server URL, e.g. .ci/pg.sh's HEALTHHUB_PG_URL),
# start_server runs the server over a fresh database of that server (CREATE DATABASE with psql
# from $HEALTHHUB_PG_BIN or PATH), dropped on exit, instead of a SQLite file in the work folder.

proof_work() {
    work=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
    keep_work=$2
    server_pid=
    pg_database_url=
    trap stop_proof EXIT
    trap 'exit 130' INT TERM
}

stop_proof() {
    local status=$?
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [ -n "$pg_database_url" ]; then
        "$(proof_psql)" -X -q -d "$HEALTHHUB_PROOF_PG_URL" \
            -c "DROP DATABASE IF EXISTS \"${pg_database_url##*/}\" WITH (FORCE)" >/dev/null ||
            echo "note: could not drop ${pg_database_url##*/}"
    fi
    # Kept after a failure (tool output, reports, server log, database) or on request.
    if [ "$status" -ne 0 ] || [ -n "$keep_work" ]; then echo "kept $work"; else rm -rf "$work"; fi
}

proof_psql() {
    if [ -n "${HEALTHHUB_PG_BIN:-}" ] && [ -x "$HEALTHHUB_PG_BIN/psql" ]; then
        echo "$HEALTHHUB_PG_BIN/psql"
    else
        echo psql
    fi
}

start_server() {
    local port
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    base="http://127.0.0.1:$port"
    if [ -n "${HEALTHHUB_PROOF_PG_URL:-}" ]; then
        local name
        name="healthhub_proof_$$_$(python3 -c 'import secrets; print(secrets.token_hex(4))')"
        "$(proof_psql)" -X -q -v ON_ERROR_STOP=1 -d "$HEALTHHUB_PROOF_PG_URL" -c "CREATE DATABASE \"$name\"" ||
            { echo "FAIL: could not create the PostgreSQL database $name"; exit 1; }
        pg_database_url="${HEALTHHUB_PROOF_PG_URL%/*}/$name"
        export DATABASE_URL="$pg_database_url"
    else
        export DATABASE_URL="$work/healthhub.db"
    fi
    export HEALTHHUB_ADDR="127.0.0.1:$port" HEALTHHUB_DEMO=$1
    # Media files in the work folder (the default beside a PostgreSQL database is ./media).
    export HEALTHHUB_MEDIA_DIR="$work/media"
    export JWT_SECRET
    JWT_SECRET=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
    "$bin" serve >"$work/server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 300); do
        curl -sf "$base/readyz" >/dev/null 2>&1 && return 0
        kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; echo "FAIL: the server exited"; exit 1; }
        sleep 0.1
    done
    cat "$work/server.log"
    echo "FAIL: the server is not ready"
    exit 1
}

mint_token() {
    "$bin" token create --subject "$1" --scopes "${2:-content:read,content:write,content:publish}" --ttl 1d | tail -n1
}
