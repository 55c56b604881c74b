#!/usr/bin/env bash
# Real-data ranking accuracy of the four recommenders with their default parameters.
#   bench/accuracy.sh [movielens|lastfm|all] [models=popularity,itemknn,als,ease]
# Protocol: per-user random 25% holdout (seed 7), models fitted on the other 75%, top-10 lists with each user's
# training items excluded, precision@10 and NDCG@10 (binary relevance) averaged over users with a held-out item.
# Data (read as gzip streams from ../shared/data beside the checkout, never copied into the repository):
#   MovieLens ml-latest-small ratings (F. M. Harper and J. A. Konstan, ACM TiiS 5(4), 2015; GroupLens)
#   Last.fm hetrec-2k user_artists (Cantador, Brusilovsky, Kuflik: HetRec 2011, RecSys 2011; Last.fm)
# EASE on Last.fm inverts a 17,632 × 17,632 matrix: about 4 minutes on 2 cores.
# Environment: DATA (default ../shared/data), LARDER_TARGET (build folder, default target), JAVA.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
data=${DATA:-$root/../shared/data}
which=${1:-all}
models=${2:-popularity,itemknn,als,ease}
target=${LARDER_TARGET:-target}
java=${JAVA:-java}
echo "# $(date -Is) $(uname -n) cores=$(nproc) $("$java" -version 2>&1 | head -1)"
(cd "$root" && mvn -B -q -Dlarder.target="$target" -pl larder-bench -am -P bench package -DskipTests)
jar="$root/larder-bench/$target/larder-bench-benchmarks.jar"
run() { /usr/bin/time -f "PEAK_RSS_KIB %M" "$java" -Xmx8g -cp "$jar" larder.bench.AccuracyBench "$@"; }
if [ "$which" = all ] || [ "$which" = movielens ]; then
  echo "## MovieLens ml-latest-small (Harper & Konstan 2015, GroupLens), every rating counts as an interaction"
  run movielens-ratings --path "$data/ml-latest-small/ratings.csv.gz" --models "$models"
fi
if [ "$which" = all ] || [ "$which" = lastfm ]; then
  echo "## Last.fm hetrec-2k play counts (HetRec 2011, Last.fm)"
  run lastfm --path "$data/lastfm-2k/user_artists.dat.gz" --models "$models"
fi
