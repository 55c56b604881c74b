#!/usr/bin/env bash
# Reading and parsing alone (larder.bench.ParseBench: the real sources, nothing after them) at 10M rows, against
# the bare read of the same file in the same run: `zcat F | wc -l` for gzip, `cat F | wc -l` for plain text.
#   bench/parse.sh [customers=1000000] [events=10000000]
# Data: `larder generate --customers N` (about 10 transactions per customer: customer_id,timestamp,amount,order_id)
# and `larder generate --interactions M` (user_id,item_id,timestamp,quantity,amount,order_id), each gzip and plain.
# Each pass times the baseline, then one JVM reading the file twice (the first read is a one-shot run's, the
# second a warm one); two passes. Ratios are Larder's seconds over the baseline's of the same pass.
# Environment: BENCH_OUT (default /tmp/larder-bench); LARDER_TARGET (build folder, default target); JAVA;
# PARSE_JAVA_OPTS (default -Xmx6g); KINDS (default "transactions interactions"); PARSE_JAR (a built
# larder-bench-benchmarks.jar to time instead of building this tree's, e.g. an earlier version's).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
customers=${1:-1000000}; events=${2:-10000000}
out=${BENCH_OUT:-/tmp/larder-bench}; mkdir -p "$out"
target=${LARDER_TARGET:-target}
java=${JAVA:-java}
kinds=${KINDS:-transactions interactions}
log="$out/parse-$(date +%Y%m%d-%H%M%S).log"
exec > >(tee "$log") 2>&1
echo "# $(date -Is) $(uname -n) cores=$(nproc) customers=$customers events=$events"
jar=${PARSE_JAR:-}
if [ -z "$jar" ]; then
  (cd "$root" && mvn -B -q -o -Dlarder.target="$target" -pl larder-bench -am -P bench package -DskipTests)
  jar="$root/larder-bench/$target/larder-bench-benchmarks.jar"
fi
tx="$out/transactions-$customers.csv.gz"; ev="$out/events-$events.csv.gz"
[ -s "$tx" ] || "$root/larder" generate --customers "$customers" -o "$tx" -q
[ -s "$ev" ] || "$root/larder" generate --users $((events / 10)) --items 50000 --interactions "$events" -o "$ev" -q
[ -s "${tx%.gz}" ] || zcat "$tx" > "${tx%.gz}"
[ -s "${ev%.gz}" ] || zcat "$ev" > "${ev%.gz}"
secs() { local t0=$(date +%s.%N); "$@" >/dev/null; echo "$(date +%s.%N) - $t0" | bc; }

for pass in 1 2; do
  for kind in $kinds; do
    f=$tx; [ "$kind" = interactions ] && f=$ev
    for form in gzip plain; do
      file=$f; reader=zcat
      [ "$form" = plain ] && { file=${f%.gz}; reader=cat; }
      echo "## pass $pass $kind $form $(uptime | sed 's/.*load/load/')"
      base=$(secs bash -c "$reader '$file' | wc -l")
      # shellcheck disable=SC2086
      "$java" ${PARSE_JAVA_OPTS:--Xmx6g} -cp "$jar" larder.bench.ParseBench parse --kind "$kind" --file "$file" \
        --runs 2 > "$out/parse-run.txt"
      first=$(sed -n '1s/.*seconds=\([0-9.]*\).*/\1/p' "$out/parse-run.txt")
      second=$(sed -n '2s/.*seconds=\([0-9.]*\).*/\1/p' "$out/parse-run.txt")
      rows=$(sed -n '1s/.*rows=\([0-9]*\).*/\1/p' "$out/parse-run.txt")
      printf "RESULT pass=%s kind=%s form=%s rows=%s %s_s=%.2f larder_first_s=%.2f larder_second_s=%.2f ratio_first=%.2f ratio_second=%.2f\n" \
        "$pass" "$kind" "$form" "$rows" "$reader" "$base" "$first" "$second" \
        "$(echo "$first / $base" | bc -l)" "$(echo "$second / $base" | bc -l)"
    done
  done
done
echo "# log: $log"
