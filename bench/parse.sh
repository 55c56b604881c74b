#!/usr/bin/env bash
# Reading and parsing alone (larder.bench.ParseBench: the real sources, nothing after them) at 10M rows, against
# the bare read of the same file in the same run: `zcat F | wc -l` for gzip, `cat F | wc -l` for plain text.
#   bench/parse.sh [customers=1000000] [events=10000000]
# Data: `larder generate --customers N` (about 10 transactions per customer: customer_id,timestamp,amount,order_id)
# and `larder generate --interactions M` (user_id,item_id,timestamp,quantity,amount,order_id), each gzip and plain.
# Each case alternates REPS times: the baseline, then (with PARSE_BEFORE_JAR) an earlier build, then this one,
# each Larder read in a fresh JVM (a one-shot run's read, JIT warm-up included; JVM start-up excluded). Prints
# every time, and per case the medians, the minima and the ratios to the baseline; CPU seconds (user + sys, all
# threads) beside each, since on a shared machine they vary less than wall time. Two passes.
# Environment: BENCH_OUT (default /tmp/larder-bench); LARDER_TARGET (build folder, default target); JAVA;
# PARSE_JAVA_OPTS (default -Xmx6g); KINDS (default "transactions interactions"); FORMS (default "gzip plain");
# REPS (default 3); PASSES (default "1 2"); PARSE_JAR (a built larder-bench-benchmarks.jar to time instead of building this tree's);
# PARSE_BEFORE_JAR (an earlier build's jar, timed beside it).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
customers=${1:-1000000}; events=${2:-10000000}
out=${BENCH_OUT:-/tmp/larder-bench}; mkdir -p "$out"
target=${LARDER_TARGET:-target}
java=${JAVA:-java}
kinds=${KINDS:-transactions interactions}; forms=${FORMS:-gzip plain}; reps=${REPS:-3}
log="$out/parse-$(date +%Y%m%d-%H%M%S).log"
exec > >(tee "$log") 2>&1
echo "# $(date -Is) $(uname -n) cores=$(nproc) customers=$customers events=$events reps=$reps"
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

# wall and CPU seconds of a shell command: "W C"
timed() { /usr/bin/time -f "%e %U %S" bash -c "$1" 2>&1 >/dev/null | tail -1 | awk '{printf "%.2f %.2f", $1, $2 + $3}'; }
# one read in a fresh JVM: "W C" from ParseBench's own clock
larder_read() { # jar kind file
  # shellcheck disable=SC2086
  "$java" ${PARSE_JAVA_OPTS:--Xmx6g} -cp "$1" larder.bench.ParseBench parse --kind "$2" --file "$3" --runs 1 \
    | sed -E 's/.*seconds=([0-9.]+).*cpu_s=([0-9.]+).*/\1 \2/'
}
for pass in ${PASSES:-1 2}; do
  for kind in $kinds; do
    f=$tx; [ "$kind" = interactions ] && f=$ev
    for form in $forms; do
      file=$f; reader=zcat
      [ "$form" = plain ] && { file=${f%.gz}; reader=cat; }
      echo "## pass $pass $kind $form, $(uptime | sed 's/.*load/load/')"
      for rep in $(seq "$reps"); do
        echo "TIME pass=$pass kind=$kind form=$form who=$reader $(timed "$reader '$file' | wc -l")"
        [ -n "${PARSE_BEFORE_JAR:-}" ] && echo "TIME pass=$pass kind=$kind form=$form who=before $(larder_read "$PARSE_BEFORE_JAR" "$kind" "$file")"
        echo "TIME pass=$pass kind=$kind form=$form who=larder $(larder_read "$jar" "$kind" "$file")"
      done
    done
  done
done
echo "## Summary: median (min) seconds, wall and CPU; ratio = Larder's wall / the baseline's, medians (minima)"
awk '/^TIME/ { split($2, p, "="); split($3, k, "="); split($4, f, "="); split($5, w, "=");
      key = p[2] " " k[2] " " f[2]; who = w[2]; if (who != "before" && who != "larder") { base[key] = who; who = "base" }
      c = ++cnt[key, who]; wall[key, who, c] = $6; cpu[key, who, c] = $7; keys[key] = 1 }
  function sorted_at(a, key, who, n, q,   i, j, t, v) { for (i = 1; i <= n; i++) v[i] = a[key, who, i]
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
      return q == "min" ? v[1] : v[int((n + 1) / 2)] }
  END { for (key in keys) { line = key ":"
      bm = sorted_at(wall, key, "base", cnt[key, "base"], "med"); bn = sorted_at(wall, key, "base", cnt[key, "base"], "min")
      line = line sprintf(" %s %.2f (%.2f) cpu %.2f", base[key], bm, bn, sorted_at(cpu, key, "base", cnt[key, "base"], "med"))
      split("before larder", whos, " ")
      for (i = 1; i <= 2; i++) { x = whos[i]; if (!cnt[key, x]) continue
        m = sorted_at(wall, key, x, cnt[key, x], "med"); mn = sorted_at(wall, key, x, cnt[key, x], "min")
        line = line sprintf(" | %s %.2f (%.2f) cpu %.2f ratio %.2f (%.2f)", x, m, mn,
          sorted_at(cpu, key, x, cnt[key, x], "med"), m / bm, mn / bn) }
      print line } }' "$log" | sort
echo "# log: $log"
