#!/usr/bin/env bash
# EASE's inverse against LAPACK's Cholesky inverse (potrf + potri, OpenBLAS through scipy) of the same Gram matrix,
# both measured in this run: 5,000 random items, ml-latest-small's 9,724 movies, Last.fm hetrec-2k's 17,632 artists.
#   bench/ease-inverse.sh [cases=random5000,movielens,lastfm]
# The reference runs before and after Larder for each case; the ratio is Larder's time over their mean (goal <= 2).
# Larder's lines: NETLIB_INV (dpotrf + dpotri through dev.ludovic.netlib, the path EASE takes where a native LAPACK
# loads), EASE_INV (SpdInverse, the Java fallback; skipped above JAVA_MAX items, default 10000, as it takes minutes),
# EASE_FIT (the whole fit of a file, with its printed estimate). Both sides run without the OPENBLAS_CORETYPE and
# OPENBLAS_L2_SIZE this machine sets (older settings that slow a current OpenBLAS down 3-4x), as the reference does.
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
java_max=${JAVA_MAX:-10000}
larder() { /usr/bin/time -f "PEAK_RSS_KIB %M" env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$java" -Xmx12g -cp "$jar" larder.bench.EaseInverseBench "$@" \
  --threads "$threads" --netlib 1; }
reference() { /usr/bin/time -f "PEAK_RSS_KIB %M" "$shared/spd-inverse-reference" "$1"; }
for c in ${cases//,/ }; do
  case "$c" in
    random*) n=${c#random}; ref=$n; args=(random --items "$n") ;;
    movielens) n=9724; ref="$data/ml-latest-small/ratings.csv.gz"; args=(movielens-ratings --path "$ref") ;;
    lastfm) n=17632; ref="$data/lastfm-2k/user_artists.dat.gz"; args=(lastfm --path "$ref") ;;
    *) echo "unknown case $c" >&2; exit 2 ;;
  esac
  echo "## $c: reference, Larder, reference (load $(cut -d' ' -f1 /proc/loadavg))"
  reference "$ref"
  larder "${args[@]}" --java $(( n <= java_max ? 1 : 0 ))
  reference "$ref"
done
echo "## Summary (Larder's times over the mean of the two references of the same case, double precision)"
awk '
  /^spd_inverse_reference/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    k = f["items"] " " f["dtype"]; sum[k] += f["seconds"]; cnt[k]++ }
  /^NETLIB_INV/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); g[kv[1]] = kv[2] }
    items[++m] = g["items"]; lap[g["items"]] = g["seconds"] }
  /^EASE_INV/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); h[kv[1]] = kv[2] }
    jv[h["items"]] = h["seconds"]; heap[h["items"]] = h["heap_peak_mib"] }
  /^EASE_FIT/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); e[kv[1]] = kv[2] }
    fit[e["items"]] = e["seconds"] " (estimate " e["estimate_seconds"] " s, heap peak " e["heap_peak_mib"] " MiB)" }
  END { for (i = 1; i <= m; i++) { n = items[i]; d = sum[n " float64"] / cnt[n " float64"]
    s = sum[n " float32"] / cnt[n " float32"]
    printf "items=%d lapack_double=%.2fs lapack_single=%.2fs larder_native=%.2fs (%.2fx) larder_java=%s fit=%s\n",
      n, d, s, lap[n], lap[n] / d, (n in jv) ? sprintf("%.2fs (%.2fx, heap peak %s MiB)", jv[n], jv[n] / d, heap[n]) : "skipped",
      (n in fit) ? fit[n] : "-" } }' "$log"
