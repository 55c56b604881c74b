#!/usr/bin/env bash
# Item-kNN's two neighbourhood forms over a grid of k × shrink × similarity (× normalisation), on both real data sets.
#   bench/knn-forms.sh [movielens|lastfm|all] [extra KnnFormsBench options, e.g. --normalize none,rows]
# Protocol as bench/accuracy.sh (per-user random 25% holdout, seed 7, top-10, training items left out); one
# similarity pass per (similarity, shrink) at the largest k, every smaller k and both forms cut from it.
# Data: ../shared/data (MovieLens ml-latest-small, GroupLens; Last.fm hetrec-2k, HetRec 2011), read as gzip streams.
# Environment: DATA (default ../shared/data), LARDER_TARGET (build folder, default target), JAVA.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
data=${DATA:-$root/../shared/data}
which=${1:-all}
shift || true
target=${LARDER_TARGET:-target}
java=${JAVA:-java}
echo "# $(date -Is) $(uname -n) cores=$(nproc) $("$java" -version 2>&1 | head -1)"
(cd "$root" && mvn -B -q -Dlarder.target="$target" -pl larder-bench -am -P bench package -DskipTests)
jar="$root/larder-bench/$target/larder-bench-benchmarks.jar"
run() { "$java" -Xmx4g -cp "$jar" larder.bench.KnnFormsBench "$@"; }
if [ "$which" = all ] || [ "$which" = movielens ]; then
  run movielens-ratings --path "$data/ml-latest-small/ratings.csv.gz" "$@"
fi
if [ "$which" = all ] || [ "$which" = lastfm ]; then
  run lastfm --path "$data/lastfm-2k/user_artists.dat.gz" "$@"
fi
