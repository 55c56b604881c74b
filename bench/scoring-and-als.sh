#!/usr/bin/env bash
# End-to-end scoring and ALS benchmark on generated data, each figure next to a baseline run in the same session.
#   bench/scoring-and-als.sh [users=100000] [items=20000] [interactions=5000000] [rank=64] [larder_iters=5] [spark_iters=3]
# Environment: BENCH_OUT (default /tmp/larder-bench) for the CSV and the log; LARDER_TARGET (build folder,
# default target); SKIP_SPARK=1 / SKIP_SCORE=1 / SKIP_ALS=1 to leave parts out; BIG_USERS (default 4×users) for the
# memory check (SKIP_BIG=1 leaves it out); RANKS (default: the rank argument) to score at several ranks, each
# between two sgemm runs of its shape; KERNELS (default "auto"; e.g. "auto scalar") to score with each
# -Dlarder.kernel; JAVA (default java).
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
kernel=auto
run() { /usr/bin/time -f "peak_rss_mib=%M" "$java" -Xms1g -Xmx8g --add-modules jdk.incubator.vector \
  -Dlarder.kernel="$kernel" -cp "$jar" larder.bench.ScoringAndAlsBench "$@" 2>&1 \
  | grep -v '^WARNING: Using incubator modules' \
  | sed -E 's/^peak_rss_mib=([0-9]+)$/echo "PEAK_RSS_MIB $((\1\/1024))"/e'; }

if [ -z "${SKIP_SCORE:-}" ]; then
  for r in ${RANKS:-$rank}; do
    echo "## sgemm reference (before scoring), rank $r"; "$shared/sgemm-reference" 4096 "$r" "$items"
    for kernel in ${KERNELS:-auto}; do
      echo "## Larder all-user top-10 scoring, $users users, rank $r, kernel $kernel"
      run score --users "$users" --items "$items" --interactions "$events" --rank "$r" --runs 3
    done
    kernel=auto
    if [ -z "${SKIP_BIG:-}" ]; then
      echo "## Larder all-user top-10 scoring, $big_users users (memory check), rank $r"
      run score --users "$big_users" --items "$items" --interactions $((events * big_users / users)) --rank "$r" --runs 2
    fi
    echo "## sgemm reference (after scoring), rank $r"; "$shared/sgemm-reference" 4096 "$r" "$items"
  done
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
awk -v iters="$iters" -v spark_iters="$spark_iters" -v users="$users" '
  function median(arr, n,   i, j, t) {
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (arr[j] < arr[i]) { t = arr[i]; arr[i] = arr[j]; arr[j] = t }
    return n % 2 ? arr[(n + 1) / 2] : (arr[n / 2] + arr[n / 2 + 1]) / 2
  }
  /^sgemm_reference/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); g[kv[1]] = kv[2] }
                       split(g["shape"], sh, "x|@"); rk = sh[2]; refsum[rk] += g["gflops"]; nref[rk]++ }
  /^SCORE/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
             if (f["users"] == users) { key = f["rank"] " " f["kernel"]; n = ++ns[key]; sc[key, n] = f["gflops"] + 0
               if (!(key in seen)) { seen[key] = 1; keys[++nk] = key } } }
  /^ALS users/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); a[kv[1]] = kv[2] } }
  /^PHASE als-fit/ { spark_fit = $(NF - 1) }
  END {
    for (q = 1; q <= nk; q++) {
      key = keys[q]; split(key, kk, " "); n = ns[key]; best = 0
      for (i = 1; i <= n; i++) { v[i] = sc[key, i]; if (v[i] > best) best = v[i] }
      med = median(v, n)
      if (nref[kk[1]]) { r = refsum[kk[1]] / nref[kk[1]]
        printf "scoring rank %s kernel %s: Larder median %.1f GFLOP/s (best %.1f, %d runs) vs sgemm %.1f (mean of %d runs before/after) = %.2f of BLAS median, %.2f best (goal >= 0.75)\n", kk[1], kk[2], med, best, n, r, nref[kk[1]], med / r, best / r }
    }
    if (a["seconds_per_iter_mean"] != "" && spark_fit != "") {
      s = spark_fit / spark_iters
      printf "als: Larder %.2f s/iteration (mean of %s, iteration 1 incl. set-up) vs Spark %.2f s/iteration (fit %.1f s / %d, incl. set-up) = %.1fx (goal >= 10x)\n", a["seconds_per_iter_mean"], iters, s, spark_fit, spark_iters, s / a["seconds_per_iter_mean"]
    }
  }' "$log"
echo "# log: $log"
