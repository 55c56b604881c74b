#!/usr/bin/env bash
# Publishing through Publisher (begin, rows, indexes, the switch) against the store's own command-line bulk load of
# the same rows from a file into a fresh table with the same primary key and indexes, on SQLite (sqlite3 .import,
# then CREATE INDEX) and PostgreSQL (psql: CREATE TABLE, \copy, ADD PRIMARY KEY, CREATE INDEX): a segments batch of
# `customers` rows and a recommendations batch of users x list_length rows, interleaved, the client first, twice;
# wall and CPU seconds, the load average and the ratio beside each (larder.bench.PublishBench).
#   bench/publish.sh [users=1000000] [list_length=10] [customers=1000000]
# Environment: SKIP_SQLITE=1, SKIP_PG=1; ONLY=segments|recommendations; BENCH_OUT (default /tmp/larder-bench);
# LARDER_TARGET (build folder, default target); LARDER_JAR (a benchmarks jar built before: no build);
# JAVA; JAVA_OPTS (e.g. an -agentpath: profiler).
# PostgreSQL: a scratch database of its own on 127.0.0.1:5432 (user postgres), dropped at the end.
set -euo pipefail
export PGOPTIONS="-c client_min_messages=warning"
root=$(cd "$(dirname "$0")/.." && pwd)
users=${1:-1000000}; n=${2:-10}; customers=${3:-1000000}
out=${BENCH_OUT:-/tmp/larder-bench}; mkdir -p "$out"
target=${LARDER_TARGET:-target}
java=${JAVA:-java}
log="$out/publish-$(date +%Y%m%d-%H%M%S).log"
exec > >(tee "$log") 2>&1
echo "# $(date -u -Is) $(uname -n) cores=$(nproc) users=$users list_length=$n customers=$customers; $(uptime)"
jar=${LARDER_JAR:-}
if [ -z "$jar" ]; then
  (cd "$root" && mvn -B -q -o -Dlarder.target="$target" -pl larder-bench -am -P bench package -DskipTests)
  jar="$root/larder-bench/$target/larder-bench-benchmarks.jar"
fi
work=$(mktemp -d); pgdb=larder_pub_bench_$$
cleanup() {
  rm -rf "$work"
  [ -n "${SKIP_PG:-}" ] || dropdb -h 127.0.0.1 -U postgres --if-exists "$pgdb"
}
trap cleanup EXIT
bench() { "$java" -Xmx4g ${JAVA_OPTS:-} -cp "$jar" larder.bench.PublishBench run --users "$users" --n "$n" \
  --segments "$customers" --runs 2 --only "${ONLY:-}" "$@"; }
if [ -z "${SKIP_SQLITE:-}" ]; then
  echo "## SQLite: sqlite3 $(sqlite3 --version | cut -d' ' -f1)"
  mkdir -p "$work/sqlite"
  bench --store sqlite --db "$work/sqlite/larder.db" --work "$work/sqlite"
fi
if [ -z "${SKIP_PG:-}" ]; then
  echo "## PostgreSQL: $(psql -h 127.0.0.1 -U postgres -d postgres -Atc 'SHOW server_version')"
  createdb -h 127.0.0.1 -U postgres "$pgdb"
  bench --store postgres --db "jdbc:postgresql://127.0.0.1:5432/$pgdb?user=postgres" --pg-db "$pgdb" --work "$work"
fi
echo "# $(date -u -Is) $(uptime)"
echo "# log: $log"
