package larder.train.segment.kmeans;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import larder.train.kernel.VectorSupport;

/**
 * Lloyd's full scan on the Vector API: each point's nearest centroid and squared distance, a vector of points at
 * a time over a columnar copy of the points. The same operations in the same order as {@link Points#dist2} (a
 * difference, its square, added to a sum starting at 0, feature by feature; no fused multiply-add) and the same
 * choice (the first strict minimum), lane by lane, so the result equals the scalar scan's bit for bit. With few
 * features a distance costs about what Hamerly's bound check costs, and this scan has no branch to mispredict.
 *
 * <p>Only loaded when {@link VectorSupport#enabled()}.
 */
final class VectorNearest {
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
  static final int LANES = D.length();

  private VectorNearest() {}

  /**
   * For points [lo, hi): {@code assign[i]} the nearest centroid of {@code c} (k × d row-major) and
   * {@code dist[i]} its squared distance.
   *
   * @param cols the points feature-major: {@code cols[t][i]} is feature t of point i
   * @param rows the same points row-major ({@code n × d}), for the tail that does not fill a vector
   * @param scratch at least {@link #LANES} doubles
   */
  static void scan(double[][] cols, double[] rows, int lo, int hi, double[] c, int k, int d, int[] assign,
      double[] dist, double[] scratch) {
    int i = lo;
    for (; i + LANES <= hi; i += LANES) {
      DoubleVector b1 = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
      DoubleVector at = DoubleVector.zero(D);
      for (int j = 0; j < k; j++) {
        DoubleVector s = DoubleVector.zero(D);
        for (int t = 0; t < d; t++) {
          DoubleVector diff = DoubleVector.fromArray(D, cols[t], i).sub(c[j * d + t]);
          s = s.add(diff.mul(diff));
        }
        VectorMask<Double> nearer = s.lt(b1);
        b1 = b1.blend(s, nearer);
        at = at.blend(j, nearer);
      }
      b1.intoArray(dist, i);
      at.intoArray(scratch, 0);
      for (int l = 0; l < LANES; l++) assign[i + l] = (int) scratch[l];
    }
    for (; i < hi; i++) {
      int a = Points.nearest(rows, i, c, k, d);
      assign[i] = a;
      dist[i] = Points.dist2(rows, i, c, a, d);
    }
  }

  /** The points feature-major: {@code cols[t][i] = x[i·d + t]}. */
  static double[][] columns(double[] x, int n, int d) {
    double[][] cols = new double[d][n];
    for (int i = 0; i < n; i++) {
      for (int t = 0; t < d; t++) cols[t][i] = x[i * d + t];
    }
    return cols;
  }
}
