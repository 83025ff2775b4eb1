# A private, throwaway PostgreSQL 15 cluster for the tests of the PostgreSQL backend.
#
# Source it (from .ci/run, or by hand: `source .ci/pg.sh`); it starts a cluster in a temporary
# folder, on a free port of 127.0.0.1, owned by nobody else, and exports:
#   HEALTHHUB_PG_URL   postgres://postgres@127.0.0.1:PORT/postgres (trust authentication)
#   HEALTHHUB_PG_DIR   the temporary folder (data in ./data, sockets and logs in the folder)
#   HEALTHHUB_PG_PORT  the port
#   HEALTHHUB_PG_BIN   the folder of the PostgreSQL 15 binaries (initdb, pg_ctl, psql, pg_dump…)
# and defines
#   healthhub_pg_stop     stops the cluster (and its replica, if any) and removes the folder;
#                         the caller installs the trap, e.g. `trap healthhub_pg_stop EXIT`.
#   healthhub_pg_replica  starts a streaming hot standby of the cluster on another port and
#                         exports HEALTHHUB_PG_REPLICA_URL, HEALTHHUB_PG_REPLICA_PORT and
#                         HEALTHHUB_PG_REPLICA_DIR.
# Durability is off (fsync, synchronous_commit, full_page_writes): the data does not outlive the
# run. It installs PostgreSQL 15 with apt-get when the binaries are missing (Debian 12;
# /usr/sbin/policy-rc.d keeps the packaged system cluster from starting). When run as root, the
# cluster runs as the `postgres` user, since initdb and postgres refuse to run as root.
#
# Sourcing leaves the shell's options (set -e, -u, pipefail…) as they were; the functions work
# under any of them and report failures through their return status (sourcing returns 1 when the
# cluster could not be started).

HEALTHHUB_PG_BIN=${HEALTHHUB_PG_BIN:-/usr/lib/postgresql/15/bin}

# Runs a command as the cluster's owner: `postgres` when we are root, else ourselves. The working
# directory is the cluster's folder, which that user can always enter.
_healthhub_pg_as() {
    if [ "$(id -u)" -eq 0 ]; then
        (cd "$HEALTHHUB_PG_DIR" && runuser -u postgres -- "$@")
    else
        (cd "$HEALTHHUB_PG_DIR" && "$@")
    fi
}

# A TCP port of 127.0.0.1 that nothing listens on right now.
_healthhub_pg_free_port() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
        return
    fi
    local port
    for port in $(seq 25432 25999); do
        if ! (: <"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    return 1
}

_healthhub_pg_install() {
    [ -x "$HEALTHHUB_PG_BIN/initdb" ] && return 0
    echo "pg.sh: PostgreSQL 15 is missing from $HEALTHHUB_PG_BIN; installing it with apt-get" >&2
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
    $sudo apt-get update -q >&2 &&
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q postgresql-15 postgresql-contrib >&2 ||
        return 1
    [ -x "$HEALTHHUB_PG_BIN/initdb" ]
}

# Starts a postgres on `data` (relative to HEALTHHUB_PG_DIR) and `port`, waiting until it accepts
# connections; the remaining arguments are more server options.
_healthhub_pg_ctl_start() {
    local data=$1 port=$2 log=$3
    shift 3
    _healthhub_pg_as "$HEALTHHUB_PG_BIN/pg_ctl" -D "$HEALTHHUB_PG_DIR/$data" -w -t 60 \
        -l "$HEALTHHUB_PG_DIR/$log" \
        -o "-p $port -c listen_addresses=127.0.0.1 -k $HEALTHHUB_PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 $*" \
        start >/dev/null
}

