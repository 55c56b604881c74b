#!/usr/bin/env bash
# Serving: one user's top-10 look-up per request, on SQLite, PostgreSQL and MariaDB, three ways in the same run:
# a bare prepared statement on the view (the database alone, the baseline), Larder's read side in process, and
# the HTTP API (`larder serve`), each with the same client threads for the same time. The HTTP API is also
# measured on /health, a no-op endpoint of the same server (same Jetty, key check, metrics and access log), so
# what a list costs over HTTP itself shows as a ratio: recommendations per second / no-op per second.
#   bench/serve.sh [users=100000] [items=20000] [interactions=2000000] [threads=8] [seconds=10]
# The batch is a popularity job with exclude_seen (every user gets a list of 10 of their own).
# Client and server share this machine's cores, as they would on one host; the ratios compare like with like.
# HTTP load comes from wrk (installed with apt-get when missing) with as many connections as client threads.
# Environment: BENCH_OUT (default /tmp/larder-bench); SKIP_SQLITE=1, SKIP_PG=1, SKIP_MARIADB=1; JAVA (default java).
set -euo pipefail
export PGOPTIONS="-c client_min_messages=warning"
root=$(cd "$(dirname "$0")/.." && pwd)
users=${1:-100000}; items=${2:-20000}; events=${3:-2000000}; threads=${4:-8}; seconds=${5:-10}
out=${BENCH_OUT:-/tmp/larder-bench}; mkdir -p "$out"
java=${JAVA:-java}
log="$out/serve-$(date +%Y%m%d-%H%M%S).log"
exec > >(tee "$log") 2>&1
echo "# $(date -Is) $(uname -n) cores=$(nproc) users=$users items=$items interactions=$events threads=$threads seconds=$seconds"
command -v wrk >/dev/null || apt-get install -y -q wrk >/dev/null
(cd "$root" && mvn -B -q -pl larder-bench,larder-cli -am -P bench package -DskipTests)
jar="$root/larder-bench/target/larder-bench-benchmarks.jar"
export LARDER_JAR="$root/larder-cli/target/larder.jar"
larder="$root/larder"
work=$(mktemp -d); server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
csv="$out/serve-interactions-$users-$items-$events.csv.gz"
[ -s "$csv" ] || "$larder" generate --users "$users" --items "$items" --interactions "$events" -o "$csv" -q
cat > "$work/larder.yaml" <<EOF
jobs:
  shop:
    source: { file: $csv, columns: { user: user_id, item: item_id, weight: quantity } }
    model: { type: popularity }
    similar_items: 0
EOF

bench_store() { # db label
  "$larder" run "$work/larder.yaml" --quiet --db "$1" | head -1
  for mode in sql reader; do "$java" -cp "$jar" larder.bench.ServeBench "$mode" --db "$1" --job shop \
      --threads "$threads" --seconds "$seconds" | sed "s/^SERVE /SERVE store=$2 /"; done
  "$larder" serve --db "$1" --port 18089 --threads 32 > "$work/serve.log" 2>&1 & server=$!
  for _ in $(seq 50); do curl -sf http://127.0.0.1:18089/health >/dev/null && break; sleep 0.2; done
  "$java" -cp "$jar" larder.bench.ServeBench users --db "$1" --job shop --out "$work/paths.txt"
  # warm-up: the JIT compiles Jetty's, Javalin's and Jackson's paths for many seconds; both endpoints get as long
  PATHS="$work/paths.txt" wrk -t2 -c"$threads" -d"$seconds"s -s "$root/bench/random-paths.lua" \
      http://127.0.0.1:18089 > /dev/null
  # the no-op goes through the same client script (a list of one path), so the client's cost is the same
  for _ in $(seq 100); do echo /health; done > "$work/noop.txt"
  PATHS="$work/noop.txt" wrk -t2 -c"$threads" -d"$seconds"s -s "$root/bench/random-paths.lua" \
      http://127.0.0.1:18089 > /dev/null
  # no-op and lists alternate, twice, so a drift of the machine touches both
  for round in 1 2; do
    PATHS="$work/noop.txt" wrk -t2 -c"$threads" -d"$seconds"s --latency -s "$root/bench/random-paths.lua" \
        http://127.0.0.1:18089 > "$work/wrk.txt"
    wrk_line "$2" noop "$work/wrk.txt"
    PATHS="$work/paths.txt" wrk -t2 -c"$threads" -d"$seconds"s --latency -s "$root/bench/random-paths.lua" \
        http://127.0.0.1:18089 > "$work/wrk.txt"
    wrk_line "$2" http "$work/wrk.txt"
  done
  curl -s http://127.0.0.1:18089/metrics | grep 'larder_http_request_seconds_\(sum\|count\).*recommendations' || true
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
}

