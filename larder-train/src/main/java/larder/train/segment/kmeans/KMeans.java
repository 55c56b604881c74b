package larder.train.segment.kmeans;

import java.util.Arrays;
import java.util.SplittableRandom;
import larder.core.Progress;
import larder.train.kernel.VectorSupport;
import larder.train.kernel.WorkerPool;

/**
 * Exact k-means (minimum sum of squared Euclidean distances) on dense points, {@code n × d} row-major.
 *
 * <p>Each of {@link KMeansParams#restarts()} starts is seeded by greedy k-means++ (Arthur &amp; Vassilvitskii,
 * SODA 2007) and refined by Hamerly's algorithm (G. Hamerly, "Making k-means even faster", SDM 2010): every
 * point keeps an upper bound on the distance to its own centroid and one lower bound on the distance to
 * every other centroid; after the centroids move, the bounds are loosened by the movements and a point is
 * looked at again only when its upper bound passes {@code max(lower bound, half the distance from its
 * centroid to the nearest other centroid)}. The assignments are those of plain Lloyd iterations
 * ({@link Lloyd}, the test oracle) from the same seeds: the bounds are widened by a relative 1e-10 so that
 * rounding can never make them skip a point Lloyd would move. An empty cluster takes the point farthest
 * from its centroid. The start with the lowest inertia wins.
 *
 * <p>Points are processed in fixed blocks spread over {@link KMeansParams#threads()} threads; each block sums
 * its points per cluster and the blocks are added in order, so the result depends only on the data and the
 * seed. Memory beyond the points: 20 bytes per point (assignment and two bounds) plus a copy of the best
 * assignment.
 *
 * <p>With the Vector API ({@link VectorSupport}) the passes after the first skip the bounds and measure every point
 * against every centroid, a vector of points at a time (eight with AVX-512; {@link VectorNearest}): the same
 * assignments, and with few features (RFM has three) twice as fast per iteration as the bounded pass (7.8-8.4 ms
 * against 16 ms at 1M points, k = 8), since a distance then costs about what a bound check does and the scan has
 * no branch to mispredict. It keeps a feature-major copy of the points and each point's distance: 8·(d + 1) bytes
 * per point more.
 */
public final class KMeans {
  private KMeans() {}

  /**
   * Clusters {@code n} points of {@code d} features.
   *
   * @throws larder.core.ConfigException when {@code k > n}
   * @throws larder.core.InputException when a feature is NaN or infinite
   */
  public static KMeansResult fit(double[] points, int n, int d, KMeansParams p, Progress progress) {
    return fit(points, n, d, p, progress, VectorSupport.enabled());
  }

  /** As {@link #fit(double[], int, int, KMeansParams, Progress)}, with Lloyd's scan on the Vector API or not. */
  static KMeansResult fit(double[] points, int n, int d, KMeansParams p, Progress progress, boolean vector) {
    Points.check(points, n, d, p.k());
    int threads = Math.max(1, Math.min(p.threads(), Points.blocks(n)));
    double tolAbs = p.tolerance() * Points.meanVariance(points, n, d);
    SplittableRandom root = new SplittableRandom(p.seed());
    double[] inertias = new double[p.restarts()];
    KMeansResult best = null;
    int bestRestart = -1;
    try (WorkerPool pool = new WorkerPool(threads, "kmeans")) {
      Hamerly h = new Hamerly(points, n, d, p.k(), pool, vector);
      int[] bestAssign = new int[n];
      for (int r = 0; r < p.restarts(); r++) {
        double[] c = Seeding.kMeansPlusPlus(points, n, d, p.k(), root.split(), pool, h.seeded);
        int iterations = h.refine(c, p.maxIterations(), tolAbs, progress);
        inertias[r] = h.inertia;
        progress.note("kmeans", String.format("restart %d/%d: inertia %.6g after %d iterations", r + 1,
            p.restarts(), h.inertia, iterations));
        if (best == null || h.inertia < best.inertia()) {
          System.arraycopy(h.assign, 0, bestAssign, 0, n);
          best = new KMeansResult(c, bestAssign, h.inertia, iterations, r, inertias);
          bestRestart = r;
        }
      }
      return new KMeansResult(best.centroids(), bestAssign, best.inertia(), best.iterations(), bestRestart, inertias);
    }
  }

