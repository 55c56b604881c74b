#!/usr/bin/env bash
# ALS on the real data sets against Spark MLlib: time per iteration and ranking quality, in one run.
#   bench/als-real.sh [lastfm|movielens|all] [iterations=15]
# Per data set, on the per-user 25% holdout of bench/accuracy.sh (seed 7):
#   1. Larder's ALS with its defaults (weighted λ) and with one λ for every row: fit seconds and NDCG@10
#      (AccuracyBench, which also writes the training part as user,item,count);
#   2. Spark MLlib's ALS on the same training pairs (../shared/bench/spark-reference, rank 64, local[2]): fit
#      seconds (its own settings: regParam 0.01, alpha 1 on the raw values);
#   3. quality on Spark: `larder run` of the same job with engine: spark (MLlib's ALS as Larder hands it the
#      settings: the same confidences, regParam = λ / s) and evaluate: { holdout: 0.25, seed: 7 }, beside engine:
#      local, from the metrics each run stores.
# Needs larder-spark built (mvn -B -pl larder-spark -am package -DskipTests) and ../shared beside the checkout.
# Environment: DATA (default ../shared/data), BENCH_OUT (default /tmp/larder-bench), JAVA, SKIP_ENGINES=1.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
data=${DATA:-$root/../shared/data}
shared=${SHARED_BENCH:-$root/../shared/bench}
which=${1:-all}; iters=${2:-15}
out=${BENCH_OUT:-/tmp/larder-bench}/als-real; mkdir -p "$out"
java=${JAVA:-java}
log="$out/als-real-$(date +%Y%m%d-%H%M%S).log"
exec > >(tee "$log") 2>&1
echo "# $(date -Is) $(uname -n) cores=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)"
(cd "$root" && mvn -B -q -pl larder-bench -am -P bench package -DskipTests)
jar="$root/larder-bench/target/larder-bench-benchmarks.jar"
spark_jar=${LARDER_SPARK_JAR:-$root/larder-spark/target/larder-spark-local.jar}

one() { # name preset file job-format
  local name=$1 preset=$2 file=$3 format=$4
  echo "## $name: Larder ALS (defaults, and one λ for every row), $iters iterations"
  "$java" -Xmx4g --add-modules jdk.incubator.vector -cp "$jar" larder.bench.AccuracyBench "$preset" --path "$file" \
    --models als,als-constant --train-csv "$out/$name-train.csv" 2>&1 | grep -v '^WARNING: Using incubator'
  echo "## $name: Spark MLlib reference ALS, rank 64, $iters iterations, same training pairs (load $(cut -d' ' -f1 /proc/loadavg))"
  "$shared/spark-reference/run" als "$out/$name-train.csv" 64 "$iters" | sed "s/^PHASE als-fit/PHASE $name-als-fit/"
  [ -n "${SKIP_ENGINES:-}" ] && return
  for engine in local spark; do
    cat > "$out/$name-$engine.yaml" <<EOF
engine: $engine
spark: { master: "local[2]" }
jobs:
  $name:
    source: { file: $file, format: $format }
    model: { type: als, iterations: $iters }
    evaluate: { holdout: 0.25, seed: 7 }
EOF
    rm -f "$out/$name-$engine.db"
    echo "## $name: larder run, engine: $engine, evaluate: { holdout: 0.25, seed: 7 }"
    LARDER_SPARK_JAR=$spark_jar "$root/larder" run "$out/$name-$engine.yaml" --db "$out/$name-$engine.db" 2>&1 \
      | grep -E "MLlib ALS:|training  |ndcg  |precision  " | sed "s/^/ENGINE $name $engine /"
  done
}

if [ "$which" = all ] || [ "$which" = lastfm ]; then
  one lastfm lastfm "$data/lastfm-2k/user_artists.dat.gz" lastfm
fi
if [ "$which" = all ] || [ "$which" = movielens ]; then
  one movielens movielens-ratings "$data/ml-latest-small/ratings.csv.gz" movielens-ratings
fi

echo "## Summary (ratios within this run)"
awk -v iters="$iters" '
  /^EVAL/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
            d = f["dataset"] == "movielens-ratings" ? "movielens" : f["dataset"]
            fit[d, f["model"]] = f["fit_seconds"]; ndcg[d, f["model"]] = f["ndcg@10"]; if (!(d in seen)) { seen[d] = 1; ds[++n] = d } }
  /^PHASE [a-z]+-als-fit/ { split($2, p, "-"); spark[p[1]] = $(NF - 1) }
  /^ENGINE .* ndcg/ { sndcg[$2, $3] = $5 }
  END {
    for (q = 1; q <= n; q++) { d = ds[q]
      if (spark[d] != "") printf "%s: Larder ALS %.3f s/iteration (fit %.2f s / %d, set-up and JIT included) vs Spark MLlib %.3f s/iteration (fit %.1f s / %d) = %.1fx (goal >= 10x)\n", d, fit[d, "als"] / iters, fit[d, "als"], iters, spark[d] / iters, spark[d], iters, spark[d] / fit[d, "als"]
      printf "%s: NDCG@10 Larder weighted %s, one lambda %s; engine local %s vs engine spark (MLlib) %s\n", d, ndcg[d, "als"], ndcg[d, "als-constant"], sndcg[d, "local"], sndcg[d, "spark"]
    }
  }' "$log"
