#!/usr/bin/env bash
# Importing another model's scores end to end (read, validate, check, publish) on SQLite and PostgreSQL, next to
# the stores' own bulk load of the same CSV into a table with the same key and by-score index, in the same run.
#   bench/import.sh [entities=1000000]
# Environment: BENCH_OUT (default /tmp/larder-bench); SKIP_PG=1.
set -euo pipefail
export PGOPTIONS="-c client_min_messages=warning"
root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-1000000}
out=${BENCH_OUT:-/tmp/larder-bench}; mkdir -p "$out"
log="$out/import-$(date +%Y%m%d-%H%M%S).log"
exec > >(tee "$log") 2>&1
echo "# $(date -Is) $(uname -n) cores=$(nproc) entities=$n"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
csv="$work/scores.csv"
python3 - "$n" "$csv" <<'PY'
import random, sys
random.seed(1)
n, path = int(sys.argv[1]), sys.argv[2]
with open(path, 'w') as f:
    f.write('customer_id,p,band\n')
    for i in range(n):
        p = random.random()
        f.write('c%08d,%.6f,%s\n' % (i, p, 'high' if p > 0.8 else ('medium' if p > 0.4 else '')))
PY
gzip -k "$csv"
cat > "$work/larder.yaml" <<YAML
jobs:
  churn:
    type: import
    source: { file: $csv.gz, columns: { entity: customer_id, score: p, label: band } }
    checks: { min_rows: 1, score_min: 0, score_max: 1, max_row_change: 0.1 }
YAML
secs() { local t0=$(date +%s.%N); "$@" >/dev/null; echo "$(date +%s.%N) - $t0" | bc; }
run() { # db label
  for pass in 1 2; do
    echo "RUN $2 pass=$pass seconds=$(secs "$root/larder" run "$work/larder.yaml" --quiet --db "$1")"
  done
}
run "$work/imp.db" sqlite
echo "BASE sqlite_import_s=$(secs sqlite3 "$work/base.db" \
  "CREATE TABLE t (entity_id TEXT, score REAL, label TEXT, PRIMARY KEY (entity_id)) WITHOUT ROWID;" \
  "CREATE INDEX t_s ON t (score DESC, entity_id);" ".mode csv" ".import --skip 1 $csv t")"
if [ -z "${SKIP_PG:-}" ]; then
  schema=bench_import_$$
  psql -h 127.0.0.1 -U postgres -d test -qc "CREATE SCHEMA $schema"
  run "jdbc:postgresql://127.0.0.1:5432/test?user=postgres&currentSchema=$schema" postgres
  echo "BASE pg_copy_index_s=$(secs psql -h 127.0.0.1 -U postgres -d test -q \
    -c "CREATE TABLE $schema.t (entity_id TEXT COLLATE \"C\" PRIMARY KEY, score DOUBLE PRECISION, label TEXT)" \
    -c "\\copy $schema.t FROM '$csv' CSV HEADER" -c "CREATE INDEX ON $schema.t (score DESC, entity_id)")"
  psql -h 127.0.0.1 -U postgres -d test -qc "DROP SCHEMA $schema CASCADE"
fi
echo "# log: $log (larder's figures are whole processes: JVM start, reading the gzip file, checks, publish)"
