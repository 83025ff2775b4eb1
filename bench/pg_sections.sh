#!/usr/bin/env bash
# What reading an article's sections costs PostgreSQL with their text compressed (pglz, the
# default once a row passes ~2 KB) and stored as written (toast_tuple_target = 8160, migration
# 2026-12-13-000001_sections_uncompressed): pgbench runs the query an article read sends, for
# random articles, on two copies of the sections of database bench_<ARTICLES> (imported by
# scenarios.sh), PG_SECONDS (8) each at PG_CLIENTS (8) clients, prepared statements.
#   BENCH_PG_URL=postgres://postgres@127.0.0.1:55499/postgres bash bench/pg_sections.sh
source "$(dirname "$0")/common.sh"
articles=${ARTICLES:-100000}
seconds=${PG_SECONDS:-8}
clients=${PG_CLIENTS:-8}
pgbench_bin=${PGBENCH:-$(command -v pgbench || echo /usr/lib/postgresql/15/bin/pgbench)}
[ -n "$pg_url" ] || { echo "BENCH_PG_URL is required" >&2; exit 2; }
pg_url=$(pg_database "bench_$articles")
script=$(mktemp)
quiet="SET client_min_messages = warning;"
trap 'rm -f "$script"; pg "$quiet DROP TABLE IF EXISTS bench_sections_compressed, bench_sections_plain"' EXIT

# copy NAME OPTIONS: the sections, each text written anew (so compressed or not by NAME's options)
copy() {
    pg "$quiet DROP TABLE IF EXISTS $1;
        CREATE TABLE $1 (LIKE sections INCLUDING INDEXES) $2;
        INSERT INTO $1 SELECT id, article_id, position, heading || '', body || '', created_at,
            updated_at, body_html || '', body_text || '' FROM sections;"
    pg "VACUUM ANALYZE $1"
}
copy bench_sections_compressed "WITH (toast_tuple_target = 2032)"
copy bench_sections_plain "WITH (toast_tuple_target = 8160)"
for table in bench_sections_compressed bench_sections_plain; do
    cat >"$script" <<SQL
\set aid random(1, $articles)
SELECT id, article_id, position, heading, body, created_at, updated_at, body_html FROM $table
WHERE article_id = ANY(ARRAY[:aid::int]) ORDER BY article_id, position;
SQL
    size=$(pg "SELECT pg_size_pretty(pg_total_relation_size('$table'))")
    tps=$("$pgbench_bin" -n -M prepared -c "$clients" -j 2 -T "$seconds" -f "$script" "$pg_url" \
        | sed -n 's/^tps = \([0-9.]*\).*/\1/p')
    printf '%-28s %10.0f queries/s   table with indexes %s\n' "$table" "$tps" "$size"
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
