#!/usr/bin/env bash
# How the Spark engine's run scales with task slots and partitions (BENCHMARKS.md section 11): the Parquet run of
# bench/spark-scale.sh on smaller data with 2 to 32 partitions on local[2], then 8 partitions on local[1]. Prints
# each run's training and scoring times and the per-part rates the run reports.
#   bench/spark-partitions.sh [users=100000] [items=50000] [interactions=5000000]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
args=("${1:-100000}" "${2:-50000}" "${3:-5000000}")
show() { grep -E "^TIME|training|scoring|per part|published|hint|rror" || true; }
RUNS=parquet PARTS=2 "$here/spark-scale.sh" "${args[@]}" >/dev/null 2>&1 # builds, and makes the data
for p in 2 4 8 16 32; do
  echo "=== partitions $p, local[2]"
  SKIP_BUILD=1 RUNS=parquet PARTS=$p "$here/spark-scale.sh" "${args[@]}" 2>&1 | show
done
echo "=== partitions 8, local[1]"
SKIP_BUILD=1 MASTER="local[1]" RUNS=parquet PARTS=8 "$here/spark-scale.sh" "${args[@]}" 2>&1 | show
