#!/usr/bin/env bash
# A segmentation job end to end at scale through the larder command, on SQLite and PostgreSQL, each phase next
# to a baseline measured in the same run.
#   bench/segments.sh [customers=1000000]
# Data: `larder generate --customers N` (five planted types, about 10 rows per customer, gzip CSV).
# Baselines: reading the file (zcat | wc -l) against Larder's read phase; the store's own bulk load of the
# published rows (sqlite3 .import / psql \copy of the members export into a table with the same primary key)
# against Larder's publish phase. Each job runs twice, so the second run matches ids to the first and
# supersedes it, as a nightly run does.
# Environment: BENCH_OUT (default /tmp/larder-bench); PG_URL (default the local test database, a schema of its
# own); SKIP_PG=1; LARDER_JAVA_OPTS (default -Xmx6g).
set -euo pipefail
export PGOPTIONS="-c client_min_messages=warning"
root=$(cd "$(dirname "$0")/.." && pwd)
customers=${1:-1000000}
out=${BENCH_OUT:-/tmp/larder-bench}; mkdir -p "$out"
log="$out/segments-$(date +%Y%m%d-%H%M%S).log"
exec > >(tee "$log") 2>&1
export LARDER_JAVA_OPTS=${LARDER_JAVA_OPTS:--Xmx6g}
larder="$root/larder"
echo "# $(date -Is) $(uname -n) cores=$(nproc) mem=$(free -g | awk '/Mem:/{print $2}')GiB customers=$customers"
csv="$out/customers-$customers.csv.gz"
[ -s "$csv" ] || "$larder" generate --customers "$customers" -o "$csv" -q
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cat > "$work/larder.yaml" <<EOF
jobs:
  bench-segments:
    type: segments
    source: { file: $csv, columns: { customer: customer_id, timestamp: timestamp, amount: amount, order: order_id } }
    kmeans: { k: 5 }
EOF
secs() { local t0=$(date +%s.%N); "$@" >/dev/null; echo "$(date +%s.%N) - $t0" | bc; }

echo "## baseline: zcat | wc -l"
echo "BASE read_s=$(secs bash -c "zcat '$csv' | wc -l")"

run_on() { # store label
  for pass in 1 2; do
    echo "## larder run on $2, pass $pass"
    "$larder" run "$work/larder.yaml" --quiet --db "$1" | tee "$work/run.txt" | grep -E "published|input|timing"
    sed -nE 's/.*read ([0-9.]+) s, segmenting ([0-9.]+) s, publish ([0-9.]+) s.*/RUN '"$2"' pass='"$pass"' read_s=\1 segment_s=\2 publish_s=\3/p' "$work/run.txt"
  done
  # The rows as a plain CSV, for the store's own bulk load below.
  for s in 1 2 3 4 5; do "$larder" segment members --job bench-segments --segment "$s" --db "$1" | tail -n +2 \
    | sed "s/^/$s,/"; done > "$work/rows.csv"
  echo "EXPORT $2 rows=$(wc -l < "$work/rows.csv")"
}

run_on "$work/bench.db" sqlite
cols="segment_id INTEGER, customer_id TEXT, distance REAL, recency_days REAL, frequency REAL, monetary REAL, rfm_score TEXT"
echo "BASE sqlite_import_s=$(secs sqlite3 "$work/base.db" \
  "CREATE TABLE t ($cols, PRIMARY KEY (customer_id)) WITHOUT ROWID;" ".mode csv" ".import $work/rows.csv t")"

if [ -z "${SKIP_PG:-}" ]; then
  schema=bench_segments_$$
  psql -h 127.0.0.1 -U postgres -d test -qc "CREATE SCHEMA $schema"
  url=${PG_URL:-"jdbc:postgresql://127.0.0.1:5432/test?user=postgres&currentSchema=$schema"}
  run_on "$url" postgres
  echo "BASE pg_copy_s=$(secs psql -h 127.0.0.1 -U postgres -d test -qc "SET search_path=$schema;
    CREATE TABLE t ($cols, PRIMARY KEY (customer_id));" -c "\\copy $schema.t FROM '$work/rows.csv' CSV")"
  psql -h 127.0.0.1 -U postgres -d test -qc "DROP SCHEMA $schema CASCADE"
fi

echo "## Summary (ratios within this run)"
awk '
  function kv(line, a,   i, p) { for (i = 2; i <= NF; i++) { split($i, p, "="); a[p[1]] = p[2] } }
  /^BASE/ { kv($0, b) }
  /^RUN sqlite pass=2/ { kv($0, s) }
  /^RUN postgres pass=2/ { kv($0, g) }
  /^EXPORT sqlite/ { split($3, p, "="); n = p[2] }
  END {
    printf "read: larder %.1f s vs zcat|wc %.1f s -> %.2fx\n", s["read_s"], b["read_s"], s["read_s"] / b["read_s"]
    printf "segment (k=5, 4 restarts): %.1f s\n", s["segment_s"]
    printf "sqlite publish: %.1f s (%.0f rows/s) vs sqlite3 .import %.1f s -> %.2fx\n", s["publish_s"], n / s["publish_s"], b["sqlite_import_s"], s["publish_s"] / b["sqlite_import_s"]
    if (g["publish_s"]) printf "postgres publish: %.1f s (%.0f rows/s) vs psql \\copy %.1f s -> %.2fx\n", g["publish_s"], n / g["publish_s"], b["pg_copy_s"], g["publish_s"] / b["pg_copy_s"]
  }' "$log"
echo "# log: $log"
