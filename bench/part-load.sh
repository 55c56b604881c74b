#!/usr/bin/env bash
# One part of a batch loaded by PartWriter (ledger row, COPY, count, commit: what each Spark task does) against
# psql's \copy of the same rows into a bare table of the same shape, in the same run; prints the ratio.
#   bench/part-load.sh [users=200000] [list_length=10]
# Environment: BENCH_OUT (default /tmp/larder-bench); LARDER_TARGET (build folder, default target); JAVA.
set -euo pipefail
export PGOPTIONS="-c client_min_messages=warning"
root=$(cd "$(dirname "$0")/.." && pwd)
users=${1:-200000}; n=${2:-10}
out=${BENCH_OUT:-/tmp/larder-bench}; mkdir -p "$out"
target=${LARDER_TARGET:-target}
java=${JAVA:-java}
log="$out/part-load-$(date +%Y%m%d-%H%M%S).log"
exec > >(tee "$log") 2>&1
echo "# $(date -Is) $(uname -n) cores=$(nproc) users=$users list_length=$n rows=$((users * n))"
(cd "$root" && mvn -B -q -o -Dlarder.target="$target" -pl larder-bench -am -P bench package -DskipTests)
jar="$root/larder-bench/$target/larder-bench-benchmarks.jar"
work=$(mktemp -d); schema=bench_parts_$$
psql_() { psql -h 127.0.0.1 -U postgres -d test -q "$@"; }
trap 'psql_ -c "DROP SCHEMA IF EXISTS $schema CASCADE"; rm -rf "$work"' EXIT
psql_ -c "CREATE SCHEMA $schema"
url="jdbc:postgresql://127.0.0.1:5432/test?user=postgres&currentSchema=$schema"
"$java" -Xmx2g -cp "$jar" larder.bench.PartLoadBench part-load --db "$url" --users "$users" --n "$n" --runs 3 --tsv "$work/rows.tsv" \
  | tee "$work/part.txt"
for run in 1 2 3; do
  psql_ -c "DROP TABLE IF EXISTS $schema.t" -c "CREATE TABLE $schema.t (LIKE $schema.larder_rec_rows)"
  t0=$(date +%s.%N)
  psql_ -c "\\copy $schema.t FROM '$work/rows.tsv'"
  s=$(echo "$(date +%s.%N) - $t0" | bc)
  echo "PSQL rows=$((users * n)) seconds=$s rows_per_s=$(echo "$users * $n / $s" | bc)"
done | tee "$work/psql.txt"
best() { sed -E 's/.*rows_per_s=([0-9.]+).*/\1/' "$1" | sort -g | tail -1; }
part=$(best "$work/part.txt"); base=$(best "$work/psql.txt")
echo "RATIO part_writer_rows_per_s=$part psql_copy_rows_per_s=$base part/psql=$(echo "scale=2; $part / $base" | bc)"
echo "# log: $log (best of 3 each; the part writer's time includes its connection, ledger row and commit)"
