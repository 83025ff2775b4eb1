#!/usr/bin/env bash
# Proof 2, contract fuzzing: schemathesis (pinned) over every operation of openapi/openapi.json
# against a live server on a fresh database (demo content plus seeded articles), every request
# carrying a token with all scopes. Fails on any failed check, on a crash or panic in the server
# log, and when fewer than FUZZ_MIN_REQUESTS requests were sent.
#
# Tunables (environment): FUZZ_MAX_TIME (seconds for the whole schemathesis run, default 240),
# FUZZ_MAX_EXAMPLES (per operation and phase, default 100), FUZZ_WORKERS (default 2),
# FUZZ_MIN_REQUESTS (default 3000), FUZZ_SEED (default random), FUZZ_CHECKS (default `all`, every
# check schemathesis has, positive_data_acceptance included: a request the document calls valid
# is accepted unless the resource's state refuses it; a comma-separated list narrows it),
# FUZZ_KEEP (keep the work folder), FUZZ_SERVER_LOG (the server's RUST_LOG, default warn),
# HEALTHHUB_BIN.
#
# proofs/fuzz_hooks.py gives each request what a client has and a generator cannot invent (a
# fresh Idempotency-Key, a cursor the server made); see its docstring.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

SCHEMATHESIS_VERSION=4.32.5
bin=${HEALTHHUB_BIN:-$root/target/debug/healthhub}
venv=$root/target/ci-fuzz-venv
max_time=${FUZZ_MAX_TIME:-240}
max_examples=${FUZZ_MAX_EXAMPLES:-100}
workers=${FUZZ_WORKERS:-2}
min_requests=${FUZZ_MIN_REQUESTS:-3000}

if [ "$("$venv/bin/schemathesis" --version 2>/dev/null | awk '{print $NF}')" != "$SCHEMATHESIS_VERSION" ]; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
echo "schemathesis $("$venv/bin/schemathesis" --version | awk '{print $NF}'), server $bin"

# shellcheck source=proofs/server.sh
. "$root/proofs/server.sh"
proof_work healthhub-fuzz "${FUZZ_KEEP:-}"

export RUST_LOG=${FUZZ_SERVER_LOG:-warn}
# Rate limits off (if this build has them): the fuzzer tests the contract, not the limiter.
export HEALTHHUB_RATE_LIMIT_READS=0 HEALTHHUB_RATE_LIMIT_WRITES=0 HEALTHHUB_VIEW_WINDOW_SECONDS=0
# Likewise the query-string length limit (414, tests/api/limits.rs): it bounds the whole request,
# which no parameter's schema can state, and the fuzzer sends up to ~45 list parameters at once.
export HEALTHHUB_MAX_QUERY_BYTES=65536
# Webhooks the fuzzer creates name random hosts: private targets stay refused (the default), and
# a failed attempt is retried only after an hour, so each webhook tries the network at most once.
export HEALTHHUB_WEBHOOKS_ALLOW_PRIVATE=false HEALTHHUB_WEBHOOKS_BACKOFF=1h HEALTHHUB_WEBHOOKS_TIMEOUT=2s

start_server true

token=$(mint_token ci-fuzz content:read,content:write,content:publish,webhooks:manage)
python3 "$root/proofs/fuzz_seed.py" "$base" "$token" "$work/schemathesis.toml"

seed_args=()
[ -n "${FUZZ_SEED:-}" ] && seed_args=(--seed "$FUZZ_SEED")
checks=${FUZZ_CHECKS:-all}
set +e
(
    cd "$work"
    SCHEMATHESIS_HOOKS="$root/proofs/fuzz_hooks.py" FUZZ_BASE_URL="$base" \
    "$venv/bin/schemathesis" --config-file "$work/schemathesis.toml" run "$root/openapi/openapi.json" \
        --url "$base" \
        --checks "$checks" \
        --max-examples "$max_examples" \
        --max-time "$max_time" \
        --workers "$workers" \
        --continue-on-failure \
        --request-timeout 30 \
        --no-color \
        --output-truncate false \
        --report ndjson --report-dir "$work/report" \
        "${seed_args[@]}"
) >"$work/schemathesis.txt" 2>&1
st_status=$?
set -e
# Schemathesis' own summary (the failures it prints in full are summarised by fuzz_report.py).
sed -n '/^=* SUMMARY =*$/,$p' "$work/schemathesis.txt"
echo "schemathesis exit status: $st_status"

report_status=0
python3 "$root/proofs/fuzz_report.py" "$work"/report/*.ndjson "$min_requests" || report_status=$?
if [ "$report_status" -eq 2 ]; then
    # Every check passed; schemathesis' non-zero exit came from a bug of its Python interpreter.
    st_status=0 report_status=0
fi

log_status=0
if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "FAIL: the server died during the run"
    log_status=1
fi
# actix's HTTP/1 parser logs the malformed requests it refuses itself (with a 400); those are
# the fuzzer's doing. Anything else at ERROR, or a panic, is the server's.
server_errors=$(grep -E 'panicked|ERROR' "$work/server.log" | grep -v 'actix_http::h1::dispatcher' || true)
if [ -n "$server_errors" ]; then
    echo "FAIL: the server logged errors or panics:"
    sort <<<"$server_errors" | uniq -c | sort -rn | head -40
    log_status=1
fi
if [ "$st_status" -ne 0 ] || [ "$report_status" -ne 0 ] || [ "$log_status" -ne 0 ]; then
    if [ "$report_status" -eq 0 ] && [ "$st_status" -ne 0 ]; then
        # Failures the report did not catch (errors, warnings promoted to failures): show them raw.
        sed -n '/^=* FAILURES =*$/,/^=* SUMMARY =*$/p' "$work/schemathesis.txt" | head -300
        grep -n -A20 '^=* ERRORS =*$' "$work/schemathesis.txt" | head -120
    fi
    echo "FAIL: contract fuzzing"
    exit 1
fi
echo "contract fuzzing passed"
