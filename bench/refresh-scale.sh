#!/usr/bin/env bash
# Incremental refresh against a full run of the same job, at scale, on SQLite and PostgreSQL (BENCHMARKS.md section 14):
#   1. a full run of an ALS job (1,000,000 users x 50,000 items by default), keeping its model and histories;
#   2. REFRESHES refreshes, each from a file of new events by CHANGED users (1% of them by default; a tenth of them
#      users the batch has never seen), timed and split into its phases;
#   3. the store's growth per refresh (the delta and the histories), against the size of the base;
#   4. the staleness a user sees with a refresh every 15 minutes, from the measured refresh time.
#   bench/refresh-scale.sh [users=1000000] [items=50000] [interactions=20000000] [changed=users/100]
# Environment: STORES (sqlite postgres), RANK (32), ITERS (5), REFRESHES (3), BENCH_OUT (/tmp/larder-bench; the data
#   is kept there between runs), XMX (12g), SKIP_BUILD (set: use the CLI jar already built).
set -euo pipefail
export PGOPTIONS="-c client_min_messages=warning"
root=$(cd "$(dirname "$0")/.." && pwd)
users=${1:-1000000}; items=${2:-50000}; interactions=${3:-20000000}; changed=${4:-$((users / 100))}
rank=${RANK:-32}; iters=${ITERS:-5}; refreshes=${REFRESHES:-3}; stores=${STORES:-sqlite postgres}; xmx=${XMX:-12g}
out=${BENCH_OUT:-/tmp/larder-bench}; data="$out/refresh-$users-$items-$interactions"; mkdir -p "$data"
log="$out/refresh-scale-$(date +%Y%m%d-%H%M%S).log"
exec > >(tee "$log") 2>&1
echo "# $(date -Is) $(uname -n) cores=$(nproc) users=$users items=$items interactions=$interactions changed=$changed rank=$rank iters=$iters"
command -v /usr/bin/time >/dev/null || (apt-get update -qq && apt-get install -y -qq time) >/dev/null

[ -n "${SKIP_BUILD:-}" ] || (cd "$root" && ./larder --version >/dev/null) # builds the CLI jar when sources changed
jar="$root/larder-cli/target/larder.jar"
larder() { /usr/bin/time -f "TIME wall=%e s user=%U s sys=%S s peak_rss=%M KiB" java -Xmx"$xmx" -XX:+UseParallelGC -jar "$jar" "$@"; }

csv="$data/events.csv"
[ -s "$csv" ] || "$root/larder" generate -o "$csv" --users "$users" --items "$items" --interactions "$interactions" --seed 1 -q
newest=$(tail -n +2 "$csv" | cut -d, -f3 | sort | tail -1)
echo "# data: $(($(wc -l <"$csv") - 1)) rows, $(du -h "$csv" | cut -f1), newest $newest"
# Each refresh's file: CHANGED users, 3 events each, after everything before it; 90% of them known users picked at
# random, 10% new; items skewed towards the popular ones (the generator names items i0.. by falling popularity).
for r in $(seq 1 "$refreshes"); do
  f="$data/recent-$r.csv"
  [ -s "$f" ] || awk -v n="$changed" -v users="$users" -v items="$items" -v seed="$r" -v base="2025-01-0${r}T00:00:00Z" 'BEGIN {
      srand(seed); print "user_id,item_id,timestamp,quantity,amount,order_id"
      for (k = 0; k < n; k++) {
        u = (k % 10 == 9) ? "new" seed "-" k : "u" int(rand() * users)
        for (e = 0; e < 3; e++) {
          t = k * 3 + e; s = t % 60; m = int(t / 60) % 60; h = int(t / 3600)
          printf "%s,i%d,%s%02d:%02d:%02dZ,1,9.99,%d\n", u, int(items * rand() ^ 3), substr(base, 1, 11), h, m, s, t
        }
      } }' >"$f"
done