wrk_line() { # store mode file: one SERVE line from wrk's output
  awk -v store="$1" -v mode="$2" -v threads="$threads" '
    /^ +50%/ { p50 = $2 } /^ +99%/ { p99 = $2 } /Requests\/sec/ { rps = $2 } /requests in/ { n = $1 }
    /Non-2xx/ { bad = $NF }
    function ms(v) { return v ~ /us$/ ? v / 1000 : v ~ /ms$/ ? v + 0 : v * 1000 }
    END { printf "SERVE store=%s mode=%s threads=%d requests=%d failures=%d per_s=%.0f p50_ms=%.3f p99_ms=%.3f\n",
      store, mode, threads, n, bad, rps, ms(p50), ms(p99) }' "$3"
}

[ -n "${SKIP_SQLITE:-}" ] || bench_store "$work/serve.db" sqlite
if [ -z "${SKIP_PG:-}" ]; then
  schema=bench_serve_$$
  psql -h 127.0.0.1 -U postgres -d test -qc "CREATE SCHEMA $schema"
  bench_store "jdbc:postgresql://127.0.0.1:5432/test?user=postgres&currentSchema=$schema" postgres
  psql -h 127.0.0.1 -U postgres -d test -qc "DROP SCHEMA $schema CASCADE"
fi
if [ -z "${SKIP_MARIADB:-}" ]; then
  database=bench_serve_$$
  mariadb -h 127.0.0.1 -u root -e "CREATE DATABASE $database"
  bench_store "jdbc:mariadb://127.0.0.1:3306/$database?user=root" mariadb
  mariadb -h 127.0.0.1 -u root -e "DROP DATABASE $database"
fi

echo "## Summary (ratios within this run; http and noop: the better of two rounds)"
awk '/^SERVE/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
       key = f["store"] "," f["mode"]
       if (f["per_s"] + 0 > r[key] + 0) { r[key] = f["per_s"]; p50[key] = f["p50_ms"]; p99[key] = f["p99_ms"] } }
     END { for (s in r) { split(s, k, ","); st[k[1]] = 1 }
       for (x in st) {
         printf "%s: sql %.0f/s (p50 %.2f ms), reader %.0f/s (p50 %.2f ms) = %.2f of sql, http %.0f/s (p50 %.2f ms, p99 %.2f ms) = %.2f of sql\n",
           x, r[x ",sql"], p50[x ",sql"], r[x ",reader"], p50[x ",reader"], r[x ",reader"] / r[x ",sql"],
           r[x ",http"], p50[x ",http"], p99[x ",http"], r[x ",http"] / r[x ",sql"]
         printf "%s: http lists %.0f/s = %.2f of the no-op endpoint (%.0f/s); p99 %.2f ms = %.2f x the no-op p99 (%.2f ms)\n",
           x, r[x ",http"], r[x ",http"] / r[x ",noop"], r[x ",noop"], p99[x ",http"], p99[x ",http"] / p99[x ",noop"], p99[x ",noop"] } }' "$log"
echo "# log: $log"
