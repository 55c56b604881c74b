#!/usr/bin/env bash
# An ALS job at scale, end to end into PostgreSQL, three ways in one run (BENCHMARKS.md section 11):
#   plain   Spark MLlib as a Spark user would write it: read, ALS.fit, recommendForAllUsers(10), posexplode, Spark's
#           JDBC writer; write task 1 fails once after its commit (local[2,3] retries it)
#   spark   larder run with engine: spark (local[2,3]), the same CSV; part 1 fails once after its commit
#   parquet larder run with engine: spark (local[2]), the same interactions as Parquet
#   local   larder run with engine: local, the same CSV
# Each prints its phases, wall and CPU time and peak RSS (driver and executors share the one JVM of a local
# master); then the row and distinct (user, rank) counts of each published table.
#   bench/spark-scale.sh [users=1000000] [items=50000] [interactions=50000000]
# Environment: RANK (32), ITERS (5), PARTS (8: ALS blocks and scoring parts), RUNS (plain spark parquet local),
#   SKIP_BUILD (set: use the classes already built), MASTER (the spark and parquet runs' master, default local[2,3] and local[2]),
#   BENCH_OUT (/tmp/larder-bench; the data is kept there between runs), XMX (12g).
set -euo pipefail
export PGOPTIONS="-c client_min_messages=warning"
root=$(cd "$(dirname "$0")/.." && pwd)
users=${1:-1000000}; items=${2:-50000}; interactions=${3:-50000000}
rank=${RANK:-32}; iters=${ITERS:-5}; parts=${PARTS:-8}; runs=${RUNS:-plain spark parquet local}; xmx=${XMX:-12g}
out=${BENCH_OUT:-/tmp/larder-bench}; mkdir -p "$out"
data="$out/spark-scale-$users-$items-$interactions"; mkdir -p "$data"
log="$out/spark-scale-$(date +%Y%m%d-%H%M%S).log"
exec > >(tee "$log") 2>&1
echo "# $(date -Is) $(uname -n) cores=$(nproc) users=$users items=$items interactions=$interactions rank=$rank iters=$iters parts=$parts"
command -v /usr/bin/time >/dev/null || (apt-get update -qq && apt-get install -y -qq time) >/dev/null

[ -n "${SKIP_BUILD:-}" ] || (cd "$root" && mvn -B -q -o package -DskipTests -pl larder-spark -am \
  dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$out/spark-cp.txt")
# Larder's own modules from this checkout's classes, not from ~/.m2 (another checkout may install there meanwhile)
cp="$root/larder-spark/target/test-classes:$root/larder-spark/target/classes:$(tr ':' '\n' <"$out/spark-cp.txt" \
  | sed -E "s#^.*/org/larder/(larder-[a-z]+)/[^/]+/[^/]+\.jar\$#$root/\1/target/classes#" | paste -sd:)"
# Spark's --add-opens list, as the Spark engine's manifest carries it (the pom's spark.add.opens), plus the two
# properties spark-submit would set.
mapfile -t opens < <(unzip -p "$root/larder-spark/target/larder-spark-local.jar" META-INF/MANIFEST.MF | tr -d '\r' \
  | awk '/^Add-Opens:/ { f = 1; sub(/^Add-Opens: /, ""); s = $0; next } f && /^ / { s = s substr($0, 2); next } { f = 0 }
         END { print s }' | tr ' ' '\n' | sed 's/^/--add-opens=/; s/$/=ALL-UNNAMED/')
opens+=(-Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true)
jvm() { /usr/bin/time -f "TIME wall=%e s user=%U s sys=%S s peak_rss=%M KiB" java -Xmx"$xmx" -XX:+UseParallelGC "${opens[@]}" -cp "$cp" "$@"; }

csv="$data/events.csv"; parquet="$data/events.parquet"
[ -s "$csv" ] || "$root/larder" generate --format spark -o "$csv" --users "$users" --items "$items" --interactions "$interactions" --seed 1 -q
[ -d "$parquet" ] || jvm larder.spark.bench.PlainSparkPath parquet "$csv" "$parquet" | grep -E '^(PHASE|TIME)'
echo "# data: $(($(wc -l <"$csv") - 1)) rows, csv $(du -sh "$csv" | cut -f1), parquet $(du -sh "$parquet" | cut -f1)"

schema=spark_scale_$users  # one schema per data size: a smaller run must not meet the larger one's shrink check
psql_() { psql -h 127.0.0.1 -U postgres -d test -q "$@"; }
psql_ -c "CREATE SCHEMA IF NOT EXISTS $schema"  # kept between runs: each run replaces its own job's batch
url="jdbc:postgresql://127.0.0.1:5432/test?user=postgres&currentSchema=$schema"
config() { # name engine master source
  cat >"$data/$1.yaml" <<EOF
engine: $2
spark: { master: "$3", partitions: $parts, max_writers: 2 }
jobs:
  $1:
    type: recommendations
    source: $4
    model: { type: als, factors: $rank, iterations: $iters }
    top_n: 10
EOF
}
csv_source="{ file: $csv, columns: { user: user, item: item, weight: count } }"
parquet_source="{ parquet: $parquet, columns: { user: user, item: item, weight: count } }"
larder_counts() { # job
  psql_ -At -F' ' -c "SELECT count(*), count(DISTINCT (user_id, rank)) FROM $schema.larder_rec_rows r
    JOIN $schema.larder_batch b USING (batch_id) WHERE b.job = '$1' AND b.status = 'published'" \
    | awk -v j="$1" '{ printf "ROWS %s: %\047d rows, %\047d distinct (user, rank), %\047d duplicates\n", j, $1, $2, $1 - $2 }'
}
for run in $runs; do
  echo "## $run"
  case $run in
    plain)
      reg=${REG:-0.01}
      jvm larder.spark.bench.PlainSparkPath als "$csv" "$url" "$schema.plain_recs" "$rank" "$iters" "$parts" "$reg" \
        --fail-after-commit 1 | grep -E '^(PHASE|ROWS|TIME)|Exception' ;;
    spark)
      config spark spark "${MASTER:-local[2,3]}" "$csv_source"
      jvm larder.spark.FailOnceAfterCommit 1 run "$data/spark.yaml" --db "$url" 2>&1 | grep -vE '^\s*$|WARN|^\s+at ' | tail -40
      larder_counts spark ;;
    parquet)
      config parquet spark "${MASTER:-local[2]}" "$parquet_source"
      jvm larder.spark.SparkMain run "$data/parquet.yaml" --db "$url" 2>&1 | grep -vE '^\s*$|WARN|^\s+at ' | tail -40
      larder_counts parquet ;;
    local)
      config local local "local[2]" "$csv_source"
      jvm larder.spark.SparkMain run "$data/local.yaml" --db "$url" 2>&1 | grep -vE '^\s*$|WARN|^\s+at ' | tail -40
      larder_counts local ;;
  esac
done
echo "# log: $log"
