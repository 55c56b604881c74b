#!/usr/bin/env bash
# EASE in user space (Woodbury: an m×m inverse for m users < n items) against the item-space inverse, and the
# λ path (EasePath) per λ, with LAPACK's Cholesky inverse of the same n×n Gram matrix as the baseline in the same run:
# ml-latest-small (610 users × 9,724 movies) and Last.fm hetrec-2k (1,892 users × 17,632 artists).
#   bench/ease-path.sh [cases=movielens,lastfm]
# Per case: ../shared/bench/spd-inverse-reference, then EasePathBench (RUNS runs, default 3, of: the item-space fit,
# the user-space fit, the user-space fit with its m×m inverse in Java; then per run EasePath.prepare and, at
# λ = 10, 100, 1000, 10000, EasePath.at and the scores of every user on one thread), then the reference again.
# Report minima over the runs: the 2 cores are shared. Environment as bench/ease-inverse.sh (DATA, SHARED_BENCH,
# LARDER_TARGET, JAVA, THREADS, RUNS, BENCH_OUT, SKIP_BUILD); data read from ../shared/data, never copied.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
data=${DATA:-$root/../shared/data}
shared=${SHARED_BENCH:-$root/../shared/bench}
cases=${1:-movielens,lastfm}
target=${LARDER_TARGET:-target}
java=${JAVA:-java}
threads=${THREADS:-2}
runs=${RUNS:-3}
out=${BENCH_OUT:-/tmp/larder-bench}; mkdir -p "$out"
log="$out/ease-path-$(date +%Y%m%d-%H%M%S).log"
exec > >(tee "$log") 2>&1
echo "# $(date -Is) $(uname -n) cores=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg) $("$java" -version 2>&1 | head -1)"
[ -n "${SKIP_BUILD:-}" ] || (cd "$root" && mvn -B -q -Dlarder.target="$target" -pl larder-bench -am -P bench package -DskipTests)
jar="$root/larder-bench/$target/larder-bench-benchmarks.jar"
larder() { /usr/bin/time -f "PEAK_RSS_KIB %M" env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$java" -Xmx12g -cp "$jar" \
  larder.bench.EasePathBench "$@" --threads "$threads" --runs "$runs"; }
reference() { /usr/bin/time -f "PEAK_RSS_KIB %M" "$shared/spd-inverse-reference" "$1"; }
for c in ${cases//,/ }; do
  case "$c" in
    movielens) ref="$data/ml-latest-small/ratings.csv.gz"; args=(movielens-ratings --path "$ref") ;;
    lastfm) ref="$data/lastfm-2k/user_artists.dat.gz"; args=(lastfm --path "$ref") ;;
    *) echo "unknown case $c" >&2; exit 2 ;;
  esac
  echo "## $c: reference, Larder, reference (load $(cut -d' ' -f1 /proc/loadavg))"
  reference "$ref"
  larder "${args[@]}"
  reference "$ref"
done
echo "## Summary (minima over the runs; reference = the lower of its two runs, double precision)"
awk '
  function kv(   i, p) { delete f; for (i = 2; i <= NF; i++) { split($i, p, "="); f[p[1]] = p[2] } }
  function lo(a, k, v) { if (!(k in a) || v < a[k]) a[k] = v }
  /^spd_inverse_reference/ { kv(); if (f["dtype"] == "float64") lo(ref, f["items"], f["seconds"]) }
  /^EASE_FIT/ { kv(); lo(fit, f["items"] " " f["space"] " " f["inverse"], f["seconds"]) }
  /^EASE_PATH/ { kv(); lo(prep, f["items"], f["prepare_seconds"]); lo(at, f["items"], f["at_seconds"])
    lo(sc, f["items"], f["score_all_seconds"]); lo(atmax, f["items"], -f["at_seconds"]); lo(scmax, f["items"], -f["score_all_seconds"]) }
  /^EASE_SCORE_B/ { kv(); scb[f["items"]] = f["score_all_seconds"] }
  /^EASE_AGREE/ { kv(); agr[f["items"]] = f["relative"] }
  END { for (n in ref) {
    it = fit[n " items native"]; us = fit[n " users native"]; uj = fit[n " users java"]
    printf "items=%s reference=%.2fs fit_items=%.2fs (%.2fx ref) fit_users=%.3fs (%.3fx ref, %.1fx faster) fit_users_java=%.3fs",
      n, ref[n], it, it / ref[n], us, us / ref[n], it / us, uj
    printf " path_prepare=%.3fs per_lambda_at=%.3f-%.3fs score_all_users=%.3f-%.3fs (with B: %ss) B_rel_diff=%s\n",
      prep[n], at[n], -atmax[n], sc[n], -scmax[n], scb[n], agr[n] } }' "$log"
