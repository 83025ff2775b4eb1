# A private, throwaway S3-compatible server for the tests of the media library's S3 storage:
# moto's server (PyPI `moto[server]`, pinned below), installed into target/ci-s3-venv when
# missing, listening on a free port of 127.0.0.1, its data in memory.
#
# Source it (from .ci/run, or by hand: `source .ci/s3.sh`); it exports
#   HEALTHHUB_TEST_S3_URL  http://127.0.0.1:PORT (any access key and secret are accepted)
# and defines
#   healthhub_s3_stop  stops the server; the caller installs the trap.
# Sourcing leaves the shell's options as they were; it returns 1 when the server could not start.

HEALTHHUB_S3_MOTO_VERSION=5.2.5
_healthhub_s3_venv=${HEALTHHUB_S3_VENV:-target/ci-s3-venv}

healthhub_s3_stop() {
    if [ -n "${HEALTHHUB_S3_PID:-}" ]; then
        kill "$HEALTHHUB_S3_PID" 2>/dev/null
        wait "$HEALTHHUB_S3_PID" 2>/dev/null
        unset HEALTHHUB_S3_PID
    fi
    return 0
}

_healthhub_s3_start() {
    local venv=$_healthhub_s3_venv port
    if [ "$("$venv/bin/python" -c 'import moto; print(moto.__version__)' 2>/dev/null)" != "$HEALTHHUB_S3_MOTO_VERSION" ]; then
        rm -rf "$venv"
        python3 -m venv "$venv" || return 1
        "$venv/bin/pip" install --quiet --disable-pip-version-check \
            "moto[server]==$HEALTHHUB_S3_MOTO_VERSION" || return 1
    fi
    port=$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()') || return 1
    "$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"${TMPDIR:-/tmp}/healthhub-moto-$port.log" 2>&1 &
    HEALTHHUB_S3_PID=$!
    local tries
    for tries in $(seq 1 100); do
        if python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/moto-api/')" 2>/dev/null; then
            export HEALTHHUB_TEST_S3_URL="http://127.0.0.1:$port"
            echo "s3.sh: moto $HEALTHHUB_S3_MOTO_VERSION on $HEALTHHUB_TEST_S3_URL" >&2
            return 0
        fi
        kill -0 "$HEALTHHUB_S3_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "s3.sh: moto_server did not start (log: ${TMPDIR:-/tmp}/healthhub-moto-$port.log)" >&2
    healthhub_s3_stop
    return 1
}

_healthhub_s3_start