  /** Lloyd iterations accelerated by Hamerly's bounds; state reused across restarts. */
  static final class Hamerly {
    /** Relative slack on every bound comparison; far above the rounding of a distance (about d × 1e-16). */
    private static final double SAFE = 1 - 1e-10;
    private static final double UP = 1 + 1e-15;
    private static final double DOWN = 1 - 1e-15;

    private final double[] x;
    private final int n;
    private final int d;
    private final int k;
    private final WorkerPool pool;
    private final int blocks;
    final int[] assign;
    private final double[] upper;
    private final double[] lower;
    /** Filled by the seeding with the first assignment: the assignment and the squared bounds, in place. */
    final Seeding.Nearest seeded;
    /** With the Vector API: the points feature-major, and each point's squared distance to its centroid. */
    private final double[][] cols;
    private final double[] dist;
    private final double[][] blockSums;
    private final long[][] blockCounts;
    private final double[] blockInertia;
    private final double[] sums;
    private final long[] counts;
    private final double[] shift;
    private final double[] half;
    double inertia;

    Hamerly(double[] x, int n, int d, int k, WorkerPool pool, boolean vector) {
      this.x = x;
      this.n = n;
      this.d = d;
      this.k = k;
      this.pool = pool;
      this.blocks = Points.blocks(n);
      this.assign = new int[n];
      this.upper = new double[n];
      this.lower = new double[n];
      this.seeded = new Seeding.Nearest(assign, upper, lower);
      this.cols = vector ? VectorNearest.columns(x, n, d) : null;
      this.dist = vector ? new double[n] : null;
      this.blockSums = new double[blocks][k * d];
      this.blockCounts = new long[blocks][k];
      this.blockInertia = new double[blocks];
      this.sums = new double[k * d];
      this.counts = new long[k];
      this.shift = new double[k];
      this.half = new double[k];
    }

    /**
     * Refines centroids {@code c}, which the seeding has just drawn into {@link #seeded}, in place; leaves the final
     * assignment and inertia in the fields.
     */
    int refine(double[] c, int maxIterations, double tolAbs, Progress progress) {
      double[] old = new double[k * d];
      int iterations = 0;
      for (int it = 1; it <= maxIterations; it++) {
        assignPass(c, it == 1, false);
        Arrays.fill(sums, 0);
        Arrays.fill(counts, 0);
        for (int b = 0; b < blocks; b++) {
          double[] bs = blockSums[b];
          long[] bc = blockCounts[b];
          for (int q = 0; q < sums.length; q++) sums[q] += bs[q];
          for (int j = 0; j < k; j++) counts[j] += bc[j];
        }
        for (int i : Points.reseedEmpty(x, n, d, k, c, assign, sums, counts)) {
          upper[i] = Double.POSITIVE_INFINITY; // its cluster is new: look at it afresh next pass
          lower[i] = 0;
        }
        System.arraycopy(c, 0, old, 0, c.length);
        double moved = Points.update(c, sums, counts, k, d, shift);
        iterations = it;
        progress.update("kmeans", it, maxIterations, "iterations");
        if (moved <= tolAbs) break;
      }
      assignPass(c, iterations == 0, true);
      double s = 0;
      for (double v : blockInertia) s += v;
      inertia = s;
      return iterations;
    }

