package larder.train.eval;

import java.io.Serializable;
import java.util.Arrays;
import java.util.BitSet;

/**
 * Sums per-user ranking metrics one list at a time, so no stage holds every list. Thread-safe: the
 * per-user arithmetic runs outside the lock, only the additions inside it.
 *
 * <p>Scoring threads hand lists over in no fixed order, and floating-point sums depend on order; the
 * sums are kept in 128-bit fixed point instead (each per-user figure, at most 1, rounded to a multiple
 * of 2^-60), whose additions are exact. So the same data gives the same metrics to the last bit on every
 * run, and a quality gate judges the same figures each time. For the same reason accumulators of disjoint sets of
 * users {@link #merge} exactly, so the users may be evaluated in parts (on Spark, one part per partition) and
 * give the metrics of one pass over all of them.
 */
public final class MetricsAccumulator implements Serializable {
  private static final long serialVersionUID = 1L;
  private final int k;
  private final int items;
  private final double[] discount;
  private final BitSet recommended;
  private final ExactSum precision = new ExactSum();
  private final ExactSum recall = new ExactSum();
  private final ExactSum ndcg = new ExactSum();
  private final ExactSum map = new ExactSum();
  private long hitUsers;
  private long users;

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
      precision.add((double) hits / k);
      recall.add((double) hits / size);
      ndcg.add(dcg / idcg);
      map.add(ap / ideal);
      if (hits > 0) hitUsers++;
    }
  }

  /** Counts {@code n} more evaluated users, those with a list and those without (all misses). */
  synchronized void countUsers(long n) {
    users += n;
  }

  /**
   * Adds the sums of {@code other}, an accumulator of other users with the same k and items; the result is
   * exactly what one accumulator of both sets of users would hold. Returns this.
   */
  public synchronized MetricsAccumulator merge(MetricsAccumulator other) {
    if (other.k != k || other.items != items) {
      throw new IllegalArgumentException("cannot merge metrics at k=" + other.k + " over " + other.items
          + " items into k=" + k + " over " + items);
    }
    synchronized (other) {
      recommended.or(other.recommended);
      precision.add(other.precision);
      recall.add(other.recall);
      ndcg.add(other.ndcg);
      map.add(other.map);
      hitUsers += other.hitUsers;
      users += other.users;
    }
    return this;
  }

  /** The averages over the counted users (see {@link #countUsers}). */
  public synchronized Metrics finish() {
    return finish(users);
  }

  /** The averages over {@code users} users (those without a list count as all misses). */
  synchronized Metrics finish(long users) {
    if (users == 0) return new Metrics(k, 0, 0, 0, 0, 0, 0, 0);
    double u = users;
    return new Metrics(k, users, precision.value() / u, recall.value() / u, ndcg.value() / u, map.value() / u,
        hitUsers / u, items == 0 ? 0 : recommended.cardinality() / (double) items);
  }

  /** A sum of figures in [0, 1], the same whatever order they come in (each rounded to 2^-61 at most). */
  static final class ExactSum implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final double ONE = 0x1p60;
    private long high; // units of 2^4: carries out of low
    private long low; // unsigned, units of 2^-60

    void add(double v) {
      // 1 plus rounding is fine; 8 would overflow a step
      if (!(v >= 0 && v < 2)) throw new IllegalArgumentException("figure " + v + " is outside [0, 1]");
      long x = Math.round(v * ONE);
      long sum = low + x;
      if (Long.compareUnsigned(sum, low) < 0) high++;
      low = sum;
    }

    /** Adds another sum, exactly. */
    void add(ExactSum other) {
      long sum = low + other.low;
      if (Long.compareUnsigned(sum, low) < 0) high++;
      low = sum;
      high += other.high;
    }

    double value() {
      // low as unsigned: its top bit is worth 2^3
      double unsignedLow = (low >>> 1) * 2.0 + (low & 1);
      return high * 16.0 + unsignedLow / ONE;
    }
  }
}
