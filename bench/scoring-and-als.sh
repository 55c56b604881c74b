#!/usr/bin/env bash
# End-to-end scoring and ALS benchmark on generated data, each figure next to a baseline run in the same session.
#   bench/scoring-and-als.sh [users=100000] [items=20000] [interactions=5000000] [rank=64] [larder_iters=5] [spark_iters=3]
# Environment: BENCH_OUT (default /tmp/larder-bench) for the CSV and the log; LARDER_TARGET (build folder,
# default target); SKIP_SPARK=1 / SKIP_SCORE=1 / SKIP_ALS=1 to leave parts out; BIG_USERS (default 4×users) for the
# memory check; JAVA (default java).
# Needs ../shared/bench (sgemm-reference, spark-reference) beside the checkout. Prints a summary of ratios at the end.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED_BENCH:-$root/../shared/bench}
users=${1:-100000}; items=${2:-20000}; events=${3:-5000000}; rank=${4:-64}; iters=${5:-5}; spark_iters=${6:-3}
big_users=${BIG_USERS:-$((users * 4))}
out=${BENCH_OUT:-/tmp/larder-bench}; mkdir -p "$out"
target=${LARDER_TARGET:-target}
java=${JAVA:-java}
log="$out/scoring-and-als-$(date +%Y%m%d-%H%M%S).log"
exec > >(tee "$log") 2>&1
echo "# $(date -Is) $(uname -n) cores=$(nproc) mem=$(free -g | awk '/Mem:/{print $2}')GiB"
echo "# shape users=$users items=$items events=$events rank=$rank larder_iters=$iters spark_iters=$spark_iters"
(cd "$root" && mvn -B -q -Dlarder.target="$target" -pl larder-bench -am -P bench package -DskipTests)
jar="$root/larder-bench/$target/larder-bench-benchmarks.jar"
run() { /usr/bin/time -f "peak_rss_mib=%M" "$java" -Xms1g -Xmx8g -cp "$jar" larder.bench.ScoringAndAlsBench "$@" 2>&1 \
  | sed -E 's/^peak_rss_mib=([0-9]+)$/echo "PEAK_RSS_MIB $((\1\/1024))"/e'; }

if [ -z "${SKIP_SCORE:-}" ]; then
  echo "## sgemm reference (before scoring)"; "$shared/sgemm-reference" 4096 "$rank" "$items"
  echo "## Larder all-user top-10 scoring, $users users"
  run score --users "$users" --items "$items" --interactions "$events" --rank "$rank" --runs 3
  echo "## Larder all-user top-10 scoring, $big_users users (memory check)"
  run score --users "$big_users" --items "$items" --interactions $((events * big_users / users)) --rank "$rank" --runs 2
  echo "## sgemm reference (after scoring)"; "$shared/sgemm-reference" 4096 "$rank" "$items"
fi
if [ -z "${SKIP_ALS:-}" ]; then
  echo "## Larder ALS, $iters iterations (default parameters, rank $rank)"
  run als --users "$users" --items "$items" --interactions "$events" --rank "$rank" --iters "$iters" --eval "${EVAL:-0}"
fi
if [ -z "${SKIP_SPARK:-}" ]; then
  csv="$out/interactions-$users-$items-$events.csv"
  [ -s "$csv" ] || "$java" -cp "$jar" larder.bench.ScoringAndAlsBench spark-csv --users "$users" --items "$items" \
    --interactions "$events" --out "$csv"
  echo "## Spark MLlib reference ALS, $spark_iters iterations, same events ($csv)"
  "$shared/spark-reference/run" als "$csv" "$rank" "$spark_iters"
fi

echo "## Summary (ratios within this run)"
awk -v iters="$iters" -v spark_iters="$spark_iters" '
  /^sgemm_reference/ { split($2, g, "="); ref[++nref] = g[2] }
  /^SCORE/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
             if (f["users"] == first_users || first_users == "") { first_users = f["users"]; sc[++ng] = f["gflops"] + 0; if (f["gflops"] + 0 > best) best = f["gflops"] + 0 } }
  /^ALS users/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); a[kv[1]] = kv[2] } }
  /^PHASE als-fit/ { spark_fit = $(NF - 1) }
  END {
    for (i = 1; i <= ng; i++) for (j = i + 1; j <= ng; j++) if (sc[j] < sc[i]) { t = sc[i]; sc[i] = sc[j]; sc[j] = t }
    med = ng % 2 ? sc[(ng + 1) / 2] : (sc[ng / 2] + sc[ng / 2 + 1]) / 2
    if (nref) { r = (ref[1] + ref[nref]) / 2; printf "scoring: Larder median %.1f GFLOP/s (best %.1f, %d runs) vs sgemm %.1f (mean of %d runs before/after) = %.2f of BLAS median, %.2f best (goal >= 0.5)\n", med, best, ng, r, nref, med / r, best / r }
    if (a["seconds_per_iter_mean"] != "" && spark_fit != "") {
      s = spark_fit / spark_iters
      printf "als: Larder %.2f s/iteration (mean of %s, iteration 1 incl. set-up) vs Spark %.2f s/iteration (fit %.1f s / %d, incl. set-up) = %.1fx (goal >= 5x)\n", a["seconds_per_iter_mean"], iters, s, spark_fit, spark_iters, s / a["seconds_per_iter_mean"]
    }
  }' "$log"
echo "# log: $log"
