#!/usr/bin/env bash
# EASE's inverse against LAPACK's Cholesky inverse (potrf + potri, OpenBLAS through scipy) of the same Gram matrix,
# both measured in this run: 5,000 random items, ml-latest-small's 9,724 movies, Last.fm hetrec-2k's 17,632 artists.
#   bench/ease-inverse.sh [cases=random5000,movielens,lastfm]
# The reference runs before and after Larder for each case; the ratio is Larder's time over their mean (goal <= 2).
# Data (gzip streams from ../shared/data, never copied into the repository):
#   MovieLens ml-latest-small ratings (F. M. Harper and J. A. Konstan, ACM TiiS 5(4), 2015; GroupLens)
#   Last.fm hetrec-2k user_artists (Cantador, Brusilovsky, Kuflik: HetRec 2011, RecSys 2011; Last.fm)
# Environment: DATA (default ../shared/data), SHARED_BENCH (default ../shared/bench), LARDER_TARGET, JAVA, THREADS,
# BENCH_OUT (default /tmp/larder-bench) for the log.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
data=${DATA:-$root/../shared/data}
shared=${SHARED_BENCH:-$root/../shared/bench}
cases=${1:-random5000,movielens,lastfm}
target=${LARDER_TARGET:-target}
java=${JAVA:-java}
threads=${THREADS:-2}
out=${BENCH_OUT:-/tmp/larder-bench}; mkdir -p "$out"
log="$out/ease-inverse-$(date +%Y%m%d-%H%M%S).log"
exec > >(tee "$log") 2>&1
echo "# $(date -Is) $(uname -n) cores=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg) $("$java" -version 2>&1 | head -1)"
[ -n "${SKIP_BUILD:-}" ] || (cd "$root" && mvn -B -q -Dlarder.target="$target" -pl larder-bench -am -P bench package -DskipTests)
jar="$root/larder-bench/$target/larder-bench-benchmarks.jar"
larder() { /usr/bin/time -f "PEAK_RSS_KIB %M" "$java" -Xmx12g -cp "$jar" larder.bench.EaseInverseBench "$@" \
  --threads "$threads"; }
reference() { /usr/bin/time -f "PEAK_RSS_KIB %M" "$shared/spd-inverse-reference" "$1"; }
for c in ${cases//,/ }; do
  case "$c" in
    random*) n=${c#random}; ref=$n; args=(random --items "$n") ;;
    movielens) ref="$data/ml-latest-small/ratings.csv.gz"; args=(movielens-ratings --path "$ref") ;;
    lastfm) ref="$data/lastfm-2k/user_artists.dat.gz"; args=(lastfm --path "$ref") ;;
    *) echo "unknown case $c" >&2; exit 2 ;;
  esac
  echo "## $c: reference, Larder, reference (load $(cut -d' ' -f1 /proc/loadavg))"
  reference "$ref"
  larder "${args[@]}"
  reference "$ref"
done
echo "## Summary (Larder's double inverse over the mean of the two double references of the same case)"
awk '
  /^spd_inverse_reference/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    k = f["items"] " " f["dtype"]; sum[k] += f["seconds"]; cnt[k]++ }
  /^EASE_INV/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); g[kv[1]] = kv[2] }
    items[++m] = g["items"]; secs[m] = g["seconds"]; heap[m] = g["heap_peak_mib"] }
  END { for (i = 1; i <= m; i++) { d = sum[items[i] " float64"] / cnt[items[i] " float64"]
    s = sum[items[i] " float32"] / cnt[items[i] " float32"]
    printf "items=%d larder=%.2fs lapack_double=%.2fs lapack_single=%.2fs ratio_vs_double=%.2f heap_peak_mib=%s (goal <= 2)\n",
      items[i], secs[i], d, s, secs[i] / d, heap[i] } }' "$log"
