package larder.train.segment;

import java.io.Serializable;
import larder.train.segment.transform.FittedTransform;

/**
 * Puts customers into fitted k-means clusters: each customer's features through the fitted transform, then the
 * nearest centroid. Serializable, so the customers can be assigned where they are (on a cluster's executors)
 * with the transform and centroids fitted on a sample. Nearest is the smallest squared distance, the lower
 * index on a tie, as k-means' own last pass assigns.
 *
 * @param centroids {@code k × d} centroids in the transformed space, row-major
 */
public record Assigner(FittedTransform transform, double[] centroids) implements Serializable {
  public Assigner {
    if (centroids.length == 0 || centroids.length % transform.dimensions() != 0) {
      throw new IllegalArgumentException(centroids.length + " centroid values for " + transform.dimensions()
          + " features");
    }
  }

  /** Number of clusters. */
  public int k() { return centroids.length / transform.dimensions(); }

  /**
   * Assigns {@code n} customers ({@code values} row-major in original units, not modified): their cluster
   * indices into {@code cluster} and distances in the transformed space into {@code distance}.
   */
  public void assign(double[] values, int n, int[] cluster, float[] distance) {
    int d = transform.dimensions();
    int k = k();
    double[] row = new double[d];
    for (int i = 0; i < n; i++) {
      System.arraycopy(values, i * d, row, 0, d);
      transform.applyRow(row);
      int best = 0;
      double bestDist = Double.POSITIVE_INFINITY;
      for (int j = 0; j < k; j++) {
        double e = 0;
        for (int t = 0; t < d; t++) {
          double diff = row[t] - centroids[j * d + t];
          e += diff * diff;
        }
        if (e < bestDist) {
          bestDist = e;
          best = j;
        }
      }
      cluster[i] = best;
      distance[i] = distance(row, 0, centroids, best, d);
    }
  }

  /** Euclidean distance of point {@code i} of {@code x} to centroid {@code a}, summed as k-means sums it. */
  static float distance(double[] x, int i, double[] c, int a, int d) {
    double s = 0;
    for (int t = 0; t < d; t++) {
      double diff = x[i * d + t] - c[a * d + t];
      s += diff * diff;
    }
    return (float) Math.sqrt(s);
  }
}
