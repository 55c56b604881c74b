"""NDCG@10 and precision@10 of a job's published lists against held-out (user,item) pairs.

Usage: python3 bench/ndcg-at-10.py TEST.csv JOB DB.sqlite [DB.sqlite ...]
TEST.csv: user_id,item_id,... with a header; every user with a held-out item counts (no list scores 0).
"""
import csv, math, sqlite3, sys
from collections import defaultdict

test = defaultdict(set)
with open(sys.argv[1]) as f:
    r = csv.reader(f)
    next(r)
    for row in r:
        test[row[0]].add(row[1])
job = sys.argv[2]
for db in sys.argv[3:]:
    lists = defaultdict(list)
    c = sqlite3.connect(db)
    for u, i in c.execute("SELECT user_id, item_id FROM larder_recommendations WHERE job = ? ORDER BY user_id, rank", (job,)):
        lists[u].append(i)
    tot = 0.0
    hits = 0
    for u, items in test.items():
        l = lists.get(u, [])[:10]
        tot += sum(1 / math.log2(k + 2) for k, i in enumerate(l) if i in items) / sum(
            1 / math.log2(k + 2) for k in range(min(10, len(items))))
        hits += sum(1 for i in l if i in items)
    print(f"{db}: {len(lists)} users with lists, {len(test)} test users, NDCG@10 {tot / len(test):.4f}, "
          f"precision@10 {hits / (10 * len(test)):.4f}")