healthhub_pg_start() {
    _healthhub_pg_install || {
        echo "pg.sh: no PostgreSQL 15 binaries in $HEALTHHUB_PG_BIN" >&2
        return 1
    }
    local base=${TMPDIR:-/tmp}
    # The postgres user must reach the folder: under root, stay in /tmp.
    [ "$(id -u)" -eq 0 ] && base=/tmp
    HEALTHHUB_PG_DIR=$(mktemp -d "$base/healthhub-pg.XXXXXX") || return 1
    export HEALTHHUB_PG_DIR
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres: "$HEALTHHUB_PG_DIR" || { rm -rf "$HEALTHHUB_PG_DIR"; return 1; }
    fi
    if ! _healthhub_pg_as "$HEALTHHUB_PG_BIN/initdb" -D "$HEALTHHUB_PG_DIR/data" -A trust -U postgres \
        --no-sync -E UTF8 --locale=C.UTF-8 >"$HEALTHHUB_PG_DIR/initdb.log" 2>&1; then
        echo "pg.sh: initdb failed:" >&2
        cat "$HEALTHHUB_PG_DIR/initdb.log" >&2
        rm -rf "$HEALTHHUB_PG_DIR"
        unset HEALTHHUB_PG_DIR
        return 1
    fi
    # initdb -A trust writes `host replication all 127.0.0.1/32 trust`; make sure of it, for
    # healthhub_pg_replica's pg_basebackup and the standby's WAL receiver.
    if ! grep -Eq '^host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' \
        "$HEALTHHUB_PG_DIR/data/pg_hba.conf"; then
        echo "host replication all 127.0.0.1/32 trust" >>"$HEALTHHUB_PG_DIR/data/pg_hba.conf"
    fi
    # A free port can be taken between the probe and the start: try a few.
    local attempt port
    for attempt in 1 2 3 4 5; do
        port=$(_healthhub_pg_free_port) || break
        if _healthhub_pg_ctl_start data "$port" postgres.log -c wal_level=replica; then
            export HEALTHHUB_PG_PORT=$port
            export HEALTHHUB_PG_URL="postgres://postgres@127.0.0.1:$port/postgres"
            export HEALTHHUB_PG_BIN
            return 0
        fi
    done
    echo "pg.sh: postgres did not start:" >&2
    tail -n 20 "$HEALTHHUB_PG_DIR/postgres.log" >&2
    rm -rf "$HEALTHHUB_PG_DIR"
    unset HEALTHHUB_PG_DIR
    return 1
}

healthhub_pg_replica() {
    if [ -z "${HEALTHHUB_PG_PORT:-}" ] || [ -z "${HEALTHHUB_PG_DIR:-}" ]; then
        echo "pg.sh: no primary is running" >&2
        return 1
    fi
    if [ -n "${HEALTHHUB_PG_REPLICA_PORT:-}" ]; then
        return 0
    fi
    # -R writes standby.signal and primary_conninfo (host=127.0.0.1 port=PRIMARY user=postgres).
    if ! _healthhub_pg_as "$HEALTHHUB_PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$HEALTHHUB_PG_PORT" \
        -U postgres -D "$HEALTHHUB_PG_DIR/replica" -R -X stream -c fast --no-sync \
        >"$HEALTHHUB_PG_DIR/basebackup.log" 2>&1; then
        echo "pg.sh: pg_basebackup failed:" >&2
        cat "$HEALTHHUB_PG_DIR/basebackup.log" >&2
        rm -rf "$HEALTHHUB_PG_DIR/replica"
        return 1
    fi
    local attempt port
    for attempt in 1 2 3 4 5; do
        port=$(_healthhub_pg_free_port) || break
        if _healthhub_pg_ctl_start replica "$port" replica.log -c hot_standby=on \
            -c log_recovery_conflict_waits=on; then
            export HEALTHHUB_PG_REPLICA_DIR="$HEALTHHUB_PG_DIR/replica"
            export HEALTHHUB_PG_REPLICA_PORT=$port
            export HEALTHHUB_PG_REPLICA_URL="postgres://postgres@127.0.0.1:$port/postgres"
            return 0
        fi
    done
    echo "pg.sh: the replica did not start:" >&2
    tail -n 20 "$HEALTHHUB_PG_DIR/replica.log" >&2
    rm -rf "$HEALTHHUB_PG_DIR/replica"
    return 1
}

# Stops one server of the folder (a no-op when it is not running); `immediate` when `fast` fails.
_healthhub_pg_ctl_stop() {
    local data="$HEALTHHUB_PG_DIR/$1"
    [ -f "$data/postmaster.pid" ] || return 0
    _healthhub_pg_as "$HEALTHHUB_PG_BIN/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null 2>&1 ||
        _healthhub_pg_as "$HEALTHHUB_PG_BIN/pg_ctl" -D "$data" -m immediate -w -t 30 stop >/dev/null 2>&1 ||
        true
}

healthhub_pg_stop() {
    if [ -n "${HEALTHHUB_PG_DIR:-}" ] && [ -d "$HEALTHHUB_PG_DIR" ]; then
        # The standby first, so that it does not try to reconnect to a stopped primary.
        _healthhub_pg_ctl_stop replica
        _healthhub_pg_ctl_stop data
        rm -rf "$HEALTHHUB_PG_DIR"
    fi
    unset HEALTHHUB_PG_DIR HEALTHHUB_PG_PORT HEALTHHUB_PG_URL \
        HEALTHHUB_PG_REPLICA_DIR HEALTHHUB_PG_REPLICA_PORT HEALTHHUB_PG_REPLICA_URL
    return 0
}

if [ -n "${HEALTHHUB_PG_URL:-}" ] && [ -f "${HEALTHHUB_PG_DIR:-/nonexistent}/data/postmaster.pid" ]; then
    : # Sourced again in a shell whose cluster is still running: keep it.
else
    healthhub_pg_start || return 1 2>/dev/null || exit 1
fi