    /**
     * One assignment pass as Lloyd's, every point against every centroid on the Vector API ({@link VectorNearest}),
     * without bounds: the same assignments as the bounded pass, and for few features faster. Fills the block sums,
     * or with {@code last} the block inertias.
     */
    private void scanPass(double[] c, boolean last) {
      Seeding.forBlocks(pool, blocks, n, (b, lo, hi) -> {
        VectorNearest.scan(cols, x, lo, hi, c, k, d, assign, dist, new double[VectorNearest.LANES]);
        if (last) {
          double in = 0;
          for (int i = lo; i < hi; i++) in += dist[i];
          blockInertia[b] = in;
          return;
        }
        double[] bs = blockSums[b];
        long[] bc = blockCounts[b];
        Arrays.fill(bs, 0);
        Arrays.fill(bc, 0);
        for (int i = lo; i < hi; i++) {
          int a = assign[i];
          bc[a]++;
          int o = a * d;
          int xo = i * d;
          for (int t = 0; t < d; t++) bs[o + t] += x[xo + t];
        }
      });
    }

    /**
     * One assignment pass with the bounds loosened by {@link #shift}; fills the block sums, or with
     * {@code last} the block inertias (exact distances to the assigned centroids). The {@code fresh} pass, the
     * first on the seeding's centres, takes the seeding's nearest centres and squared distances (what a full scan
     * would find, bit for bit) instead of scanning.
     */
    private void assignPass(double[] c, boolean fresh, boolean last) {
      if (cols != null && !fresh) {
        scanPass(c, last);
        return;
      }
      double maxShift = 0;
      double secondShift = 0;
      int maxAt = -1;
      for (int j = 0; j < k; j++) {
        double v = fresh ? 0 : shift[j];
        if (v > maxShift) {
          secondShift = maxShift;
          maxShift = v;
          maxAt = j;
        } else if (v > secondShift) {
          secondShift = v;
        }
      }
      for (int j = 0; j < k; j++) {
        double m = Double.POSITIVE_INFINITY;
        for (int o = 0; o < k; o++) if (o != j) m = Math.min(m, Points.dist2(c, j, c, o, d));
        half[j] = 0.5 * Math.sqrt(m) * SAFE;
      }
      final double ms = maxShift;
      final double ss = secondShift;
      final int ma = maxAt;
      Seeding.forBlocks(pool, blocks, n, (b, lo, hi) -> {
        double[] bs = blockSums[b];
        long[] bc = blockCounts[b];
        Arrays.fill(bs, 0);
        Arrays.fill(bc, 0);
        double in = 0;
        for (int i = lo; i < hi; i++) {
          int a;
          double u;
          double l;
          double ea = -1; // squared distance to the assigned centroid, once computed
          a = assign[i];
          if (fresh) {
            // the seeding's nearest centre and squared distances: a full scan's result
            ea = upper[i];
            u = Math.sqrt(ea);
            l = Math.sqrt(lower[i]);
          } else {
            double sa = shift[a];
            u = sa == 0 ? upper[i] : (upper[i] + sa) * UP;
            double so = a == ma ? ss : ms;
            l = so == 0 ? lower[i] : Math.max(0, (lower[i] - so) * DOWN);
            double m = Math.max(half[a], l * SAFE);
            if (!(u < m)) {
              ea = Points.dist2(x, i, c, a, d);
              u = Math.sqrt(ea);
              if (!(u < m)) a = -1;
            }
          }
          if (a < 0) {
            // Full scan, exactly as Lloyd: the first strict minimum wins.
            double b1 = Double.POSITIVE_INFINITY;
            double b2 = Double.POSITIVE_INFINITY;
            int at = 0;
            for (int j = 0; j < k; j++) {
              double e = Points.dist2(x, i, c, j, d);
              if (e < b1) {
                b2 = b1;
                b1 = e;
                at = j;
              } else if (e < b2) {
                b2 = e;
              }
            }
            a = at;
            ea = b1;
            u = Math.sqrt(b1);
            l = Math.sqrt(b2);
          }
          if (last) in += ea >= 0 ? ea : Points.dist2(x, i, c, a, d);
          assign[i] = a;
          upper[i] = u;
          lower[i] = l;
          if (!last) {
            bc[a]++;
            int o = a * d;
            int xo = i * d;
            for (int t = 0; t < d; t++) bs[o + t] += x[xo + t];
          }
        }
        blockInertia[b] = in;
      });
    }
  }
}
