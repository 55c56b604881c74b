package larder.train.eval;

import java.util.Arrays;
import java.util.BitSet;

/**
 * Sums per-user ranking metrics one list at a time, so no stage holds every list. Thread-safe: the
 * per-user arithmetic runs outside the lock, only the additions inside it.
 */
final class MetricsAccumulator {
  private final int k;
  private final int items;
  private final double[] discount;
  private final BitSet recommended;
  private double precision;
  private double recall;
  private double ndcg;
  private double map;
  private long hitUsers;

  MetricsAccumulator(int k, int items) {
    this.k = k;
    this.items = items;
    this.discount = new double[k + 1];
    for (int r = 1; r <= k; r++) discount[r] = 1.0 / (Math.log(r + 1) / Math.log(2));
    this.recommended = new BitSet(items);
  }

  /**
   * Adds one user's list.
   *
   * @param list recommended items, best first; only the first min(count, k) are read
   * @param relevant the user's test items, sorted ascending, in {@code [from, to)}; not empty
   */
  void add(int[] list, int count, int[] relevant, int from, int to) {
    int n = Math.min(count, k);
    int size = to - from;
    int hits = 0;
    double dcg = 0;
    double ap = 0;
    for (int r = 0; r < n; r++) {
      if (Arrays.binarySearch(relevant, from, to, list[r]) >= 0) {
        hits++;
        dcg += discount[r + 1];
        ap += (double) hits / (r + 1);
      }
    }
    int ideal = Math.min(k, size);
    double idcg = 0;
    for (int r = 1; r <= ideal; r++) idcg += discount[r];
    synchronized (this) {
      for (int r = 0; r < n; r++) recommended.set(list[r]);
      precision += (double) hits / k;
      recall += (double) hits / size;
      ndcg += dcg / idcg;
      map += ap / ideal;
      if (hits > 0) hitUsers++;
    }
  }

  /** The averages over {@code users} users (those without a list count as all misses). */
  synchronized Metrics finish(long users) {
    if (users == 0) return new Metrics(k, 0, 0, 0, 0, 0, 0, 0);
    double u = users;
    return new Metrics(k, users, precision / u, recall / u, ndcg / u, map / u, hitUsers / u,
        items == 0 ? 0 : recommended.cardinality() / (double) items);
  }
}
