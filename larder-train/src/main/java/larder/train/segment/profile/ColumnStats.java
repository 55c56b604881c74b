package larder.train.segment.profile;

import java.util.Arrays;
import java.util.function.IntToDoubleFunction;

/**
 * Per-segment mean and median of one feature, and where each segment's median falls in the distribution of
 * the feature over all customers. Customers are grouped by segment once (a counting sort, {@link Groups});
 * each feature then costs one copy, one sort of each segment's slice and one sort of the whole column:
 * O(n log n) time, 16 bytes per customer.
 */
final class ColumnStats {
  final double[] mean;
  final double[] median;
  /**
   * Mid-rank of each segment's median among all customers' values: (strictly lower + half of the equal) / n,
   * in [0, 1]. Ties count half, so a median shared by most customers sits near the middle of them.
   */
  final double[] medianRank;

  private ColumnStats(double[] mean, double[] median, double[] medianRank) {
    this.mean = mean;
    this.median = median;
    this.medianRank = medianRank;
  }

  /** Customers grouped by segment index: {@code order[start[s] .. start[s+1])} are segment s's. */
  static final class Groups {
    final int n;
    final int segments;
    final int[] start;
    final int[] order;

    Groups(int[] segmentIndex, int segments) {
      n = segmentIndex.length;
      this.segments = segments;
      start = new int[segments + 1];
      for (int s : segmentIndex) start[s + 1]++;
      for (int s = 0; s < segments; s++) start[s + 1] += start[s];
      order = new int[n];
      int[] fill = new int[segments];
      for (int i = 0; i < n; i++) order[start[segmentIndex[i]] + fill[segmentIndex[i]]++] = i;
    }

    long size(int s) { return start[s + 1] - start[s]; }
  }

  static ColumnStats of(Groups g, IntToDoubleFunction column) {
    int n = g.n;
    double[] grouped = new double[n];
    for (int q = 0; q < n; q++) grouped[q] = column.applyAsDouble(g.order[q]);
    double[] mean = new double[g.segments];
    double[] median = new double[g.segments];
    for (int s = 0; s < g.segments; s++) {
      int lo = g.start[s];
      int hi = g.start[s + 1];
      if (lo == hi) {
        mean[s] = Double.NaN;
        median[s] = Double.NaN;
        continue;
      }
      double sum = 0;
      for (int q = lo; q < hi; q++) sum += grouped[q];
      mean[s] = sum / (hi - lo);
      Arrays.sort(grouped, lo, hi);
      int mid = lo + (hi - lo) / 2;
      median[s] = (hi - lo) % 2 == 1 ? grouped[mid] : (grouped[mid - 1] + grouped[mid]) / 2;
    }
    double[] all = grouped; // reuse: every slice is sorted, now sort the whole
    Arrays.sort(all);
    double[] rank = new double[g.segments];
    for (int s = 0; s < g.segments; s++) {
      if (Double.isNaN(median[s])) {
        rank[s] = Double.NaN;
        continue;
      }
      int lower = lowerBound(all, median[s]);
      int upper = upperBound(all, median[s]);
      rank[s] = (lower + 0.5 * (upper - lower)) / n;
    }
    return new ColumnStats(mean, median, rank);
  }

  private static int lowerBound(double[] sorted, double v) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private static int upperBound(double[] sorted, double v) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] <= v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
