package larder.train.segment.kmeans;

import larder.core.ConfigException;
import larder.core.InputException;

/**
 * Shared arithmetic of {@link KMeans} and its oracle {@link Lloyd}. Both sum over the same fixed blocks of
 * {@link #BLOCK} points and then add the blocks in order, so their results agree to the last bit and do not
 * depend on how many threads worked on the blocks.
 */
final class Points {
  /** Points per unit of parallel work and per partial sum. Changing it changes results in the last bits. */
  static final int BLOCK = 4096;

  private Points() {}

  static int blocks(int n) {
    return (n + BLOCK - 1) / BLOCK;
  }

  /** Squared Euclidean distance between point {@code i} of {@code x} and row {@code j} of {@code c}. */
  static double dist2(double[] x, int i, double[] c, int j, int d) {
    int xo = i * d;
    int co = j * d;
    double s = 0;
    for (int t = 0; t < d; t++) {
      double diff = x[xo + t] - c[co + t];
      s += diff * diff;
    }
    return s;
  }

  /** The centroid of {@code c} (k rows) nearest to point {@code i}: the first strict minimum, as Lloyd's scan. */
  static int nearest(double[] x, int i, double[] c, int k, int d) {
    int best = 0;
    double bestDist = Double.POSITIVE_INFINITY;
    for (int j = 0; j < k; j++) {
      double e = dist2(x, i, c, j, d);
      if (e < bestDist) {
        bestDist = e;
        best = j;
      }
    }
    return best;
  }

  /** Checks shapes and values once, before any work. */
  static void check(double[] points, int n, int d, int k) {
    if (n < 0 || d < 1) throw new IllegalArgumentException("need n >= 0 and d >= 1, got n=" + n + " d=" + d);
    if (points.length != (long) n * d) {
      throw new IllegalArgumentException("points has " + points.length + " values, expected n*d = " + (long) n * d);
    }
    if (k > n) {
      throw new ConfigException("kmeans.k", k, "is more than the " + n + " points to cluster",
          "choose k <= " + n + ", or cluster more points");
    }
    for (int i = 0; i < points.length; i++) {
      double v = points[i];
      if (Double.isNaN(v) || Double.isInfinite(v)) {
        throw new InputException("k-means features", i / d + 1, "feature " + (i % d + 1), "is " + v,
            "fill in or drop the missing value, or transform the feature (e.g. log1p) before clustering");
      }
    }
  }

  /** Mean over the features of each feature's (population) variance; scales the tolerance. */
  static double meanVariance(double[] points, int n, int d) {
    double total = 0;
    for (int t = 0; t < d; t++) {
      double mean = 0;
      for (int i = 0; i < n; i++) mean += points[i * d + t];
      mean /= n;
      double var = 0;
      for (int i = 0; i < n; i++) {
        double diff = points[i * d + t] - mean;
        var += diff * diff;
      }
      total += var / n;
    }
    return total / d;
  }

  /**
   * Gives every empty cluster a point: the one farthest from its centroid {@code c} (lowest index on ties),
   * taken only from a cluster that keeps at least one point. Updates {@code assign}, {@code sums} and
   * {@code counts}; returns the moved points (an empty array when no cluster was empty). This is
   * scikit-learn's rule and keeps the restart deterministic.
   */
  static int[] reseedEmpty(double[] x, int n, int d, int k, double[] c, int[] assign, double[] sums, long[] counts) {
    int empty = 0;
    for (int j = 0; j < k; j++) if (counts[j] == 0) empty++;
    if (empty == 0) return new int[0];
    double[] far = new double[n];
    for (int i = 0; i < n; i++) far[i] = dist2(x, i, c, assign[i], d);
    int[] moved = new int[empty];
    int m = 0;
    for (int e = 0; e < k; e++) {
      if (counts[e] != 0) continue;
      int best = -1;
      double bestDist = -1;
      for (int i = 0; i < n; i++) {
        if (counts[assign[i]] > 1 && far[i] > bestDist) {
          bestDist = far[i];
          best = i;
        }
      }
      if (best < 0) break; // cannot happen with n >= k: with a cluster empty, another holds two points
      int from = assign[best];
      counts[from]--;
      counts[e] = 1;
      for (int t = 0; t < d; t++) {
        sums[from * d + t] -= x[best * d + t];
        sums[e * d + t] = x[best * d + t];
      }
      assign[best] = e;
      far[best] = -1;
      moved[m++] = best;
    }
    return m == moved.length ? moved : java.util.Arrays.copyOf(moved, m);
  }

  /**
   * New centroids from the sums (an empty cluster keeps its old centroid) into {@code c}; returns the summed
   * squared movement and writes each centroid's movement (not squared) to {@code shift} when it is not null.
   */
  static double update(double[] c, double[] sums, long[] counts, int k, int d, double[] shift) {
    double total = 0;
    for (int j = 0; j < k; j++) {
      double moved = 0;
      if (counts[j] > 0) {
        for (int t = 0; t < d; t++) {
          double v = sums[j * d + t] / counts[j];
          double diff = v - c[j * d + t];
          moved += diff * diff;
          c[j * d + t] = v;
        }
      }
      total += moved;
      if (shift != null) shift[j] = Math.sqrt(moved);
    }
    return total;
  }
}
