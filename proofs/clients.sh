#!/usr/bin/env bash
# Proof 6, generated clients: openapi/openapi.json is a contract that client generators take
# without complaint and that their clients can drive.
#
# 1. Redocly CLI lints the document with its `recommended` rules: any error fails (warnings are
#    printed; the ones that remain are listed with their reason in README, Proofs).
# 2. openapi-python-client generates a Python client: any warning fails. Its configuration,
#    proofs/clients/python-client.yml, hands the XML documents (feed, sitemap) over as bytes.
# 3. openapi-typescript generates TypeScript types; proofs/clients/ts/scenario.ts, written against
#    them with openapi-fetch, must type-check with `tsc --noEmit --strict` and must not escape the
#    type checker (no `any`, no `as` casts, no non-null `!`, no `@ts-…` comments); compiled, it
#    drives a live server (fresh database, editor token): category, draft with sections under an
#    Idempotency-Key, publish, read by slug, cursor list, search, views, PATCH with If-Match,
#    sections replaced, delete, each status and field checked.
#
# The npm tools are pinned by proofs/clients/package.json and its package-lock.json and installed
# with `npm ci` into target/clients-node; the Python tools are pinned below and installed in the
# venv target/clients-venv. Tunables (environment): CLIENTS_KEEP (keep the work folder),
# CLIENTS_SERVER_LOG (the server's RUST_LOG, default warn), HEALTHHUB_BIN.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

OPENAPI_PYTHON_CLIENT_VERSION=0.29.1
RUFF_VERSION=0.17.6 # openapi-python-client runs `ruff check --fix` and `ruff format` on its output
bin=${HEALTHHUB_BIN:-$root/target/debug/healthhub}
src=$root/proofs/clients
node_dir=$root/target/clients-node
venv=$root/target/clients-venv
document=$root/openapi/openapi.json

node_version=$(node --version)
case $node_version in
v20.* | v2[2-9].* | v[3-9][0-9].*) ;;
*) echo "FAIL: Node.js 20 or later is needed, found $node_version"; exit 1 ;;
esac

# The npm tools: reinstalled whenever the lockfile changes.
if ! cmp -s "$src/package-lock.json" "$node_dir/package-lock.json" || [ ! -d "$node_dir/node_modules" ]; then
    rm -rf "$node_dir"
    mkdir -p "$node_dir"
    cp "$src/package.json" "$src/package-lock.json" "$node_dir/"
    (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error)
fi
# The Python tools: reinstalled whenever a pin changes.
if [ "$(cat "$venv/pins" 2>/dev/null)" != "$OPENAPI_PYTHON_CLIENT_VERSION $RUFF_VERSION" ]; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check \
        "openapi-python-client==$OPENAPI_PYTHON_CLIENT_VERSION" "ruff==$RUFF_VERSION"
    echo "$OPENAPI_PYTHON_CLIENT_VERSION $RUFF_VERSION" >"$venv/pins"
fi
bin_dir=$node_dir/node_modules/.bin
echo "node $node_version, redocly $("$bin_dir/redocly" --version 2>/dev/null | tail -n1)," \
    "openapi-typescript $("$bin_dir/openapi-typescript" --version 2>/dev/null | awk '{print $NF}')," \
    "typescript $("$bin_dir/tsc" --version | awk '{print $NF}')," \
    "openapi-python-client $OPENAPI_PYTHON_CLIENT_VERSION, server $bin"

# shellcheck source=proofs/server.sh
. "$root/proofs/server.sh"
proof_work healthhub-clients "${CLIENTS_KEEP:-}"

failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# 1. Redocly, `recommended` rules.
echo "-- redocly lint (recommended)"
redocly_status=0
(cd "$work" && REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true NO_COLOR=1 \
    "$bin_dir/redocly" lint --extends=recommended --format=stylish "$document") \
    >"$work/redocly.txt" 2>&1 || redocly_status=$?
