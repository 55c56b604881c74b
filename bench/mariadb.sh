#!/usr/bin/env bash
# MySQL/MariaDB store: one batch's load (LOAD DATA LOCAL from memory, and the INSERT fallback) against the mariadb
# client's LOAD DATA LOCAL INFILE of the same rows into a bare table of the same shape, in the same run; then point
# look-ups through a bare prepared statement, the view and the in-process reader. Prints ratios.
#   bench/mariadb.sh [users=100000] [list_length=10]
# With "publish" first: publishing (Publisher: begin, rows, switch) a segments batch of `customers` rows and a
# recommendations batch of users x list_length rows, each against the mariadb client's LOAD DATA LOCAL INFILE of the
# same rows, interleaved, twice; wall and CPU seconds and the load average beside each.
#   bench/mariadb.sh publish [users=1000000] [list_length=10] [customers=1000000]
# Environment: BENCH_OUT (default /tmp/larder-bench); LARDER_TARGET (build folder, default target); JAVA.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mode=reads
if [ "${1:-}" = publish ]; then mode=publish; shift; fi
users=${1:-100000}; n=${2:-10}; customers=${3:-1000000}
out=${BENCH_OUT:-/tmp/larder-bench}; mkdir -p "$out"
target=${LARDER_TARGET:-target}
java=${JAVA:-java}
log="$out/mariadb-$(date +%Y%m%d-%H%M%S).log"
exec > >(tee "$log") 2>&1
echo "# $(date -Is) $(uname -n) cores=$(nproc) users=$users list_length=$n rows=$((users * n))"
(cd "$root" && mvn -B -q -o -Dlarder.target="$target" -pl larder-bench -am -P bench package -DskipTests)
jar="$root/larder-bench/$target/larder-bench-benchmarks.jar"
db=larder_bench_$$
maria() { mariadb -h 127.0.0.1 -u root "$@"; }
trap 'maria -e "DROP DATABASE IF EXISTS $db"' EXIT
maria -e "CREATE DATABASE $db"
if [ "$mode" = publish ]; then
  "$java" -Xmx3g -cp "$jar" larder.bench.MariaDbBench publish --db "jdbc:mariadb://127.0.0.1:3306/$db?user=root" \
    --users "$users" --n "$n" --segments "$customers" --runs 2
else
  "$java" -Xmx2g -cp "$jar" larder.bench.MariaDbBench mariadb --db "jdbc:mariadb://127.0.0.1:3306/$db?user=root" \
    --users "$users" --n "$n" --runs 2 --lookups 20000
fi
