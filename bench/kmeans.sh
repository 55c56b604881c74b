#!/usr/bin/env bash
# k-means on RFM-like customer features against scikit-learn and Spark MLlib on the same CSV, in the same session.
#   bench/kmeans.sh [customers=1000000] [k=8] [iters=20] [runs=3]
# Data: larder.bench.KMeansBench features (five planted customer segments; recency, orders and spend drawn
# lognormally, log1p, standardised; seed 1), header f1,f2,f3. Like for like: every tool runs single-start
# k-means++ fits of exactly `iters` iterations with tolerance 0 (Spark: k-means|| init), `runs` seeds, median time.
# Larder also prints a fit with its defaults (4 restarts, tolerance 1e-4) and, with LLOYD=1, its plain-Lloyd oracle.
# Environment: BENCH_OUT (default /tmp/larder-bench) for the CSV and the log; LARDER_TARGET (build folder,
# default target); SKIP_SPARK=1 / SKIP_SKLEARN=1; THREADS (default: cores); JAVA (default java); KERNEL
# (-Dlarder.kernel: auto, as `larder run` with the launcher's --add-modules, or scalar).
# Needs ../shared/bench (kmeans-reference, spark-reference) beside the checkout. Prints a summary of ratios at the end.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED_BENCH:-$root/../shared/bench}
customers=${1:-1000000}; k=${2:-8}; iters=${3:-20}; runs=${4:-3}
threads=${THREADS:-$(nproc)}
out=${BENCH_OUT:-/tmp/larder-bench}; mkdir -p "$out"
target=${LARDER_TARGET:-target}
java=${JAVA:-java}
log="$out/kmeans-$(date +%Y%m%d-%H%M%S).log"
exec > >(tee "$log") 2>&1
echo "# $(date -Is) $(uname -n) cores=$(nproc) mem=$(free -g | awk '/Mem:/{print $2}')GiB"
echo "# shape customers=$customers features=3 k=$k iters=$iters runs=$runs threads=$threads"
(cd "$root" && mvn -B -q -Dlarder.target="$target" -pl larder-bench -am -P bench package -DskipTests)
jar="$root/larder-bench/$target/larder-bench-benchmarks.jar"
csv="$out/kmeans-features-$customers.csv"
[ -s "$csv" ] || "$java" -cp "$jar" larder.bench.KMeansBench features --customers "$customers" --out "$csv"

if [ -z "${SKIP_SKLEARN:-}" ]; then
  echo "## scikit-learn KMeans (Lloyd, k-means++, n_init=1, tol=0), $iters iterations, $runs fits"
  "$shared/kmeans-reference" "$csv" "$k" "$iters" "$runs"
fi
echo "## Larder k-means (Hamerly, k-means++, 1 start, tol 0), $iters iterations, $runs fits, $threads threads"
/usr/bin/time -f "peak_rss_mib=%M" "$java" -Xms1g -Xmx4g --add-modules jdk.incubator.vector \
  -Dlarder.kernel="${KERNEL:-auto}" -cp "$jar" larder.bench.KMeansBench fit --in "$csv" \
  --k "$k" --iters "$iters" --runs "$runs" --threads "$threads" --lloyd "${LLOYD:-0}" 2>&1 \
  | grep -v '^WARNING: Using incubator modules' \
  | sed -E 's/^peak_rss_mib=([0-9]+)$/echo "PEAK_RSS_MIB $((\1\/1024))"/e'
if [ -z "${SKIP_SPARK:-}" ]; then
  echo "## Spark MLlib KMeans (k-means||, tol=0), $iters iterations, 3 fits"
  "$shared/spark-reference/run" kmeans "$csv" "$k" "$iters"
fi

echo "## Summary (ratios within this run)"
awk -v iters="$iters" '
  /^median_fit_s=/ { split($1, kv, "="); sk = kv[2] + 0 }
  /^KMEANS-SUMMARY/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] } ; larder = f["median_fit_s"] + 0 }
  /^KMEANS mode=fixed/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); g[kv[1]] = kv[2] } ; it[++nit] = g["seconds_per_iter_median"] + 0 }
  /^PHASE kmeans-fit run/ { sp[++nsp] = $(NF - 1) + 0 }
  END {
    for (i = 1; i <= nsp; i++) for (j = i + 1; j <= nsp; j++) if (sp[j] < sp[i]) { t = sp[i]; sp[i] = sp[j]; sp[j] = t }
    spark = nsp ? sp[int((nsp + 1) / 2)] : 0
    if (larder) printf "larder: median fit %.3f s (%d iterations, seeding included), %.1f ms per iteration (median of last run)\n", larder, iters, it[nit] * 1000
    if (larder && sk) printf "scikit-learn: median fit %.3f s -> Larder/sklearn time = %.2f (goal <= 1)\n", sk, larder / sk
    if (larder && spark) printf "spark: median fit %.2f s -> Spark/Larder time = %.1fx (goal >= 10x)\n", spark, spark / larder
  }' "$log"
echo "# log: $log"