# Its findings, without the banner it prints about the Node.js version.
grep -E '^\s+[0-9]+:[0-9]+\s+(error|warning)\s' "$work/redocly.txt" || true
grep -E 'Validation failed|Woohoo|warnings?\.$' "$work/redocly.txt" | tail -n1 || true
[ "$redocly_status" -eq 0 ] || fail "redocly lint reports errors (exit status $redocly_status)"

# 2. openapi-python-client: no warning. Its post hooks need ruff on PATH.
echo "-- openapi-python-client generate"
python_status=0
(cd "$work" && PATH="$venv/bin:$PATH" "$venv/bin/openapi-python-client" generate \
    --path "$document" --config "$root/proofs/clients/python-client.yml" \
    --output-path "$work/python-client" --overwrite) \
    >"$work/python-client.txt" 2>&1 || python_status=$?
cat "$work/python-client.txt"
[ "$python_status" -eq 0 ] || fail "openapi-python-client exited with $python_status"
if grep -qiE 'warning|error|skipping|unable|not supported|cannot' "$work/python-client.txt"; then
    fail "openapi-python-client printed warnings"
fi
[ -f "$work/python-client/health_hub_content_api_client/api/articles/create_article.py" ] ||
    fail "openapi-python-client generated no create_article"
"$venv/bin/python" -m compileall -q "$work/python-client" >/dev/null || fail "the Python client does not compile"

# 3. TypeScript: types, a strict type-check, no escape hatch, the scenario on a live server.
echo "-- openapi-typescript + openapi-fetch"
ts=$work/ts
mkdir -p "$ts"
cp "$src/ts/scenario.ts" "$src/ts/tsconfig.json" "$ts/"
# Module resolution finds the pinned packages in target/clients-node/node_modules from here.
ln -s "$node_dir/node_modules" "$work/node_modules"
cp "$node_dir/package.json" "$work/package.json"
"$bin_dir/openapi-typescript" "$document" --output "$ts/api.d.ts" >"$work/openapi-typescript.txt" 2>&1 ||
    { cat "$work/openapi-typescript.txt"; fail "openapi-typescript failed"; }
if grep -qiE 'warn|error' "$work/openapi-typescript.txt"; then
    cat "$work/openapi-typescript.txt"
    fail "openapi-typescript printed warnings"
fi
# The scenario must hold by the generated types alone: no `any`, no `as` casts (nor `<T>x`
# ones), no non-null assertions, no comments that silence the checker.
escapes=$(grep -nE '\bany\b|\bas\b|[])A-Za-z0-9_]![^=]|[])A-Za-z0-9_]!$|(^|[=(,:?]|return)\s*<[A-Za-z]|@ts-(ignore|expect-error|nocheck)|eslint-disable' \
    "$src/ts/scenario.ts" || true)
if [ -n "$escapes" ]; then
    echo "$escapes"
    fail "proofs/clients/ts/scenario.ts escapes the type checker"
fi
"$bin_dir/tsc" --noEmit --strict -p "$ts/tsconfig.json" || fail "tsc --noEmit --strict"
"$bin_dir/tsc" -p "$ts/tsconfig.json" || fail "tsc (emit)"

if [ "$failures" -eq 0 ]; then
    export RUST_LOG=${CLIENTS_SERVER_LOG:-warn}
    # Every view counted and written at once, so the scenario can check counts exactly.
    export HEALTHHUB_VIEW_WINDOW_SECONDS=0 HEALTHHUB_VIEW_FLUSH_MS=0
    start_server false

    token=$(mint_token ci-clients)
    HEALTHHUB_BASE_URL=$base HEALTHHUB_TOKEN=$token node "$ts/dist/scenario.js" || fail "the TypeScript scenario"

    if ! kill -0 "$server_pid" 2>/dev/null; then
        fail "the server died during the scenario"
    fi
    server_errors=$(grep -E 'panicked|ERROR' "$work/server.log" || true)
    if [ -n "$server_errors" ]; then
        echo "$server_errors" | head -40
        fail "the server logged errors or panics"
    fi
fi

if [ "$failures" -ne 0 ]; then
    echo "FAIL: generated clients ($failures failures)"
    exit 1
fi
echo "generated clients passed"