psql_() { psql -h 127.0.0.1 -U postgres -d test -q "$@"; }
for store in $stores; do
  echo "## $store"
  case $store in
    sqlite) db="$data/refresh.db"; rm -f "$db" "$db-wal" "$db-shm" ;;
    postgres) schema=refresh_scale_$users
      psql_ -c "DROP SCHEMA IF EXISTS $schema CASCADE" -c "CREATE SCHEMA $schema"
      db="jdbc:postgresql://127.0.0.1:5432/test?user=postgres&currentSchema=$schema" ;;
  esac
  size() { # what the store holds, in bytes: total, then the histories and the delta
    case $store in
      sqlite) echo "$(stat -c %s "$db") $(sqlite3 "$db" "SELECT COALESCE(SUM(length(history)) + 0, 0) FROM larder_user_history")"\
        "$(sqlite3 "$db" 'SELECT count(*) FROM larder_rec_delta')" ;;
      postgres) psql_ -At -F' ' -c "SELECT (SELECT SUM(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = '$schema' AND c.relkind = 'r'), (SELECT SUM(pg_total_relation_size(c.oid)) FROM pg_class c
          JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '$schema' AND c.relname LIKE 'larder_user_history%'
          AND c.relkind = 'r'), (SELECT count(*) FROM $schema.larder_rec_delta)" ;;
    esac
  }
  lookups() { # label: one user's top-10 through the views, random users, one client; the same way before and after
    case $store in
      sqlite) python3 - "$db" "$users" "$1" <<'PY'
import random, sqlite3, sys, time
db, users, label = sys.argv[1], int(sys.argv[2]), sys.argv[3]
c = sqlite3.connect(db)
# the baseline: the base batch's rows alone, as larder_recommendations read them before refreshes existed
BASE = "(SELECT c.job, r.user_id, r.rank, r.item_id, r.score, r.batch_id FROM larder_current c JOIN larder_rec_rows r ON r.batch_id = c.batch_id)"
for view in ("base rows only", "larder_recommendations", "larder_recommendations_fresh"):
    src = BASE if view == "base rows only" else view
    q = f"SELECT rank, item_id, score, batch_id FROM {src} WHERE job = 'shop' AND user_id = ? ORDER BY rank LIMIT 10"
    rnd = random.Random(7); n = 20000; rows = 0
    for _ in range(2000): c.execute(q, ("u%d" % rnd.randrange(users),)).fetchall()  # warm
    t = time.perf_counter()
    for _ in range(n): rows += len(c.execute(q, ("u%d" % rnd.randrange(users),)).fetchall())
    print(f"LOOKUP {label} {view}: {(time.perf_counter() - t) / n * 1e6:.1f} us per lookup ({rows / n:.1f} rows), sqlite3 module")
PY
        ;;
      postgres) for view in base larder_recommendations larder_recommendations_fresh; do
          from="$schema.$view"
          [ "$view" = base ] && from="(SELECT c.job, r.user_id, r.rank, r.item_id, r.score, r.batch_id FROM $schema.larder_current c JOIN $schema.larder_rec_rows r ON r.batch_id = c.batch_id) b"
          printf '\\set u random(0, %d)\nSELECT rank, item_id, score, batch_id FROM %s WHERE job = '"'"'shop'"'"' AND user_id = '"'"'u'"'"' || :u ORDER BY rank LIMIT 10;\n' \
            $((users - 1)) "$from" >"$data/lookup.sql"
          pgbench -h 127.0.0.1 -U postgres -n -M prepared -c 1 -T 10 -f "$data/lookup.sql" test 2>/dev/null \
            | awk -v l="$1" -v v="$view" '/latency average/ { print "LOOKUP " l " " v ": " $4 * 1000 " us per lookup, pgbench -M prepared" }'
        done ;;
    esac
  }
  for r in $(seq 1 "$refreshes"); do
    cat >"$data/$store-$r.yaml" <<EOF
store: "$db"
jobs:
  shop:
    type: recommendations
    source: { file: $csv, columns: { user: user_id, item: item_id, weight: quantity, timestamp: timestamp } }
    model: { type: als, factors: $rank, iterations: $iters }
    top_n: 10
    threads: 2
    refresh:
      source: { file: $data/recent-$r.csv, columns: { user: user_id, item: item_id, weight: quantity, timestamp: timestamp } }
      max_changed_users: 5%
EOF
  done
  echo "### full run"
  larder run "$data/$store-1.yaml" 2>&1 | grep -E '^(TIME|job|  )|kept' | grep -vE '^\s+(read|als|score|similar|load|publish) '
  read -r total hist delta <<<"$(size)"
  echo "SIZE base: store $total bytes, histories $hist bytes, delta $delta rows"
  lookups "before any refresh"
  for r in $(seq 1 "$refreshes"); do
    echo "### refresh $r"
    larder run "$data/$store-$r.yaml" --refresh 2>&1 | grep -E '^(TIME|job|  )' | grep -vE '^\s+(read|score|als) '
    read -r t2 h2 d2 <<<"$(size)"
    echo "SIZE after refresh $r: store +$((t2 - total)) bytes, histories +$((h2 - hist)) bytes, delta $d2 rows"
    total=$t2; hist=$h2
  done
  lookups "after $refreshes refreshes"
done
