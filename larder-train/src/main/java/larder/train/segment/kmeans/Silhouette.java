package larder.train.segment.kmeans;

import java.util.SplittableRandom;
import larder.core.ConfigException;

/**
 * Mean silhouette width (P. J. Rousseeuw, "Silhouettes: a graphical aid to the interpretation and validation
 * of cluster analysis", J. Comput. Appl. Math. 20, 1987): for a point, a = mean distance to the other points
 * of its cluster, b = the lowest mean distance to the points of another cluster, s = (b − a) / max(a, b);
 * s = 0 for a point alone in its cluster. Near 1: tight, well-separated clusters; near 0: no structure.
 */
public final class Silhouette {
  private Silhouette() {}

  /**
   * The mean silhouette of a uniform random sample of {@code sampleSize} points (all points when
   * {@code sampleSize >= n}, giving the exact value), computed on the sample only as scikit-learn's
   * {@code silhouette_score(sample_size=...)} does: O(sample² × d) time, O(sample × d) memory.
   *
   * @return the mean silhouette in [-1, 1], or NaN when the sample holds a single cluster
   */
  public static double sampled(double[] points, int n, int d, int[] assignment, int k, int sampleSize, long seed) {
    if (sampleSize < 2) {
      throw new ConfigException("kmeans.silhouette_sample", sampleSize, "must be >= 2", "1,000 to 10,000 is usual");
    }
    if (points.length != (long) n * d || assignment.length != n) {
      throw new IllegalArgumentException("points/assignment do not match n=" + n + " d=" + d);
    }
    int m = Math.min(n, sampleSize);
    int[] pick = sample(n, m, seed);
    double[] xs = new double[m * d];
    int[] label = new int[m];
    int[] size = new int[k];
    for (int s = 0; s < m; s++) {
      System.arraycopy(points, pick[s] * d, xs, s * d, d);
      int a = assignment[pick[s]];
      if (a < 0 || a >= k) throw new IllegalArgumentException("label " + a + " of point " + pick[s] + " is outside 0.." + (k - 1));
      label[s] = a;
      size[a]++;
    }
    int present = 0;
    for (int c : size) if (c > 0) present++;
    if (present < 2) return Double.NaN;
    // dist[s * k + c]: summed distance from sample point s to the sample points of cluster c.
    double[] dist = new double[m * k];
    for (int s = 0; s < m; s++) {
      for (int o = s + 1; o < m; o++) {
        double e = Math.sqrt(Points.dist2(xs, s, xs, o, d));
        dist[s * k + label[o]] += e;
        dist[o * k + label[s]] += e;
      }
    }
    double total = 0;
    for (int s = 0; s < m; s++) {
      int own = label[s];
      if (size[own] < 2) continue; // s = 0 for a singleton
      double a = dist[s * k + own] / (size[own] - 1);
      double b = Double.POSITIVE_INFINITY;
      for (int c = 0; c < k; c++) if (c != own && size[c] > 0) b = Math.min(b, dist[s * k + c] / size[c]);
      double den = Math.max(a, b);
      total += den > 0 ? (b - a) / den : 0;
    }
    return total / m;
  }

  /** {@code m} distinct indices of 0..n-1, uniformly at random (partial Fisher–Yates). */
  static int[] sample(int n, int m, long seed) {
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) idx[i] = i;
    if (m >= n) return idx;
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < m; i++) {
      int j = i + r.nextInt(n - i);
      int t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    return java.util.Arrays.copyOf(idx, m);
  }
}
